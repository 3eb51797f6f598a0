import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { cutText, MAX_TURNS, parseJsonLine, resolveColumns as resolveSharedColumns, type InputDialogue } from '@tongli/shared';
import type { Role } from '@tongli/engine';
import { inputError } from '../errors.js';
import { readLines, type TextSource } from './decode.js';
import { printable } from './printable.js';
import { toRole } from './roles.js';
import type { Skips } from './skips.js';

export type { InputDialogue, ParsedLine } from '@tongli/shared';
export { MAX_TURNS, parseJsonLine } from '@tongli/shared';

export type InputFormat = 'jsonl' | 'csv';

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
    this.current.turns.push({ role, text: cutText(text) });
    return flushed;
  }

  flush(): InputDialogue | undefined {
    const last = this.current;
    this.current = undefined;
    return last;
  }
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
  const { columns, missing, normalized } = resolveSharedColumns(header);
  if (missing.length > 0) {
    throw inputError(
      `${name}: missing column ${missing.join(', ')} (found: ${normalized.join(', ') || 'none'}); expected conversation_id, role, text`,
    );
  }
  return columns;
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
