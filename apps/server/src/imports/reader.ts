import { MAX_TURNS, cutText, parseJsonLine, printable, resolveColumns, toRole } from '@tongli/shared';
import type { IdentityInput } from '../repositories/customers.js';

/** Longest line (JSONL) or record (CSV) read; longer ones are skipped with a reason. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

export interface ImportTurn {
  role: 'customer' | 'agent';
  text: string;
  at?: Date | undefined;
}

/** One conversation read from an import file, with where it started in the file. */
export interface ImportDialogue {
  id: string;
  line: number;
  subject?: string | undefined;
  customerName?: string | undefined;
  agent?: string | undefined;
  identities: IdentityInput[];
  at?: Date | undefined;
  turns: ImportTurn[];
}

/** A row left out, with its line number and a one-line reason. */
export interface SkippedRow {
  line: number;
  reason: string;
}

export class ImportFormatError extends Error {}

/** A timestamp from ISO text or epoch seconds / milliseconds; undefined when it is not one. */
export function parseTime(value: unknown): Date | undefined {
  let ms: number;
  if (typeof value === 'number') ms = value < 1e12 ? value * 1000 : value;
  else if (typeof value === 'string' && /^\d{9,13}$/.test(value.trim())) ms = Number(value) < 1e12 ? Number(value) * 1000 : Number(value);
  else if (typeof value === 'string' && value.trim() !== '') ms = Date.parse(value.trim());
  else return undefined;
  const date = new Date(ms);
  return Number.isFinite(ms) && date.getUTCFullYear() > 1990 && date.getUTCFullYear() < 2200 ? date : undefined;
}

const firstTime = (row: Record<string, unknown>): Date | undefined =>
  parseTime(row.created_at ?? row.createdAt ?? row.timestamp ?? row.time ?? row.start_time);

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

function identitiesOf(row: Record<string, unknown>): IdentityInput[] {
  const out: IdentityInput[] = [];
  const phone = text(row.phone ?? row.customer_phone ?? row.mobile);
  const email = text(row.email ?? row.customer_email);
  const external = row.customer_id ?? row.customerId;
  if (phone) out.push({ kind: 'phone', value: phone.slice(0, 64) });
  if (email) out.push({ kind: 'email', value: email.slice(0, 320) });
  if (typeof external === 'string' || typeof external === 'number') out.push({ kind: 'external', value: String(external).slice(0, 320) });
  return out;
}

/** Splits a byte stream into UTF-8 lines numbered from 1; over-long lines are reported and dropped. */
async function* readLines(
  chunks: AsyncIterable<Uint8Array>,
  onLong: (line: number) => void,
): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let line = 0;
  let dropping = false;
  const emit = function* (piece: string): Generator<{ line: number; text: string }> {
    line++;
    if (dropping) {
      dropping = false;
      onLong(line);
      return;
    }
    yield { line, text: piece.endsWith('\r') ? piece.slice(0, -1) : piece };
  };
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    let at = pending.indexOf('\n');
    while (at >= 0) {
      yield* emit(pending.slice(0, at));
      pending = pending.slice(at + 1);
      at = pending.indexOf('\n');
    }
    if (pending.length > MAX_LINE_CHARS) {
      dropping = true;
      pending = '';
    }
  }
  pending += decoder.decode();
  if (pending !== '' || dropping) yield* emit(pending);
}

/** Strips the `name:line: ` prefix the shared parser puts on its reasons. */
const reasonOf = (message: string): string => printable(message.replace(/^[^:]*:\d+: /, '')).slice(0, 300);

/** Groups consecutive message rows of one conversation. */
class Grouper {
  private current: ImportDialogue | undefined;
  add(id: string, line: number, turn: ImportTurn, row: Record<string, unknown>): ImportDialogue | undefined {
    let done: ImportDialogue | undefined;
    if (this.current && this.current.id !== id) done = this.flush();
    if (!this.current) {
      this.current = {
        id,
        line,
        subject: text(row.subject ?? row.title),
        customerName: text(row.customer ?? row.customer_name),
        identities: identitiesOf(row),
        at: turn.at,
        turns: [],
      };
    }
    if (!this.current.agent && turn.role === 'agent') this.current.agent = text(row.agent);
    if (this.current.turns.length < MAX_TURNS) this.current.turns.push(turn);
    return done;
  }
  flush(): ImportDialogue | undefined {
    const last = this.current;
    this.current = undefined;
    return last;
  }
}

