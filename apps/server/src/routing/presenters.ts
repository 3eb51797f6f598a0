import { turnaroundScore } from './commands.js';
import type { DecisionRow, QueueRow, StaffRoutingRow } from './repository.js';
import { languagesOf } from './strategy.js';

export function presentQueue(q: QueueRow) {
  return {
    id: q.id,
    name: q.name,
    inboxId: q.inbox_id,
    teamId: q.team_id,
    strategy: q.strategy,
    fallback: q.fallback,
    requiredSkills: q.required_skills,
    matchLanguage: q.match_language,
    continuity: q.continuity,
    emotionAware: q.emotion_aware,
    angerThreshold: q.anger_threshold,
    abuseCooldownMinutes: q.abuse_cooldown_minutes,
    escalateToSupervisor: q.escalate_to_supervisor,
    enabled: q.enabled,
    lastAssignedId: q.last_assigned_id,
    createdAt: q.created_at.toISOString(),
    updatedAt: q.updated_at.toISOString(),
  };
}

/** Staff as the routing settings show them, ranked by emotion turnaround score (1 = best). */
export function presentRoutingAgents(rows: readonly StaffRoutingRow[]) {
  const scored = rows.map((row) => ({ row, score: turnaroundScore(row) }));
  const ranked = scored
    .filter((s) => s.score !== null)
    .sort((a, b) => (b.score ?? 0) - (a.score ?? 0))
    .map((s) => s.row.id);
  return scored.map(({ row, score }) => ({
    id: row.id,
    name: row.name,
    role: row.role === 'supervisor' ? ('supervisor' as const) : ('agent' as const),
    teamIds: row.team_ids,
    skills: row.skills,
    languages: languagesOf(row.skills, row.locale),
    presence: row.presence,
    presenceChangedAt: row.presence_changed_at?.toISOString() ?? null,
    capacity: row.capacity,
    load: row.load,
    turnaround: {
      mean: row.turnaround_mean === null ? null : Math.round(row.turnaround_mean * 1000) / 1000,
      score,
      conversations: row.turnaround_count,
    },
    lastAbuseAt: row.last_abuse_at?.toISOString() ?? null,
    rank: ranked.includes(row.id) ? ranked.indexOf(row.id) + 1 : null,
  }));
}

export function presentDecision(d: DecisionRow & { assignee_name: string | null; queue_name: string | null }) {
  return {
    id: Number(d.id),
    conversationId: d.conversation_id,
    queueId: d.queue_id,
    queueName: d.queue_name,
    assigneeId: d.assignee_id,
    assigneeName: d.assignee_name,
    reason: d.reason,
    details: d.details,
    createdAt: d.created_at.toISOString(),
  };
}
