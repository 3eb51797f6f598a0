import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { DialogueRowSchema, describeIssue, MAX_TEXT_LENGTH } from '@tongli/shared';
import type { Role } from '@tongli/engine';
import { inputError } from '../errors.js';
import { readLines, type TextSource } from './decode.js';
import { printable } from './printable.js';
import { toRole } from './roles.js';
import type { Skips } from './skips.js';

/** A conversation as read from input, with the optional metadata exports carry. */
export interface InputDialogue {
  id: string;
  /** Something the user should know about how this conversation was read (reported as a skip). */
  note?: string;
  agent?: string;
  customerName?: string;
  channel?: string;
  turns: { role: Role; text: string }[];
}

export type InputFormat = 'jsonl' | 'csv';

const COLUMN_ALIASES: Record<string, string[]> = {
  conversation_id: [
    'conversation_id',
    'conversation',
    'conversationid',
    'dialogue_id',
    'dialog_id',
    'ticket_id',
    'session_id',
    'chat_id',
    '会话id',
    '会话编号',
    '工单号',
  ],
  role: ['role', 'sender', 'from', 'author_type', 'speaker_role', '角色', '发送方'],
  text: ['text', 'message', 'content', 'body', 'utterance', '内容', '文本', '消息'],
  agent: ['agent', 'agent_name', 'agent_id', 'assignee', '坐席', '座席', '客服'],
  customer: ['customer', 'customer_name', '客户', '客户姓名'],
};

/** The most messages of one conversation that are analysed (longer threads are cut, and the cut is reported). */
export const MAX_TURNS = 2000;

function cut(text: string): string {
  return text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text;
}

/** Picks JSONL or CSV from the file name, else from the first character of the content. */
export function guessFormat(name: string, firstChar: string | undefined): InputFormat {
  if (/\.(csv|tsv)$/i.test(name)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/i.test(name)) return 'jsonl';
  return firstChar === '{' ? 'jsonl' : 'csv';
}

/** Groups consecutive message rows (CSV or message-level JSONL) into conversations. */
class Grouper {
  private current: InputDialogue | undefined;
  private readonly finished = new Set<string>();
  constructor(
    private readonly name: string,
    private readonly skips: Skips,
  ) {}

  add(id: string, role: Role, text: string, line: number, meta: { agent?: string; customer?: string }): InputDialogue | undefined {
    let flushed: InputDialogue | undefined;
    if (this.current && this.current.id !== id) {
      flushed = this.current;
      this.finished.add(flushed.id);
      // Remembering every id would grow without bound on huge exports; the recent ones catch split rows.
      if (this.finished.size > 100_000) this.finished.clear();
      this.current = undefined;
    }
    if (!this.current) {
      if (this.finished.has(id))
        this.skips.add(
          `${this.name}:${line}: rows of conversation ${id} are not contiguous; this part is analysed as a separate conversation`,
        );
      this.current = { id, turns: [] };
    }
    if (meta.agent && role === 'agent' && !this.current.agent) this.current.agent = meta.agent;
    if (meta.customer && !this.current.customerName) this.current.customerName = meta.customer;
    if (this.current.turns.length >= MAX_TURNS) {
      this.skips.add(
        `${this.name}:${line}: conversation ${printable(id.slice(0, 40))} has more than ${MAX_TURNS} messages; the rest is left out`,
      );
      return flushed;
    }
    this.current.turns.push({ role, text: cut(text) });
    return flushed;
  }

  flush(): InputDialogue | undefined {
    const last = this.current;
    this.current = undefined;
    return last;
  }
}

export type ParsedLine =
  | { kind: 'dialogue'; dialogue: InputDialogue }
  | { kind: 'message'; id: string; role: Role; text: string; meta: { agent?: string; customer?: string } }
  | { kind: 'error'; message: string };

/** Parses one JSONL line: a whole conversation, or one message of a conversation, or why it is unusable. */
export function parseJsonLine(name: string, line: number, text: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'error', message: `${name}:${line}: not valid JSON (${(error as Error).message.split('\n')[0]})` };
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && !('turns' in value)) {
    const row = value as Record<string, unknown>;
    const id = row.conversation_id ?? row.conversation ?? row.dialogue_id;
    const role = toRole(row.role);
    if ((typeof id === 'string' || typeof id === 'number') && role && typeof row.text === 'string') {
      const meta: { agent?: string; customer?: string } = {};
      if (typeof row.agent === 'string') meta.agent = row.agent;
      if (typeof row.customer === 'string') meta.customer = row.customer;
      return { kind: 'message', id: String(id), role, text: row.text, meta };
    }
    return {
      kind: 'error',
      message: `${name}:${line}: expected a conversation {"id", "turns": [{"role", "text"}]} or a message {"conversation_id", "role", "text"}`,
    };
  }
  const parsed = DialogueRowSchema.safeParse(value);
  if (!parsed.success) return { kind: 'error', message: `${name}:${line}: ${describeIssue(parsed.error)}` };
  const row = parsed.data;
  const turns: InputDialogue['turns'] = [];
  const unknown = new Set<string>();
  for (const t of row.turns) {
    const role = toRole(t.role);
    if (role) turns.push({ role, text: cut(t.text) });
    else unknown.add(printable(String(t.role).slice(0, 40)));
  }
  if (turns.length === 0) return { kind: 'error', message: `${name}:${line}: no turn has a known role (customer or agent)` };
  const dialogue: InputDialogue = { id: row.id, turns: turns.slice(0, MAX_TURNS) };
  if (unknown.size > 0) dialogue.note = `${name}:${line}: turns with unknown role ${[...unknown].map((r) => `"${r}"`).join(', ')} left out`;
  if (turns.length > MAX_TURNS) dialogue.note = `${name}:${line}: only the first ${MAX_TURNS} turns are analysed`;
  if (row.agent) dialogue.agent = row.agent;
  if (row.customer) dialogue.customerName = row.customer;
  if (row.channel) dialogue.channel = row.channel;
  return { kind: 'dialogue', dialogue };
}

