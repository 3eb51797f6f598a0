import { sql, type Selectable } from 'kysely';
import type { CannedRepliesTable } from '../../db/schema.js';
import type { Executor } from '../../repositories/jobs.js';

export type CannedReplyRow = Selectable<CannedRepliesTable>;

/** Escapes LIKE wildcards so a search for `50%` matches the text `50%`. */
const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Canned replies matching `q` in short code, title or body (case-insensitive), short codes first. */
export async function searchCannedReplies(
  db: Executor,
  options: { q?: string | undefined; locale?: string | undefined; limit: number },
): Promise<CannedReplyRow[]> {
  let query = db.selectFrom('canned_replies').selectAll();
  if (options.locale) query = query.where('locale', '=', options.locale);
  if (options.q) {
    const pattern = `%${likeEscape(options.q)}%`;
    query = query.where((eb) => eb.or([eb('short_code', 'ilike', pattern), eb('title', 'ilike', pattern), eb('body', 'ilike', pattern)]));
    query = query.orderBy(sql`case when short_code ilike ${`${likeEscape(options.q)}%`} then 0 else 1 end`);
  }
  return query.orderBy('short_code').limit(options.limit).execute();
}

export async function findCannedReply(db: Executor, id: string): Promise<CannedReplyRow | undefined> {
  return db.selectFrom('canned_replies').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertCannedReply(
  db: Executor,
  input: { shortCode: string; title: string; body: string; locale: string; createdBy: string | null },
): Promise<CannedReplyRow> {
  return db
    .insertInto('canned_replies')
    .values({ short_code: input.shortCode, title: input.title, body: input.body, locale: input.locale, created_by: input.createdBy })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateCannedReplyRow(
  db: Executor,
  id: string,
  fields: { shortCode?: string | undefined; title?: string | undefined; body?: string | undefined; locale?: string | undefined },
): Promise<CannedReplyRow | undefined> {
  return db
    .updateTable('canned_replies')
    .set({
      ...(fields.shortCode !== undefined ? { short_code: fields.shortCode } : {}),
      ...(fields.title !== undefined ? { title: fields.title } : {}),
      ...(fields.body !== undefined ? { body: fields.body } : {}),
      ...(fields.locale !== undefined ? { locale: fields.locale } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteCannedReplyRow(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('canned_replies').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The records a canned reply's variables are filled from. */
export async function loadRenderContext(
  db: Executor,
  conversation: { id: string; customer_id: string; assignee_id: string | null; inbox_id: string; subject: string },
  agentId: string | null,
): Promise<{
  customer: { name: string; identities: { kind: string; value: string }[] } | undefined;
  agent: { name: string; email: string } | undefined;
  inbox: { name: string } | undefined;
}> {
  const customer = await db.selectFrom('customers').select('name').where('id', '=', conversation.customer_id).executeTakeFirst();
  const identities = await db
    .selectFrom('customer_identities')
    .select(['kind', 'value'])
    .where('customer_id', '=', conversation.customer_id)
    .orderBy('created_at')
    .execute();
  const agent = agentId ? await db.selectFrom('users').select(['name', 'email']).where('id', '=', agentId).executeTakeFirst() : undefined;
  const inbox = await db.selectFrom('inboxes').select('name').where('id', '=', conversation.inbox_id).executeTakeFirst();
  return { customer: customer ? { name: customer.name, identities } : undefined, agent, inbox };
}

/** A canned reply's usage: how often it was sent, and when last. */
export interface CannedUsage {
  count: number;
  lastUsedAt: Date | null;
}

/** Records one use of a canned reply in a sent reply. */
export async function insertCannedUse(
  db: Executor,
  input: { cannedReplyId: string; userId: string | null; conversationId: string },
): Promise<void> {
  await db
    .insertInto('canned_reply_uses')
    .values({ canned_reply_id: input.cannedReplyId, user_id: input.userId, conversation_id: input.conversationId })
    .execute();
}

/** Usage of the given canned replies (those never used are absent). */
export async function loadCannedUsage(db: Executor, ids: readonly string[]): Promise<Map<string, CannedUsage>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('canned_reply_uses')
    .select(['canned_reply_id', (eb) => eb.fn.countAll<string>().as('count'), (eb) => eb.fn.max('used_at').as('last_used_at')])
    .where('canned_reply_id', 'in', ids)
    .groupBy('canned_reply_id')
    .execute();
  return new Map(rows.map((r) => [r.canned_reply_id, { count: Number(r.count), lastUsedAt: r.last_used_at }]));
}
