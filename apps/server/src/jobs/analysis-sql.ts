import { sql } from 'kysely';
import { PREPARED } from '../db/database.js';
import { CONVERSATION_COLUMNS, MESSAGE_COLUMNS, type Conversation, type Message } from '../db/schema.js';
import type { Executor } from '../repositories/jobs.js';
import type { ConversationAnalysisRow, MessageAnalysisRow } from './analysis-rows.js';
import type { TurnRow } from './recent-turns.js';

// The analysis job's statements. Each has one text whatever the batch size (ids and rows travel as arrays), so
// PostgreSQL parses and plans it once per connection (`PREPARED`); a multi-row VALUES list or an IN list of 256 ids was
// a new statement every batch, and its parse, plan and bind of thousands of parameters cost more than the writes. Values
// travel as text arrays (both drivers serialise them alike), analysis documents as one value (see `DocumentsAs`).

/** The batch's messages that are said (customer messages and replies), in conversation order. */
export async function readSaidMessages(db: Executor, ids: readonly string[]): Promise<Message[]> {
  const { rows } = await sql<Message>`${sql.raw(PREPARED)}
    select ${sql.raw(MESSAGE_COLUMNS)} from messages
    where id = any(${[...ids]}::text[]::uuid[]) and type in ('incoming', 'outgoing')
    order by seq`.execute(db);
  return rows;
}

export async function readConversations(db: Executor, ids: readonly string[]): Promise<Conversation[]> {
  const { rows } = await sql<Conversation>`${sql.raw(PREPARED)}
    select ${sql.raw(CONVERSATION_COLUMNS)} from conversations where id = any(${[...ids]}::text[]::uuid[])`.execute(db);
  return rows;
}

export async function readCustomerNames(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await sql<{ id: string; name: string }>`${sql.raw(PREPARED)}
    select id, name from customers where id = any(${[...ids]}::text[]::uuid[])`.execute(db);
  return new Map(rows.map((row) => [row.id, row.name]));
}

/**
 * Each conversation's said turns after the given `seq`, at most `limit` (the most recent), oldest first: one index range
 * per conversation (LATERAL … LIMIT), so a long conversation costs at most its window, not its history.
 */
export async function readTurnsAfter(
  db: Executor,
  conversationIds: readonly string[],
  after: readonly number[],
  limit: number,
): Promise<TurnRow[]> {
  const { rows } = await sql<TurnRow>`${sql.raw(PREPARED)}
    select m.id, m.conversation_id, m.type, m.body, m.seq
    from unnest(${[...conversationIds]}::text[], ${after.map(String)}::text[]) as k(id, after)
    cross join lateral (
      select id, conversation_id, type, body, seq from messages
      where conversation_id = k.id::uuid and type in ('incoming', 'outgoing') and seq > k.after::bigint
      order by seq desc limit ${limit}
    ) m
    order by m.conversation_id, m.seq`.execute(db);
  return rows;
}

/** A number or null as array text (the column's type casts it back). */
const numeric = (value: number | null): string | null => (value === null ? null : String(value));

const SEPARATOR = Buffer.from([1]);

/**
 * How a batch's JSON documents travel: `bytes` (PostgreSQL), one UTF-8 buffer of the documents separated by byte 1;
 * `text` (PGlite, whose driver turns a buffer into hex text in JavaScript, halving its ingest), one text joined by U+0001.
 * JSON.stringify escapes every control character, so the separator never occurs inside a document. A text array would
 * have the driver escape every quote of every document; on PostgreSQL one joined text cost 100 µs per conversation
 * document (mostly the join and the driver encoding megabytes of two-byte text), a buffer per document 42 µs.
 */
export type DocumentsAs = 'bytes' | 'text';

/** The documents as the statement's text array (see `DocumentsAs`). */
function documentArray(values: readonly unknown[], as: DocumentsAs) {
  if (as === 'text') return sql`string_to_array(${values.map((value) => JSON.stringify(value)).join('\u0001')}::text, chr(1))`;
  const parts: Buffer[] = [];
  for (const value of values) {
    if (parts.length > 0) parts.push(SEPARATOR);
    parts.push(Buffer.from(JSON.stringify(value)));
  }
  return sql`string_to_array(convert_from(${Buffer.concat(parts)}::bytea, 'UTF8'), chr(1))`;
}

