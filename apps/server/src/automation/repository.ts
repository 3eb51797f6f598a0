import { sql, type Selectable } from 'kysely';
import { json, type AutomationEvent, type AutomationFiringsTable, type AutomationRulesTable } from '../db/schema.js';
import type { Executor } from '../repositories/jobs.js';
import type { Action, Conditions } from './rules.js';

export type RuleRow = Omit<Selectable<AutomationRulesTable>, 'conditions' | 'actions'> & { conditions: Conditions; actions: Action[] };
export type FiringRow = Selectable<AutomationFiringsTable>;

/** What one action did when its rule fired. */
export interface ActionOutcome {
  type: Action['type'];
  /** done: applied in the firing's transaction; queued: a job will do it; skipped / failed: with a reason. */
  status: 'done' | 'queued' | 'skipped' | 'failed';
  detail?: string;
}

const asRule = (row: Selectable<AutomationRulesTable>): RuleRow => ({
  ...row,
  conditions: row.conditions as Conditions,
  actions: row.actions as Action[],
});

/** Rules in evaluation order (position, then age). */
export async function listRules(db: Executor, filter: { event?: AutomationEvent; enabledOnly?: boolean } = {}): Promise<RuleRow[]> {
  let query = db.selectFrom('automation_rules').selectAll();
  if (filter.event) query = query.where('event', '=', filter.event);
  if (filter.enabledOnly) query = query.where('enabled', '=', true);
  return (await query.orderBy('position').orderBy('created_at').orderBy('id').execute()).map(asRule);
}

export async function findRule(db: Executor, id: string): Promise<RuleRow | undefined> {
  const row = await db.selectFrom('automation_rules').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? asRule(row) : undefined;
}

export interface RuleFields {
  name?: string | undefined;
  enabled?: boolean | undefined;
  event?: AutomationEvent | undefined;
  conditions?: Conditions | undefined;
  actions?: Action[] | undefined;
  position?: number | undefined;
}

