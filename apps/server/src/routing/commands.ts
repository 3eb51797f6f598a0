import type { Transaction } from 'kysely';
import type { Conversation, Database, Presence } from '../db/schema.js';
import type { AnalysisHook, Deps } from '../deps.js';
import { AppError, badRequest, notFound } from '../errors.js';
import { authorize, type Principal } from '../policies/policies.js';
import { writeAudit } from '../repositories/audit.js';
import { enqueueJob, type Executor } from '../repositories/jobs.js';
import {
  assignIfUnassigned,
  deleteQueueRow,
  findPreviousAgent,
  findQueue,
  findQueueFor,
  hasEnabledQueue,
  insertAssignmentActivity,
  insertDecision,
  insertQueue,
  listWaitingAssignedTo,
  listWaitingUnassigned,
  releaseAssignment,
  loadStaff,
  loadStoredCase,
  setLastAssigned,
  setSkills,
  updateQueueRow,
  upsertAgentRouting,
  type QueueFields,
  type QueueRow,
  type StaffRoutingRow,
} from './repository.js';
import { decideAssignee, languagesOf, type Candidate, type Decision, type QueueSettings, type RoutingCase } from './strategy.js';

/** The bus announcement of a routed conversation goes out from a job, after the routing transaction commits. */
export const ANNOUNCE_JOB = 'routing_announce';
/** Messages older than this are history (imports, a backfill re-analysing old messages): they are not routed. */
export const ROUTE_MAX_AGE_MS = 60 * 60 * 1000;
/** Weight of the prior (a turnaround of 0) in an agent's turnaround score: one lucky conversation is not a record. */
export const TURNAROUND_PRIOR = 2;

/** An agent's ranking score: mean turnaround shrunk towards 0 by `TURNAROUND_PRIOR` pseudo-conversations. */
export function turnaroundScore(row: Pick<StaffRoutingRow, 'turnaround_sum' | 'turnaround_count'>): number | null {
  if (row.turnaround_count === 0 || row.turnaround_sum === null) return null;
  return Math.round((row.turnaround_sum / (row.turnaround_count + TURNAROUND_PRIOR)) * 1000) / 1000;
}

export function toCandidate(row: StaffRoutingRow, now: Date, cooldownMinutes: number): Candidate {
  return {
    id: row.id,
    role: row.role,
    presence: row.presence,
    capacity: row.capacity,
    load: row.load,
    skills: row.skills,
    languages: languagesOf(row.skills, row.locale),
    turnaround: turnaroundScore(row),
    turnaroundCount: row.turnaround_count,
    recentAbuse: row.last_abuse_at !== null && now.getTime() - row.last_abuse_at.getTime() < cooldownMinutes * 60_000,
  };
}

export function queueSettings(queue: QueueRow): QueueSettings {
  return {
    strategy: queue.strategy,
    fallback: queue.fallback,
    requiredSkills: queue.required_skills,
    matchLanguage: queue.match_language,
    continuity: queue.continuity,
    emotionAware: queue.emotion_aware,
    angerThreshold: queue.anger_threshold,
    escalateToSupervisor: queue.escalate_to_supervisor,
    lastAssignedId: queue.last_assigned_id,
  };
}

export interface RouteOutcome {
  decision: Decision;
  queue: QueueRow;
  conversation: Conversation;
}

/**
 * Routes an unassigned conversation through its queue (inbox's, else team's): picks the assignee, assigns, logs the
 * decision (also when nobody is free) and an activity line, and queues the announcement. Returns undefined when no
 * queue routes it or it is already assigned.
 */