/** Writes message analyses, replacing a message's earlier one (a re-analysis by a newer engine or lexicon). */
export async function saveMessageAnalyses(db: Executor, rows: readonly MessageAnalysisRow[], as: DocumentsAs = 'text'): Promise<void> {
  if (rows.length === 0) return;
  const column = <T>(pick: (row: MessageAnalysisRow) => T): T[] => rows.map(pick);
  const results = documentArray(
    column((r) => r.result),
    as,
  );
  await sql`${sql.raw(PREPARED)}
    insert into message_analyses (message_id, conversation_id, engine_version, lexicon_hash, emotion, intensity, sentiment, empathy, signals, result)
    select message_id::uuid, conversation_id::uuid, engine_version, lexicon_hash, emotion, intensity::real, sentiment::real, empathy::real,
      signals::jsonb, result::jsonb
    from unnest(
      ${column((r) => r.message_id)}::text[], ${column((r) => r.conversation_id)}::text[], ${column((r) => r.engine_version)}::text[],
      ${column((r) => r.lexicon_hash)}::text[], ${column((r) => r.emotion)}::text[], ${column((r) => numeric(r.intensity))}::text[],
      ${column((r) => numeric(r.sentiment))}::text[], ${column((r) => numeric(r.empathy))}::text[],
      ${column((r) => JSON.stringify(r.signals))}::text[], ${results}
    ) as t(message_id, conversation_id, engine_version, lexicon_hash, emotion, intensity, sentiment, empathy, signals, result)
    on conflict (message_id) do update set
      engine_version = excluded.engine_version, lexicon_hash = excluded.lexicon_hash, emotion = excluded.emotion,
      intensity = excluded.intensity, sentiment = excluded.sentiment, empathy = excluded.empathy, signals = excluded.signals,
      result = excluded.result, analyzed_at = now()`.execute(db);
}

/**
 * Upserts conversation analyses, except over a stored one that read further (`through_seq`): two job threads or
 * processes may refresh one conversation at once and commit in either order. Returns the conversations written.
 */
export async function saveConversationAnalyses(
  db: Executor,
  rows: readonly ConversationAnalysisRow[],
  as: DocumentsAs = 'text',
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const column = <T>(pick: (row: ConversationAnalysisRow) => T): T[] => rows.map(pick);
  const results = documentArray(
    column((r) => r.result),
    as,
  );
  const { rows: written } = await sql<{ conversation_id: string }>`${sql.raw(PREPARED)}
    insert into conversation_analyses (conversation_id, through_seq, engine_version, lexicon_hash, last_emotion, last_intensity,
      empathy_score, satisfaction, satisfaction_label, risk, lang, turnaround, peak_emotion, peak_sentiment, result)
    select conversation_id::uuid, through_seq::bigint, engine_version, lexicon_hash, last_emotion, last_intensity::real,
      empathy_score::real, satisfaction::real, satisfaction_label, risk::jsonb, lang, turnaround::float8, peak_emotion,
      peak_sentiment::float8, result::json
    from unnest(
      ${column((r) => r.conversation_id)}::text[], ${column((r) => numeric(r.through_seq))}::text[], ${column((r) => r.engine_version)}::text[],
      ${column((r) => r.lexicon_hash)}::text[], ${column((r) => r.last_emotion)}::text[], ${column((r) => numeric(r.last_intensity))}::text[],
      ${column((r) => numeric(r.empathy_score))}::text[], ${column((r) => numeric(r.satisfaction))}::text[],
      ${column((r) => r.satisfaction_label)}::text[], ${column((r) => JSON.stringify(r.risk))}::text[], ${column((r) => r.lang)}::text[],
      ${column((r) => numeric(r.turnaround))}::text[], ${column((r) => r.peak_emotion)}::text[],
      ${column((r) => numeric(r.peak_sentiment))}::text[], ${results}
    ) as t(conversation_id, through_seq, engine_version, lexicon_hash, last_emotion, last_intensity, empathy_score, satisfaction,
      satisfaction_label, risk, lang, turnaround, peak_emotion, peak_sentiment, result)
    on conflict (conversation_id) do update set
      through_seq = excluded.through_seq, engine_version = excluded.engine_version, lexicon_hash = excluded.lexicon_hash,
      last_emotion = excluded.last_emotion, last_intensity = excluded.last_intensity, empathy_score = excluded.empathy_score,
      satisfaction = excluded.satisfaction, satisfaction_label = excluded.satisfaction_label, risk = excluded.risk,
      lang = excluded.lang, turnaround = excluded.turnaround, peak_emotion = excluded.peak_emotion,
      peak_sentiment = excluded.peak_sentiment, result = excluded.result, analyzed_at = now()
    where conversation_analyses.through_seq is null or excluded.through_seq is null
      or conversation_analyses.through_seq <= excluded.through_seq
    returning conversation_id`.execute(db);
  return new Set(written.map((row) => row.conversation_id));
}
