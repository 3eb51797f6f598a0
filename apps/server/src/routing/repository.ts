import { sql, type Selectable, type Updateable } from 'kysely';
import {
  json,
  type AgentRoutingTable,
  type Conversation,
  type Presence,
  type RoutingDecisionsTable,
  type RoutingQueuesTable,
} from '../db/schema.js';
import type { Executor } from '../repositories/jobs.js';

export type QueueRow = Selectable<RoutingQueuesTable>;
export type DecisionRow = Selectable<RoutingDecisionsTable>;
export type AgentRoutingRow = Selectable<AgentRoutingTable>;

/** Capacity of an agent nobody has configured. */
export const DEFAULT_CAPACITY = 5;
/** How far back an agent's emotion turnaround is measured. */
export const TURNAROUND_DAYS = 90;
/** How far back abusive contacts are looked for (the longest cool-down a queue may set is a day). */
export const ABUSE_LOOKBACK_MS = 24 * 60 * 60 * 1000;
/** A conversation counts for turnaround when the customer's most negative moment was at least this negative. */
export const UPSET_SENTIMENT = -0.3;

/** The queue that routes a conversation: its inbox's own queue, else its team's. */
export async function findQueueFor(db: Executor, inboxId: string, teamId: string | null): Promise<QueueRow | undefined> {
  return db
    .selectFrom('routing_queues')
    .selectAll()
    .where('enabled', '=', true)
    .where((eb) =>
      eb.or([eb('inbox_id', '=', inboxId), ...(teamId ? [eb.and([eb('inbox_id', 'is', null), eb('team_id', '=', teamId)])] : [])]),
    )
    .orderBy(sql`inbox_id is null`)
    .limit(1)
    .executeTakeFirst();
}

export async function hasEnabledQueue(db: Executor): Promise<boolean> {
  return (await db.selectFrom('routing_queues').select('id').where('enabled', '=', true).limit(1).executeTakeFirst()) !== undefined;
}

export async function listQueues(db: Executor): Promise<QueueRow[]> {
  return db.selectFrom('routing_queues').selectAll().orderBy('name').execute();
}