// A "turns" key followed by a list; inside a JSON string the quotes would be escaped (\"turns\").
const TOP_LEVEL_TURNS = /(?<!\\)"turns"\s*:\s*\[/;

/** A JSONL line left unparsed so a worker thread can parse it. */
export interface RawLine {
  line: number;
  text: string;
}

async function* readJsonl(source: TextSource, skips: Skips, raw: boolean): AsyncGenerator<InputDialogue | RawLine> {
  const grouper = new Grouper(source.name, skips);
  for await (const { line, text } of readLines(source, (n) => skips.add(`${source.name}:${n}: line longer than 16 MB, skipped`))) {
    if (text.trim() === '') continue;
    // Whole conversations need no grouping: hand them to the workers unparsed.
    if (raw && TOP_LEVEL_TURNS.test(text)) {
      yield { line, text };
      continue;
    }
    const parsed = parseJsonLine(source.name, line, text);
    if (parsed.kind === 'error') skips.add(parsed.message);
    else if (parsed.kind === 'dialogue') yield parsed.dialogue;
    else {
      const done = grouper.add(parsed.id, parsed.role, parsed.text, line, parsed.meta);
      if (done) yield done;
    }
  }
  const last = grouper.flush();
  if (last) yield last;
}

function resolveColumns(header: string[], name: string): Record<string, number> {
  const normalized = header.map((h) =>
    h
      .replace(/^\ufeff/, '')
      .trim()
      .toLowerCase(),
  );
  const found: Record<string, number> = {};
  for (const [column, aliases] of Object.entries(COLUMN_ALIASES)) {
    const index = normalized.findIndex((h) => aliases.includes(h));
    if (index >= 0) found[column] = index;
  }
  const missing = ['conversation_id', 'role', 'text'].filter((c) => found[c] === undefined);
  if (missing.length > 0) {
    throw inputError(
      `${name}: missing column ${missing.join(', ')} (found: ${normalized.join(', ') || 'none'}); expected conversation_id, role, text`,
    );
  }
  return found;
}

async function* readCsv(source: TextSource, skips: Skips): AsyncGenerator<InputDialogue> {
  const delimiter = /\.tsv$/i.test(source.name) ? '\t' : ',';
  const parser = parse({
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    bom: true,
    max_record_size: 16 * 1024 * 1024,
  });
  let oversize: (Error & { lines?: number }) | undefined;
  parser.on('skip', (error: Error & { lines?: number; code?: string }) => {
    // csv-parse cannot resume after a record over its size limit: stop with the place and the reason.
    if (error.code === 'CSV_MAX_RECORD_SIZE') oversize ??= error;
    else skips.add(`${source.name}:${error.lines ?? '?'}: ${printable(error.message)}`);
  });
  Readable.from(source.chunks).pipe(parser);
  const grouper = new Grouper(source.name, skips);
  let columns: Record<string, number> | undefined;
  for await (const entry of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (oversize) break;
    const { record, info } = entry;
    if (!columns) {
      columns = resolveColumns(record, source.name);
      continue;
    }
    const at = (column: string) => (columns?.[column] === undefined ? undefined : record[columns[column] ?? 0]);
    const id = at('conversation_id')?.trim();
    const roleText = at('role');
    const text = at('text');
    const role = toRole(roleText);
    if (!id) {
      skips.add(`${source.name}:${info.lines}: empty conversation_id`);
      continue;
    }
    if (!role) {
      skips.add(
        `${source.name}:${info.lines}: unknown role "${printable(String(roleText ?? '').slice(0, 40))}" (expected customer or agent)`,
      );
      continue;
    }
    if (text === undefined) {
      skips.add(`${source.name}:${info.lines}: missing text`);
      continue;
    }
    const agent = at('agent');
    const customer = at('customer');
    const meta: { agent?: string; customer?: string } = {};
    if (agent) meta.agent = agent;
    if (customer) meta.customer = customer;
    const done = grouper.add(id, role, text, info.lines, meta);
    if (done) yield done;
  }
  if (oversize)
    throw inputError(
      `${source.name}:${oversize.lines ?? '?'}: a CSV record is larger than 16 MB; split the text or use JSONL (rows before it were read)`,
    );
  const last = grouper.flush();
  if (last) yield last;
}

/**
 * Streams conversations from JSONL or CSV text, reporting bad rows to `skips` and carrying on. With
 * `raw`, whole-conversation JSONL lines come back unparsed (`RawLine`) for a worker to parse.
 */
export function readDialogues(source: TextSource, format: InputFormat, skips: Skips, raw = false): AsyncGenerator<InputDialogue | RawLine> {
  return format === 'csv' ? readCsv(source, skips) : readJsonl(source, skips, raw);
}

export function isRawLine(item: InputDialogue | RawLine): item is RawLine {
  return 'line' in item;
}