export async function insertRule(
  db: Executor,
  fields: Required<Omit<RuleFields, 'position'>> & { position?: number | undefined; createdBy: string | null },
): Promise<RuleRow> {
  const row = await db
    .insertInto('automation_rules')
    .values({
      name: fields.name,
      enabled: fields.enabled,
      event: fields.event,
      conditions: json(fields.conditions),
      actions: json(fields.actions),
      position: fields.position ?? sql<number>`(select coalesce(max(position), -1) + 1 from automation_rules)`,
      created_by: fields.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return asRule(row);
}

export async function updateRuleRow(db: Executor, id: string, fields: RuleFields): Promise<RuleRow | undefined> {
  const row = await db
    .updateTable('automation_rules')
    .set({
      ...(fields.name !== undefined ? { name: fields.name } : {}),
      ...(fields.enabled !== undefined ? { enabled: fields.enabled } : {}),
      ...(fields.event !== undefined ? { event: fields.event } : {}),
      ...(fields.conditions !== undefined ? { conditions: json(fields.conditions) } : {}),
      ...(fields.actions !== undefined ? { actions: json(fields.actions) } : {}),
      ...(fields.position !== undefined ? { position: fields.position } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row ? asRule(row) : undefined;
}

export async function deleteRuleRow(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('automation_rules').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Records a firing unless this rule already fired for this occurrence (`dedupeKey`); undefined then, and the caller
 * does nothing (a re-analysed message, a retried batch).
 */
export async function insertFiring(
  db: Executor,
  firing: {
    rule: RuleRow;
    conversationId: string;
    messageId: string | null;
    event: AutomationEvent;
    dedupeKey: string | null;
    actions: ActionOutcome[];
  },
): Promise<FiringRow | undefined> {
  return db
    .insertInto('automation_firings')
    .values({
      rule_id: firing.rule.id,
      rule_name: firing.rule.name,
      conversation_id: firing.conversationId,
      message_id: firing.messageId,
      event: firing.event,
      dedupe_key: firing.dedupeKey,
      actions: json(firing.actions),
    })
    .onConflict((oc) => oc.columns(['rule_id', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateFiringActions(db: Executor, id: string, actions: ActionOutcome[]): Promise<void> {
  await db
    .updateTable('automation_firings')
    .set({ actions: json(actions) })
    .where('id', '=', id)
    .execute();
}

export async function findFiring(db: Executor, id: string): Promise<FiringRow | undefined> {
  return db.selectFrom('automation_firings').selectAll().where('id', '=', id).executeTakeFirst();
}

/** How often a rule fired on a conversation since a time (the loop guard). */
export async function countRecentFirings(db: Executor, ruleId: string, conversationId: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('automation_firings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('rule_id', '=', ruleId)
    .where('conversation_id', '=', conversationId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listFirings(
  db: Executor,
  filter: { ruleId?: string | undefined; conversationId?: string | undefined; limit: number },
): Promise<FiringRow[]> {
  let query = db.selectFrom('automation_firings').selectAll();
  if (filter.ruleId) query = query.where('rule_id', '=', filter.ruleId);
  if (filter.conversationId) query = query.where('conversation_id', '=', filter.conversationId);
  return query.orderBy('created_at', 'desc').orderBy('id').limit(filter.limit).execute();
}

/** Per-conversation data that facts are built from (inbox channel, customer attributes and locale). */
export async function loadConversationContext(
  db: Executor,
  conversation: { inbox_id: string; customer_id: string },
): Promise<{ channel: string; attributes: Record<string, unknown>; locale: string | null }> {
  const inbox = await db.selectFrom('inboxes').select('channel').where('id', '=', conversation.inbox_id).executeTakeFirst();
  const customer = await db
    .selectFrom('customers')
    .select(['attributes', 'locale'])
    .where('id', '=', conversation.customer_id)
    .executeTakeFirst();
  return { channel: inbox?.channel ?? 'api', attributes: customer?.attributes ?? {}, locale: customer?.locale ?? null };
}

/** A past conversation as the dry-run rebuilds its facts: stored analyses of its last customer message. */
export interface PastConversationRow {
  id: string;
  inbox_id: string;
  team_id: string | null;
  status: string;
  priority: string;
  subject: string;
  tags: string[];
  created_at: Date;
  updated_at: Date;
  channel: string;
  attributes: Record<string, unknown>;
  customer_locale: string | null;
  message_id: string | null;
  message_body: string | null;
  message_at: Date | null;
  emotion: string | null;
  intensity: number | null;
  signals: string[] | null;
  lang: string | null;
  risk: string[] | null;
}

/** The most recent conversations (by activity) with what their facts need, for the dry-run. No writes. */
export async function loadPastConversations(db: Executor, limit: number): Promise<PastConversationRow[]> {
  const result = await sql<PastConversationRow>`
    select c.id, c.inbox_id, c.team_id, c.status, c.priority, c.subject, c.tags, c.created_at, c.updated_at,
      i.channel, cu.attributes, cu.locale as customer_locale,
      m.id as message_id, m.body as message_body, m.created_at as message_at,
      ma.emotion, ma.intensity, ma.signals, ma.result->'customer'->>'lang' as lang, ca.risk
    from conversations c
    join inboxes i on i.id = c.inbox_id
    join customers cu on cu.id = c.customer_id
    left join lateral (
      select id, body, created_at from messages where conversation_id = c.id and type = 'incoming' order by seq desc limit 1
    ) m on true
    left join message_analyses ma on ma.message_id = m.id
    left join conversation_analyses ca on ca.conversation_id = c.id
    order by coalesce(c.last_message_at, c.created_at) desc, c.id
    limit ${limit}`.execute(db);
  return result.rows.map((row) => ({
    ...row,
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at),
    message_at: row.message_at === null ? null : new Date(row.message_at),
    intensity: row.intensity === null ? null : Number(row.intensity),
  }));
}
