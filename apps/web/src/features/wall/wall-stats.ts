import type { ConversationListItem, UserSummary } from '../../api/types.js';
import { pickRiskFlags, type RiskFlag } from '../../components/emotion.js';

export interface AgentLoad {
  /** null: the unassigned queue. */
  agentId: string | null;
  name: string;
  open: number;
  handledToday: number;
  /** Open conversations with an abusive (or threatening) customer: the agent's exposure. */
  abusive: number;
}

/** Alerts the wall shows, most serious first: raised live over the socket, or read from a conversation's risk flags. */
export const ALERT_KINDS = [
  'self_harm',
  'threat',
  'abuse',
  'escalation_threat',
  'sla_breached',
  'anger_rising',
  'low_csat',
  'promise_overdue',
  'sla_warning',
  'automation',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface WallAlert {
  key: string;
  kind: AlertKind;
  conversationId: string;
  at: string;
  live: boolean;
}

const EXPOSURE: readonly string[] = ['abuse', 'threat'];

/**
 * Per agent: open assigned conversations, conversations resolved since `since`, and abusive-contact exposure, busiest
 * first; the unassigned queue is last. Agents with nothing today are listed too (so an idle agent is visible).
 * @example
 * agentLoads(openRows, resolvedRows, users, startOfToday);
 */
export function agentLoads(
  open: readonly ConversationListItem[],
  resolved: readonly ConversationListItem[],
  users: readonly UserSummary[],
  since: number,
): AgentLoad[] {
  const rows = new Map<string | null, AgentLoad>();
  const names = new Map(users.map((u) => [u.id, u.name]));
  const row = (id: string | null): AgentLoad => {
    let r = rows.get(id);
    if (!r) {
      r = { agentId: id, name: id === null ? '' : (names.get(id) ?? id.slice(0, 8)), open: 0, handledToday: 0, abusive: 0 };
      rows.set(id, r);
    }
    return r;
  };
  for (const u of users) if (u.role === 'agent') row(u.id);
  for (const c of open) {
    const r = row(c.assigneeId);
    r.open++;
    if (c.analysis?.risk.some((flag) => EXPOSURE.includes(flag))) r.abusive++;
  }
  for (const c of resolved) {
    if (!c.resolvedAt || Date.parse(c.resolvedAt) < since) continue;
    row(c.assigneeId).handledToday++;
  }
  return [...rows.values()].sort(
    (a, b) =>
      Number(a.agentId === null) - Number(b.agentId === null) || b.open - a.open || b.abusive - a.abusive || a.name.localeCompare(b.name),
  );
}

/** The alerts implied by the open conversations' risk flags (one per flag and conversation, most serious first). */
export function alertsFromFlags(open: readonly ConversationListItem[]): WallAlert[] {
  const alerts: WallAlert[] = [];
  for (const c of open)
    for (const flag of pickRiskFlags(c.analysis?.risk) as RiskFlag[])
      alerts.push({ key: `flag:${c.id}:${flag}`, kind: flag, conversationId: c.id, at: c.lastMessageAt ?? c.updatedAt, live: false });
  const rank = (kind: AlertKind) => ALERT_KINDS.indexOf(kind);
  return alerts.sort((a, b) => rank(a.kind) - rank(b.kind) || b.at.localeCompare(a.at));
}

/** The SLA clocks that are at risk or breached, as alerts (a breach first), from `GET /api/sla/conversations`. */
export function alertsFromSla(states: readonly { conversationId: string; state: string; warnAt: string; dueAt: string }[]): WallAlert[] {
  const alerts: WallAlert[] = [];
  for (const s of states) {
    if (s.state === 'breached')
      alerts.push({ key: `sla:${s.conversationId}`, kind: 'sla_breached', conversationId: s.conversationId, at: s.dueAt, live: false });
    else if (s.state === 'warning')
      alerts.push({ key: `sla:${s.conversationId}`, kind: 'sla_warning', conversationId: s.conversationId, at: s.warnAt, live: false });
  }
  const rank = (kind: AlertKind) => ALERT_KINDS.indexOf(kind);
  return alerts.sort((a, b) => rank(a.kind) - rank(b.kind) || a.at.localeCompare(b.at));
}

/** Reads an `alert.raised` event's data; null when it is not an alert the wall knows. */
export function parseAlert(data: unknown, at: string): WallAlert | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as { kind?: unknown; conversationId?: unknown; messageId?: unknown };
  if (typeof d.kind !== 'string' || typeof d.conversationId !== 'string') return null;
  if (!(ALERT_KINDS as readonly string[]).includes(d.kind)) return null;
  const messageId = typeof d.messageId === 'string' ? d.messageId : at;
  return {
    key: `live:${d.conversationId}:${d.kind}:${messageId}`,
    kind: d.kind as AlertKind,
    conversationId: d.conversationId,
    at,
    live: true,
  };
}

/** Midnight today in the browser's time zone, as epoch milliseconds. */
export function startOfToday(now = new Date()): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
}