export async function routeConversation(
  trx: Executor,
  conversation: Conversation,
  customer: Omit<RoutingCase, 'previousAgentId' | 'topics'>,
  now: Date,
  options: { logWhenNobody?: boolean } = {},
): Promise<RouteOutcome | undefined> {
  if (conversation.assignee_id !== null || conversation.status === 'resolved') return undefined;
  const queue = await findQueueFor(trx, conversation.inbox_id, conversation.team_id);
  if (!queue) return undefined;
  const settings = queueSettings(queue);
  const teamId = queue.team_id ?? conversation.team_id;
  const staff = (await loadStaff(trx, now)).map((row) => ({ row, candidate: toCandidate(row, now, queue.abuse_cooldown_minutes) }));
  const agents = staff
    .filter(({ row }) => row.role === 'agent' && (teamId === null || row.team_ids.includes(teamId)))
    .map((s) => s.candidate);
  const supervisors = staff.filter(({ row }) => row.role === 'supervisor').map((s) => s.candidate);
  const kase: RoutingCase = {
    ...customer,
    previousAgentId: queue.continuity ? await findPreviousAgent(trx, conversation.customer_id, conversation.id) : null,
    topics: conversation.tags,
  };
  const decision = decideAssignee(settings, agents, supervisors, kase);
  let updated = conversation;
  if (decision.assigneeId) {
    const assigned = await assignIfUnassigned(trx, conversation.id, decision.assigneeId);
    if (!assigned) return undefined;
    updated = assigned;
    await setLastAssigned(trx, queue.id, decision.assigneeId);
    await insertAssignmentActivity(trx, conversation.id, decision.assigneeId, decision.reason);
    await enqueueJob(trx, ANNOUNCE_JOB, { conversationId: conversation.id });
  }
  if (!decision.assigneeId && options.logWhenNobody === false) return { decision, queue, conversation: updated };
  const chosen = staff.find((s) => s.row.id === decision.assigneeId)?.candidate;
  await insertDecision(trx, {
    conversationId: conversation.id,
    queueId: queue.id,
    assigneeId: decision.assigneeId,
    reason: decision.reason,
    details: {
      upset: decision.upset,
      excludedForAbuse: decision.excludedForAbuse,
      emotion: customer.emotion,
      intensity: customer.intensity,
      signals: customer.signals,
      language: customer.language,
      previousAgentId: kase.previousAgentId,
      candidates: agents.length,
      available: agents.filter((a) => a.presence === 'online' && a.load < a.capacity).length,
      ...(chosen ? { turnaround: chosen.turnaround, load: chosen.load } : {}),
    },
  });
  return { decision, queue, conversation: updated };
}

/**
 * Routes each conversation whose first fresh customer message was just analysed, while nobody has it: the emotion
 * and risk flags of that message decide whether the customer needs the best de-escalators.
 */
export const routeOnAnalysis: AnalysisHook = async (trx, analyzed) => {
  const now = new Date();
  const waiting = analyzed.filter(
    (item) =>
      item.message.type === 'incoming' &&
      item.customer !== undefined &&
      item.conversation.assignee_id === null &&
      now.getTime() - item.message.created_at.getTime() <= ROUTE_MAX_AGE_MS,
  );
  // One query per batch when no queue is set up.
  if (waiting.length === 0 || !(await hasEnabledQueue(trx))) return;
  const seen = new Set<string>();
  for (const item of waiting) {
    if (!item.customer || seen.has(item.conversation.id)) continue;
    seen.add(item.conversation.id);
    // The row as it is now in this transaction (an automation rule may have assigned it a moment ago).
    const conversation = await trx.selectFrom('conversations').selectAll().where('id', '=', item.conversation.id).executeTakeFirst();
    if (!conversation) continue;
    const customerLocale = await trx.selectFrom('customers').select('locale').where('id', '=', conversation.customer_id).executeTakeFirst();
    const risk = item.whole ? Object.entries(item.whole.signals).filter(([, n]) => n > 0) : [];
    await routeConversation(
      trx,
      conversation,
      {
        emotion: item.customer.emotion,
        intensity: item.customer.intensity,
        signals: [...new Set([...item.customer.signals.map((s) => s.id), ...risk.map(([id]) => id)])],
        language: languageOf(item.customer.lang, customerLocale?.locale ?? null),
      },
      now,
    );
  }
};

