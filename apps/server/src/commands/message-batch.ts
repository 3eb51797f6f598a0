import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { PREPARED } from '../db/database.js';
import { MESSAGE_COLUMNS, type Database, type Message } from '../db/schema.js';
import { webhookSubscribes } from '../repositories/jobs.js';

/** A message for the one-statement path (no channel hooks): what `postMessage` was given, with the body to store. */
export interface BatchedMessage {
  conversationId: string;
  type: Message['type'];
  senderType: Message['sender_type'];
  senderId: string | null;
  body: string;
  contentType: 'text' | 'email';
  idempotencyKey: string | null;
  emailMessageId: string | null;
  metadata: Record<string, unknown>;
  /** History keeps its original time and is not announced to webhooks. */
  createdAt: Date | null;
}

/** A stored message with the conversation fields its realtime event is scoped by. */
export type StoredRow = Message & { team_id: string | null; assignee_id: string | null; inbox_id: string };

interface Pending {
  id: string;
  message: BatchedMessage;
  resolve(row: StoredRow | undefined): void;
  reject(error: unknown): void;
}

/** Rows per statement: enough to amortise a commit, small enough to keep one statement short. */
const MAX_BATCH = 256;
/** Deadlock / serialisation failures (two processes batching into the same conversations) are retried. */
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Group commit for incoming messages: while one statement is in flight, the messages that arrive wait and are then
 * written together in one statement (one commit, one disk flush). An idle server writes at once, so a lone message
 * waits for nothing; under load, throughput grows with the batch instead of being bound by one commit per message.
 * Each caller still resolves only after its message is committed. A failing batch is re-run one message at a time so
 * the error reaches only the message that caused it.
 */
export function createMessageBatcher(db: Kysely<Database>): { write(message: BatchedMessage): Promise<StoredRow | undefined> } {
  let queue: Pending[] = [];
  let flushing = false;

  const flush = async (): Promise<void> => {
    flushing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, MAX_BATCH);
        queue = queue.slice(batch.length);
        await writeBatch(db, batch);
      }
    } finally {
      flushing = false;
    }
  };

  return {
    write: (message) =>
      new Promise<StoredRow | undefined>((resolve, reject) => {
        queue.push({ id: randomUUID(), message, resolve, reject });
        if (flushing) return;
        // Start after the requests parsed in this turn of the event loop have queued theirs: PGlite runs a statement
        // on this thread, so without the wait each message became its own batch there.
        flushing = true;
        setImmediate(() => void flush());
      }),
  };
}

async function writeBatch(db: Kysely<Database>, batch: readonly Pending[]): Promise<void> {
  let rows: StoredRow[];
  try {
    rows = await insertWithRetry(db, batch);
  } catch (error) {
    if (batch.length === 1) {
      batch[0]?.reject(error);
      return;
    }
    for (const pending of batch) await writeBatch(db, [pending]);
    return;
  }
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const pending of batch) pending.resolve(byId.get(pending.id));
}

async function insertWithRetry(db: Kysely<Database>, batch: readonly Pending[]): Promise<StoredRow[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await insertMessages(db, batch);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 3 || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
    }
  }
}

/**
 * One statement: inserts the messages (skipping unknown conversations and idempotency keys already used), moves each
 * conversation's clocks once from its messages in order, queues their analysis (one job) and — only when a webhook subscribes —
 * the `message.created` events. Atomic without BEGIN/COMMIT. Values travel as text arrays so every driver serialises
 * them alike.
 */