export async function findQueue(db: Executor, id: string): Promise<QueueRow | undefined> {
  return db.selectFrom('routing_queues').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface QueueFields {
  name?: string | undefined;
  inboxId?: string | null | undefined;
  teamId?: string | null | undefined;
  strategy?: QueueRow['strategy'] | undefined;
  fallback?: QueueRow['fallback'] | undefined;
  requiredSkills?: string[] | undefined;
  matchLanguage?: boolean | undefined;
  continuity?: boolean | undefined;
  emotionAware?: boolean | undefined;
  angerThreshold?: number | undefined;
  abuseCooldownMinutes?: number | undefined;
  escalateToSupervisor?: boolean | undefined;
  enabled?: boolean | undefined;
}

function queueColumns(fields: QueueFields): Updateable<RoutingQueuesTable> {
  const columns: Updateable<RoutingQueuesTable> = {};
  if (fields.name !== undefined) columns.name = fields.name;
  if (fields.inboxId !== undefined) columns.inbox_id = fields.inboxId;
  if (fields.teamId !== undefined) columns.team_id = fields.teamId;
  if (fields.strategy !== undefined) columns.strategy = fields.strategy;
  if (fields.fallback !== undefined) columns.fallback = fields.fallback;
  if (fields.requiredSkills !== undefined) columns.required_skills = json([...new Set(fields.requiredSkills)]);
  if (fields.matchLanguage !== undefined) columns.match_language = fields.matchLanguage;
  if (fields.continuity !== undefined) columns.continuity = fields.continuity;
  if (fields.emotionAware !== undefined) columns.emotion_aware = fields.emotionAware;
  if (fields.angerThreshold !== undefined) columns.anger_threshold = fields.angerThreshold;
  if (fields.abuseCooldownMinutes !== undefined) columns.abuse_cooldown_minutes = fields.abuseCooldownMinutes;
  if (fields.escalateToSupervisor !== undefined) columns.escalate_to_supervisor = fields.escalateToSupervisor;
  if (fields.enabled !== undefined) columns.enabled = fields.enabled;
  return columns;
}

export async function insertQueue(db: Executor, fields: QueueFields & { name: string }): Promise<QueueRow> {
  return db
    .insertInto('routing_queues')
    .values({ ...queueColumns(fields), name: fields.name })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateQueueRow(db: Executor, id: string, fields: QueueFields): Promise<QueueRow | undefined> {
  return db
    .updateTable('routing_queues')
    .set({ ...queueColumns(fields), updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteQueueRow(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('routing_queues').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Moves the queue's round-robin cursor. */
export async function setLastAssigned(db: Executor, queueId: string, userId: string): Promise<void> {
  await db.updateTable('routing_queues').set({ last_assigned_id: userId }).where('id', '=', queueId).execute();
}

/** A member of staff with everything routing weighs. */
export interface StaffRoutingRow {
  id: string;
  name: string;
  role: 'agent' | 'supervisor' | 'qa' | 'admin';
  locale: string;
  skills: string[];
  team_ids: string[];
  presence: Presence;
  capacity: number;
  presence_changed_at: Date | null;
  load: number;
  turnaround_mean: number | null;
  turnaround_sum: number | null;
  turnaround_count: number;
  last_abuse_at: Date | null;
}

/**
 * Agents and supervisors (not disabled) with presence, capacity, open load, emotion turnaround over the last
 * `TURNAROUND_DAYS` of resolved conversations whose customer was upset, and when (within the last day) they last got an
 * abusive or threatening message in a conversation assigned to them (found from their conversations, which are indexed).
 */
export async function loadStaff(db: Executor, now: Date, filter: { userIds?: readonly string[] } = {}): Promise<StaffRoutingRow[]> {
  const since = new Date(now.getTime() - TURNAROUND_DAYS * 86_400_000);
  const abuseSince = new Date(now.getTime() - ABUSE_LOOKBACK_MS);
  const ids = filter.userIds;
  if (ids && ids.length === 0) return [];
  const result = await sql<StaffRoutingRow>`
    select u.id, u.name, u.role, u.locale, u.skills,
      coalesce((select jsonb_agg(tm.team_id) from team_members tm where tm.user_id = u.id), '[]'::jsonb) as team_ids,
      coalesce(ar.presence, 'offline') as presence,
      coalesce(ar.capacity, ${DEFAULT_CAPACITY}) as capacity,
      ar.presence_changed_at,
      (select count(*) from conversations c where c.assignee_id = u.id and c.status in ('open', 'pending'))::int as load,
      t.mean as turnaround_mean, t.total as turnaround_sum, coalesce(t.n, 0)::int as turnaround_count,
      (select max(m.created_at) from conversations c
        join message_analyses ma on ma.conversation_id = c.id
        join messages m on m.id = ma.message_id
        where c.assignee_id = u.id and c.updated_at >= ${abuseSince} and m.created_at >= ${abuseSince}
          and (ma.signals ? 'abuse' or ma.signals ? 'threat')) as last_abuse_at
    from users u
    left join agent_routing ar on ar.user_id = u.id
    left join (
      select c.assignee_id, avg(ca.turnaround) as mean, sum(ca.turnaround) as total, count(*) as n
      from conversations c join conversation_analyses ca on ca.conversation_id = c.id
      where c.status = 'resolved' and c.assignee_id is not null and c.resolved_at >= ${since}
        and ca.turnaround is not null and ca.peak_sentiment <= ${UPSET_SENTIMENT}
      group by c.assignee_id
    ) t on t.assignee_id = u.id
    where u.disabled_at is null and u.role in ('agent', 'supervisor')
      ${ids ? sql`and u.id in (${sql.join(ids)})` : sql``}
    order by u.name, u.id`.execute(db);
  return result.rows.map((row) => ({
    ...row,
    load: Number(row.load),
    capacity: Number(row.capacity),
    turnaround_count: Number(row.turnaround_count),
    turnaround_mean: row.turnaround_mean === null ? null : Number(row.turnaround_mean),
    turnaround_sum: row.turnaround_sum === null ? null : Number(row.turnaround_sum),
    last_abuse_at: row.last_abuse_at === null ? null : new Date(row.last_abuse_at),
    presence_changed_at: row.presence_changed_at === null ? null : new Date(row.presence_changed_at),
  }));
}

/** The last agent who handled this customer in another conversation. */
export async function findPreviousAgent(db: Executor, customerId: string, conversationId: string): Promise<string | null> {
  const row = await db
    .selectFrom('conversations')
    .select('assignee_id')
    .where('customer_id', '=', customerId)
    .where('id', '!=', conversationId)
    .where('assignee_id', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.assignee_id ?? null;
}

/** Assigns only if still unassigned (a person may have taken it meanwhile); undefined when it was not. */
export async function assignIfUnassigned(db: Executor, conversationId: string, userId: string): Promise<Conversation | undefined> {
  return db
    .updateTable('conversations')
    .set({ assignee_id: userId, updated_at: sql<Date>`now()` })
    .where('id', '=', conversationId)
    .where('assignee_id', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function insertDecision(
  db: Executor,
  row: { conversationId: string; queueId: string | null; assigneeId: string | null; reason: string; details: Record<string, unknown> },
): Promise<DecisionRow> {
  return db
    .insertInto('routing_decisions')
    .values({
      conversation_id: row.conversationId,
      queue_id: row.queueId,
      assignee_id: row.assigneeId,
      reason: row.reason,
      details: json(row.details),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The activity line agents see in the conversation (same shape as a manual assignment's). */
export async function insertAssignmentActivity(db: Executor, conversationId: string, userId: string, reason: string): Promise<void> {
  const change = `assignee:${userId}`;
  await db
    .insertInto('messages')
    .values({
      conversation_id: conversationId,
      type: 'activity',
      sender_type: 'system',
      body: change,
      metadata: json({ by: 'routing', reason, changes: [change] }),
    })
    .execute();
}

export async function listDecisions(
  db: Executor,
  filter: { conversationId?: string | undefined; limit: number },
): Promise<(DecisionRow & { assignee_name: string | null; queue_name: string | null })[]> {
  let query = db
    .selectFrom('routing_decisions as d')
    .leftJoin('users as u', 'u.id', 'd.assignee_id')
    .leftJoin('routing_queues as q', 'q.id', 'd.queue_id')
    .selectAll('d')
    .select(['u.name as assignee_name', 'q.name as queue_name']);
  if (filter.conversationId) query = query.where('d.conversation_id', '=', filter.conversationId);
  return query.orderBy('d.id', 'desc').limit(filter.limit).execute();
}

export async function findAgentRouting(db: Executor, userId: string): Promise<AgentRoutingRow | undefined> {
  return db.selectFrom('agent_routing').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** Sets presence and/or capacity (the row is created on first use). */
export async function upsertAgentRouting(
  db: Executor,
  userId: string,
  fields: { presence?: Presence | undefined; capacity?: number | undefined },
): Promise<AgentRoutingRow> {
  return db
    .insertInto('agent_routing')
    .values({
      user_id: userId,
      ...(fields.presence ? { presence: fields.presence } : {}),
      ...(fields.capacity !== undefined ? { capacity: fields.capacity } : {}),
    })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        ...(fields.presence ? { presence: fields.presence } : {}),
        ...(fields.capacity !== undefined ? { capacity: fields.capacity } : {}),
        presence_changed_at: fields.presence
          ? sql<Date>`case when agent_routing.presence = ${fields.presence} then agent_routing.presence_changed_at else now() end`
          : sql<Date>`agent_routing.presence_changed_at`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setSkills(db: Executor, userId: string, skills: string[]): Promise<void> {
  await db
    .updateTable('users')
    .set({ skills: json(skills) })
    .where('id', '=', userId)
    .execute();
}

/** Open conversations nobody has, longest waiting first (routed when an agent comes online). */
export async function listWaitingUnassigned(db: Executor, limit: number): Promise<Conversation[]> {
  return db
    .selectFrom('conversations')
    .innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id')
    .selectAll('conversations')
    .where('conversations.status', '=', 'open')
    .where('conversations.assignee_id', 'is', null)
    .where('conversations.waiting_since', 'is not', null)
    .where('inboxes.channel', '!=', 'import')
    .orderBy('conversations.waiting_since')
    .limit(limit)
    .execute();
}

/** Open conversations of an agent where the customer waits for a reply, longest waiting first. */
export async function listWaitingAssignedTo(db: Executor, userId: string, limit: number): Promise<Conversation[]> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('assignee_id', '=', userId)
    .where('status', '=', 'open')
    .where('waiting_since', 'is not', null)
    .orderBy('waiting_since')
    .limit(limit)
    .execute();
}

/** Unassigns a conversation still held by this agent, with an activity line; undefined if it moved meanwhile. */
export async function releaseAssignment(db: Executor, conversationId: string, userId: string): Promise<Conversation | undefined> {
  const row = await db
    .updateTable('conversations')
    .set({ assignee_id: null, updated_at: sql<Date>`now()` })
    .where('id', '=', conversationId)
    .where('assignee_id', '=', userId)
    .returningAll()
    .executeTakeFirst();
  if (row) {
    await db
      .insertInto('messages')
      .values({
        conversation_id: conversationId,
        type: 'activity',
        sender_type: 'system',
        body: 'assignee:-',
        metadata: json({ by: 'routing', reason: 'agent_offline', changes: ['assignee:-'] }),
      })
      .execute();
  }
  return row;
}

/** What the analysis stored about a conversation's customer: last emotion, risk flags, language. */
export async function loadStoredCase(
  db: Executor,
  conversationId: string,
): Promise<{ emotion: string | null; intensity: number | null; risk: string[]; lang: string | null } | undefined> {
  const row = await db
    .selectFrom('conversation_analyses')
    .select(['last_emotion', 'last_intensity', 'risk', 'lang'])
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  return row ? { emotion: row.last_emotion, intensity: row.last_intensity, risk: row.risk, lang: row.lang } : undefined;
}