function languageOf(detected: string | null, locale: string | null): string | null {
  if (detected === 'zh' || detected === 'en') return detected;
  if (locale) return locale.toLowerCase().startsWith('en') ? 'en' : 'zh';
  return null;
}

/** Routes a conversation now from its stored analysis (a supervisor's "route now", or an agent coming online). */
async function routeFromStored(
  trx: Transaction<Database>,
  conversation: Conversation,
  now: Date,
  options: { logWhenNobody?: boolean } = {},
): Promise<RouteOutcome | undefined> {
  const stored = await loadStoredCase(trx, conversation.id);
  const customerLocale = await trx.selectFrom('customers').select('locale').where('id', '=', conversation.customer_id).executeTakeFirst();
  return routeConversation(
    trx,
    conversation,
    {
      emotion: stored?.emotion ?? null,
      intensity: stored?.intensity ?? null,
      signals: stored?.risk ?? [],
      language: languageOf(stored?.lang ?? null, customerLocale?.locale ?? null),
    },
    now,
    options,
  );
}

/** A supervisor routes one unassigned conversation through its queue now. */
export async function routeNow(deps: Deps, principal: Principal, conversationId: string, now = new Date()): Promise<RouteOutcome> {
  authorize(principal, 'routing.manage');
  const outcome = await deps.db.kysely.transaction().execute(async (trx) => {
    const conversation = await trx.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst();
    if (!conversation) throw notFound('conversation');
    if (conversation.assignee_id) throw new AppError('already_assigned', 409, 'this conversation already has an assignee');
    if (conversation.status === 'resolved') throw new AppError('resolved', 409, 'this conversation is resolved');
    const routed = await routeFromStored(trx, conversation, now);
    if (!routed) throw new AppError('no_queue', 409, 'no enabled queue routes this conversation (its inbox or team)');
    return routed;
  });
  deps.wakeJobs();
  return outcome;
}

/** When an agent comes online, the conversations waiting for somebody are routed again (longest waiting first). */
async function routeWaiting(deps: Deps, now: Date, limit = 20): Promise<number> {
  const routed = await deps.db.kysely.transaction().execute(async (trx) => {
    let count = 0;
    for (const conversation of await listWaitingUnassigned(trx, limit)) {
      const outcome = await routeFromStored(trx, conversation, now, { logWhenNobody: false });
      if (outcome?.decision.assigneeId) count++;
    }
    return count;
  });
  if (routed > 0) deps.wakeJobs();
  return routed;
}

type Actor = { principal: Principal; ip: string | undefined };

/** Sets a member of staff's presence, capacity or skills: anyone their own presence, supervisors and admins the rest. */
export async function updateAgentRouting(
  deps: Deps,
  actor: Actor,
  userId: string,
  input: { presence?: Presence | undefined; capacity?: number | undefined; skills?: string[] | undefined },
  now = new Date(),
): Promise<void> {
  const own = actor.principal.kind === 'user' && actor.principal.id === userId;
  if (!own || input.capacity !== undefined || input.skills !== undefined) authorize(actor.principal, 'routing.manage');
  await deps.db.kysely.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'role', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
    if (!user || user.disabled_at) throw notFound('user');
    if (user.role !== 'agent' && user.role !== 'supervisor') throw badRequest('not_routable', 'only agents and supervisors are routed to');
    if (input.presence !== undefined || input.capacity !== undefined) {
      await upsertAgentRouting(trx, userId, { presence: input.presence, capacity: input.capacity });
    }
    if (input.skills !== undefined) await setSkills(trx, userId, [...new Set(input.skills)]);
    if (!own) {
      await writeAudit(trx, actor.principal, 'routing.agent_updated', { type: 'user', id: userId, details: input, ip: actor.ip });
    }
  });
  if (input.presence === 'online') await routeWaiting(deps, now);
  if (input.presence === 'offline') await rerouteFromOffline(deps, userId, now);
}