async function* readJsonl(chunks: AsyncIterable<Uint8Array>, skip: (row: SkippedRow) => void): AsyncGenerator<ImportDialogue> {
  const grouper = new Grouper();
  for await (const { line, text: raw } of readLines(chunks, (n) => skip({ line: n, reason: 'line longer than 16 MB' }))) {
    if (raw.trim() === '') continue;
    const parsed = parseJsonLine('', line, raw);
    if (parsed.kind === 'error') {
      skip({ line, reason: reasonOf(parsed.message) });
      continue;
    }
    if (parsed.kind === 'message') {
      const done = grouper.add(parsed.id, line, { role: parsed.role, text: cutText(parsed.text), at: firstTime(parsed.row) }, parsed.row);
      if (done) yield done;
      continue;
    }
    const done = grouper.flush();
    if (done) yield done;
    const { dialogue, row } = parsed;
    if (dialogue.note) skip({ line, reason: reasonOf(dialogue.note) });
    // The same turns the shared parser kept (known roles, at most MAX_TURNS), with their timestamps.
    const rawTurns = (Array.isArray(row.turns) ? (row.turns as Record<string, unknown>[]) : []).filter((t) => toRole(t.role) !== null);
    yield {
      id: dialogue.id,
      line,
      subject: text(row.subject ?? row.title),
      customerName: dialogue.customerName,
      agent: dialogue.agent,
      identities: identitiesOf(row),
      at: firstTime(row),
      turns: dialogue.turns.map((t, i) => ({ ...t, at: rawTurns[i] ? firstTime(rawTurns[i]) : undefined })),
    };
  }
  const last = grouper.flush();
  if (last) yield last;
}

/** RFC 4180 records (quoted fields, doubled quotes, newlines inside quotes) with the line each starts on. */
async function* readCsvRecords(
  chunks: AsyncIterable<Uint8Array>,
  skip: (row: SkippedRow) => void,
): AsyncGenerator<{ line: number; record: string[] }> {
  const decoder = new TextDecoder('utf-8');
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let start = 1;
  let size = 0;
  let tooLong = false;
  const finish = (): { line: number; record: string[] } | undefined => {
    record.push(field);
    const out = { line: start, record };
    const long = tooLong;
    field = '';
    record = [];
    size = 0;
    tooLong = false;
    if (long) {
      skip({ line: out.line, reason: 'record longer than 16 MB' });
      return undefined;
    }
    return out.record.length === 1 && out.record[0] === '' ? undefined : out;
  };
  const feed = function* (piece: string): Generator<{ line: number; record: string[] }> {
    for (let i = 0; i < piece.length; i++) {
      const ch = piece[i];
      if (quoted) {
        if (ch === '"') {
          quoted = false;
          afterQuote = true;
        } else {
          if (ch === '\n') line++;
          if (!tooLong) field += ch;
        }
      } else if (ch === '"') {
        if (afterQuote) field += '"';
        quoted = true;
        afterQuote = false;
      } else if (ch === ',') {
        record.push(field);
        field = '';
        afterQuote = false;
      } else if (ch === '\n') {
        if (field.endsWith('\r') && !afterQuote) field = field.slice(0, -1);
        const done = finish();
        if (done) yield done;
        line++;
        start = line;
        afterQuote = false;
      } else if (ch !== '\r' || afterQuote) {
        if (!tooLong) field += ch;
        afterQuote = false;
      }
      if (++size > MAX_LINE_CHARS && !tooLong) {
        tooLong = true;
        field = '';
      }
    }
  };
  for await (const chunk of chunks) yield* feed(decoder.decode(chunk, { stream: true }));
  yield* feed(decoder.decode());
  if (field !== '' || record.length > 0) {
    const done = finish();
    if (done) yield done;
  }
}

async function* readCsv(chunks: AsyncIterable<Uint8Array>, skip: (row: SkippedRow) => void): AsyncGenerator<ImportDialogue> {
  const grouper = new Grouper();
  let columns: Record<string, number> | undefined;
  for await (const { line, record } of readCsvRecords(chunks, skip)) {
    if (!columns) {
      const header = resolveColumns(record);
      if (header.missing.length > 0) {
        throw new ImportFormatError(
          `missing column ${header.missing.join(', ')} (found: ${printable(header.normalized.join(', ').slice(0, 200)) || 'none'}); expected conversation_id, role, text`,
        );
      }
      columns = header.columns;
      continue;
    }
    const row: Record<string, unknown> = {};
    for (const [name, index] of Object.entries(columns)) row[name] = record[index];
    const id = text(row.conversation_id);
    const role = toRole(row.role);
    if (!id) skip({ line, reason: 'empty conversation_id' });
    else if (!role) skip({ line, reason: `unknown role "${printable(String(row.role ?? '').slice(0, 40))}" (expected customer or agent)` });
    else if (typeof row.text !== 'string' || row.text.trim() === '') skip({ line, reason: 'empty text' });
    else {
      const done = grouper.add(id, line, { role, text: cutText(row.text), at: parseTime(row.created_at) }, row);
      if (done) yield done;
    }
  }
  const last = grouper.flush();
  if (last) yield last;
}

/**
 * Streams conversations out of a JSONL or CSV import (the CLI's formats, plus optional timestamps, subject, phone,
 * email and customer id); bad rows go to `skip` with their line number and a reason, never an exception. A CSV
 * without the required columns throws `ImportFormatError`.
 */
export function readImport(
  chunks: AsyncIterable<Uint8Array>,
  format: 'jsonl' | 'csv',
  skip: (row: SkippedRow) => void,
): AsyncGenerator<ImportDialogue> {
  return format === 'csv' ? readCsv(chunks, skip) : readJsonl(chunks, skip);
}
