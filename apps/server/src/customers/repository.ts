import { sql } from 'kysely';
import type { Channel, ConversationStatus } from '../db/schema.js';
import type { Executor } from '../repositories/jobs.js';

/** The most conversations of one customer a 360 view reads (most recent first). */
export const MAX_HISTORY = 200;

/** One conversation of a customer, with what the 360 view shows about it. */
export interface HistoryRow {
  id: string;
  inbox_id: string;
  inbox_name: string;
  channel: Channel;
  team_id: string | null;
  assignee_id: string | null;
  status: ConversationStatus;
  subject: string;
  tags: string[];
  created_at: Date;
  last_message_at: Date | null;
  resolved_at: Date | null;
  last_emotion: string | null;
  last_intensity: number | null;
  satisfaction: number | null;
  empathy_score: number | null;
  promises: { text: string; due: string; message: number }[] | null;
  trajectory: { index: number; emotion: string; intensity: number; sentiment: number }[] | null;
}

/**
 * Every conversation of a customer (newest first, at most `MAX_HISTORY`), on every inbox, with its analysis summary.
 * @example
 * const rows = await listCustomerConversations(db, customerId);
 */
export async function listCustomerConversations(db: Executor, customerId: string): Promise<HistoryRow[]> {
  const rows = await db
    .selectFrom('conversations')
    .innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id')
    .leftJoin('conversation_analyses', 'conversation_analyses.conversation_id', 'conversations.id')
    .select([
      'conversations.id',
      'conversations.inbox_id',
      'inboxes.name as inbox_name',
      'inboxes.channel',
      'conversations.team_id',
      'conversations.assignee_id',
      'conversations.status',
      'conversations.subject',
      'conversations.tags',
      'conversations.created_at',
      'conversations.last_message_at',
      'conversations.resolved_at',
      'conversation_analyses.last_emotion',
      'conversation_analyses.last_intensity',
      'conversation_analyses.satisfaction',
      'conversation_analyses.empathy_score',
      sql<HistoryRow['promises']>`conversation_analyses.result->'promises'`.as('promises'),
      sql<HistoryRow['trajectory']>`conversation_analyses.result->'trajectory'`.as('trajectory'),
    ])
    .where('conversations.customer_id', '=', customerId)
    .orderBy('conversations.created_at', 'desc')
    .orderBy('conversations.id')
    .limit(MAX_HISTORY)
    .execute();
  return rows;
}

/** The customer's most negative analysed message of each conversation, with the cue spans that made it negative. */
export interface ComplaintRow {
  conversation_id: string;
  message_id: string;
  body: string;
  sentiment: number | null;
  emotion: string | null;
  cues: { id: string; span: { start: number; end: number } }[] | null;
}

/** Per conversation, the customer message its analysis found most negative (none where nothing is analysed). */
export async function listMostNegativeMessages(db: Executor, conversationIds: readonly string[]): Promise<ComplaintRow[]> {
  if (conversationIds.length === 0) return [];
  return db
    .selectFrom('message_analyses')
    .innerJoin('messages', 'messages.id', 'message_analyses.message_id')
    .distinctOn('message_analyses.conversation_id')
    .select([
      'message_analyses.conversation_id',
      'messages.id as message_id',
      'messages.body',
      'message_analyses.sentiment',
      'message_analyses.emotion',
      sql<ComplaintRow['cues']>`message_analyses.result->'customer'->'cues'`.as('cues'),
    ])
    .where('message_analyses.conversation_id', 'in', conversationIds)
    .where('messages.type', '=', 'incoming')
    .where('message_analyses.sentiment', '<', 0)
    .orderBy('message_analyses.conversation_id')
    .orderBy('message_analyses.sentiment', 'asc')
    .orderBy('messages.seq', 'asc')
    .execute();
}

/** How many of each conversation's first customer messages describe its topic. */
const TOPIC_MESSAGES = 3;

/** The first few customer messages of each conversation joined into one text (the topic of the contact). */
export async function listOpeningTexts(db: Executor, conversationIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (conversationIds.length === 0) return out;
  const rows = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('messages')
        .select(['conversation_id', 'body', 'seq', sql<number>`row_number() over (partition by conversation_id order by seq)`.as('n')])
        .where('conversation_id', 'in', conversationIds)
        .where('type', '=', 'incoming')
        .as('m'),
    )
    .select(['m.conversation_id', 'm.body'])
    .where('m.n', '<=', TOPIC_MESSAGES)
    .orderBy('m.seq')
    .execute();
  for (const row of rows) out.set(row.conversation_id, `${out.get(row.conversation_id) ?? ''}\n${row.body.slice(0, 2000)}`);
  return out;
}

/** A customer found by name or identity, with their identities. */
export interface CustomerHit {
  id: string;
  name: string;
  created_at: Date;
  conversations: number;
}

/**
 * Customers whose name or any identity value contains `q` (case-insensitive), not merged away, most recently active
 * first; `teams` limits them to customers with a conversation the caller may see.
 */
export async function searchCustomers(
  db: Executor,
  q: string,
  visibility: { teams: readonly string[] | 'all'; userId: string },
  limit: number,
): Promise<CustomerHit[]> {
  const pattern = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  let query = db
    .selectFrom('customers')
    .select([
      'customers.id',
      'customers.name',
      'customers.created_at',
      sql<number>`(select count(*) from conversations c where c.customer_id = customers.id)`.as('conversations'),
    ])
    .where('customers.merged_into', 'is', null);
  if (q !== '') {
    query = query.where((eb) =>
      eb.or([
        eb('customers.name', 'ilike', pattern),
        eb.exists(
          eb
            .selectFrom('customer_identities')
            .select('customer_identities.id')
            .whereRef('customer_identities.customer_id', '=', 'customers.id')
            .where('customer_identities.value', 'ilike', pattern),
        ),
      ]),
    );
  }
  const { teams } = visibility;
  if (teams !== 'all') {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('conversations')
          .select('conversations.id')
          .whereRef('conversations.customer_id', '=', 'customers.id')
          .where((w) =>
            w.or([
              w('conversations.team_id', 'is', null),
              w('conversations.assignee_id', '=', visibility.userId),
              ...(teams.length > 0 ? [w('conversations.team_id', 'in', teams)] : []),
            ]),
          ),
      ),
    );
  }
  const rows = await query.orderBy('customers.updated_at', 'desc').limit(limit).execute();
  return rows.map((row) => ({ ...row, conversations: Number(row.conversations) }));
}