async function insertMessages(db: Kysely<Database>, batch: readonly Pending[]): Promise<StoredRow[]> {
  const column = <T>(pick: (p: Pending) => T) => batch.map(pick);
  const conversationIds = [...new Set(column((p) => p.message.conversationId))];
  const result = await sql<StoredRow>`${sql.raw(PREPARED)}
    with input as (
      select * from unnest(
        ${column((p) => p.id)}::text[], ${column((p) => p.message.conversationId)}::text[], ${column((p) => p.message.type)}::text[],
        ${column((p) => p.message.senderType)}::text[], ${column((p) => p.message.senderId)}::text[], ${column((p) => p.message.body)}::text[],
        ${column((p) => p.message.contentType)}::text[], ${column((p) => p.message.idempotencyKey)}::text[],
        ${column((p) => p.message.emailMessageId)}::text[], ${column((p) => JSON.stringify(p.message.metadata))}::text[],
        ${column((p) => p.message.createdAt?.toISOString() ?? null)}::text[]
      ) with ordinality as t(id, conversation_id, type, sender_type, sender_id, body, content_type, idempotency_key, email_message_id, metadata, created_at, ord)
    ), msg as (
      insert into messages (id, conversation_id, type, sender_type, sender_id, body, content_type, idempotency_key, email_message_id, metadata, created_at)
      select i.id::uuid, i.conversation_id::uuid, i.type, i.sender_type, i.sender_id::uuid, i.body, i.content_type, i.idempotency_key,
        i.email_message_id, i.metadata::jsonb, coalesce(i.created_at::timestamptz, now())
      from input i
      -- OFFSET 0 keeps the check a per-row index probe: the prepared (generic) plan must not hash-join a seq scan of
      -- conversations, which a small table's statistics made look cheaper (1.6 ms a statement at 2,000 conversations).
      where exists (select 1 from conversations c where c.id = i.conversation_id::uuid offset 0)
      order by i.ord
      on conflict (idempotency_key) do nothing
      -- Named, not *: the statement is prepared (see MESSAGE_COLUMNS).
      returning ${sql.raw(MESSAGE_COLUMNS)}
    ), agg as (
      select conversation_id,
        max(created_at) filter (where type in ('incoming', 'outgoing')) as last_at,
        max(seq) filter (where type = 'incoming') as last_in,
        max(seq) filter (where type = 'outgoing') as last_out,
        min(created_at) filter (where type = 'outgoing') as first_out_at
      from msg group by conversation_id
    ), clocks as (
      select a.*, (
        select min(m.created_at) from msg m
        where m.conversation_id = a.conversation_id and m.type = 'incoming' and m.seq > coalesce(a.last_out, 0)
      ) as waiting_from
      from agg a
    ), conv as (
      update conversations c set
        updated_at = now(),
        last_message_at = coalesce(k.last_at, c.last_message_at),
        waiting_since = case
          when k.last_in is null and k.last_out is null then c.waiting_since
          when k.last_in is null or k.last_out > k.last_in then null
          when k.last_out is null then coalesce(c.waiting_since, k.waiting_from)
          else k.waiting_from end,
        first_response_at = coalesce(c.first_response_at, k.first_out_at),
        status = case when k.last_in is not null and c.status in ('resolved', 'snoozed') then 'open' else c.status end,
        resolved_at = case when k.last_in is not null and c.status = 'resolved' then null else c.resolved_at end
      -- The array bounds the rows read to the batch's conversations by index, whatever join the generic plan picks.
      from clocks k where c.id = k.conversation_id and c.id = any(${conversationIds}::uuid[])
      returning c.id, c.team_id, c.assignee_id, c.inbox_id
    ), analysis as (
      -- One job for the statement's messages: a job per message cost an insert, a claim and a completion each.
      insert into jobs (kind, payload)
      select 'analyze_message', jsonb_build_object('messageIds', jsonb_agg(msg.id order by msg.seq))
      from msg where msg.type in ('incoming', 'outgoing')
      having count(*) > 0
    ), hook as (
      insert into jobs (kind, payload)
      select 'webhook_event', jsonb_build_object('event', 'message.created', 'data', jsonb_build_object('message_id', msg.id, 'conversation_id', msg.conversation_id))
      from msg join input i on i.id::uuid = msg.id
      where i.created_at is null and ${webhookSubscribes('message.created')}
    )
    select msg.*, conv.team_id, conv.assignee_id, conv.inbox_id from msg join conv on conv.id = msg.conversation_id`.execute(db);
  return result.rows;
}