/**
 * An agent who goes offline (not merely away) leaves customers waiting: their open conversations awaiting a reply in a
 * routed inbox go back through the queue (to someone else, or unassigned until someone comes online).
 */
async function rerouteFromOffline(deps: Deps, userId: string, now: Date, limit = 50): Promise<number> {
  const moved = await deps.db.kysely.transaction().execute(async (trx) => {
    let count = 0;
    for (const conversation of await listWaitingAssignedTo(trx, userId, limit)) {
      if (!(await findQueueFor(trx, conversation.inbox_id, conversation.team_id))) continue;
      const released = await releaseAssignment(trx, conversation.id, userId);
      if (!released) continue;
      const outcome = await routeFromStored(trx, released, now);
      if (!outcome?.decision.assigneeId) await enqueueJob(trx, ANNOUNCE_JOB, { conversationId: conversation.id });
      count++;
    }
    return count;
  });
  if (moved > 0) deps.wakeJobs();
  return moved;
}

const QUEUE_TARGET_TAKEN = (error: unknown): never => {
  if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505') {
    throw new AppError('queue_exists', 409, 'this inbox or team already has a queue');
  }
  throw error;
};

async function checkTargets(trx: Executor, fields: QueueFields): Promise<void> {
  if (fields.inboxId && !(await trx.selectFrom('inboxes').select('id').where('id', '=', fields.inboxId).executeTakeFirst())) {
    throw notFound('inbox');
  }
  if (fields.teamId && !(await trx.selectFrom('teams').select('id').where('id', '=', fields.teamId).executeTakeFirst())) {
    throw notFound('team');
  }
}

export async function createQueueCommand(deps: Deps, actor: Actor, fields: QueueFields & { name: string }): Promise<QueueRow> {
  authorize(actor.principal, 'routing.manage');
  if (!fields.inboxId && !fields.teamId) throw badRequest('queue_needs_target', 'a queue routes an inbox or a team');
  return deps.db.kysely
    .transaction()
    .execute(async (trx) => {
      await checkTargets(trx, fields);
      const row = await insertQueue(trx, fields);
      await writeAudit(trx, actor.principal, 'routing.queue_created', {
        type: 'routing_queue',
        id: row.id,
        details: { name: row.name },
        ip: actor.ip,
      });
      return row;
    })
    .catch(QUEUE_TARGET_TAKEN);
}

export async function updateQueueCommand(deps: Deps, actor: Actor, id: string, fields: QueueFields): Promise<QueueRow> {
  authorize(actor.principal, 'routing.manage');
  return deps.db.kysely
    .transaction()
    .execute(async (trx) => {
      const before = await findQueue(trx, id);
      if (!before) throw notFound('queue');
      const inbox = fields.inboxId === undefined ? before.inbox_id : fields.inboxId;
      const team = fields.teamId === undefined ? before.team_id : fields.teamId;
      if (!inbox && !team) throw badRequest('queue_needs_target', 'a queue routes an inbox or a team');
      await checkTargets(trx, fields);
      const row = await updateQueueRow(trx, id, fields);
      if (!row) throw notFound('queue');
      await writeAudit(trx, actor.principal, 'routing.queue_updated', { type: 'routing_queue', id, details: { ...fields }, ip: actor.ip });
      return row;
    })
    .catch(QUEUE_TARGET_TAKEN);
}

export async function deleteQueueCommand(deps: Deps, actor: Actor, id: string): Promise<void> {
  authorize(actor.principal, 'routing.manage');
  await deps.db.kysely.transaction().execute(async (trx) => {
    const before = await findQueue(trx, id);
    if (!before || !(await deleteQueueRow(trx, id))) throw notFound('queue');
    await writeAudit(trx, actor.principal, 'routing.queue_deleted', {
      type: 'routing_queue',
      id,
      details: { name: before.name },
      ip: actor.ip,
    });
  });
}
