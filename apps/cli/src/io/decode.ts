import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { inputError } from '../errors.js';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

const SNIFF_BYTES = 64 * 1024;

/** Valid UTF-8 up to a possibly cut last character. */
function isUtf8(bytes: Uint8Array): boolean {
  let end = bytes.length;
  // Drop an incomplete trailing sequence (the sniff window may cut a character).
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = bytes[end - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (back < need) end -= back;
    }
    break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides the text encoding from the first bytes: a BOM, valid UTF-8, else GB18030 (a superset of GBK,
 * common in Chinese exports) when it decodes cleanly; binary data is refused with a one-line reason.
 */
export function sniffEncoding(head: Uint8Array, name: string): { encoding: Encoding; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  if (head.includes(0)) throw inputError(`${name}: looks like a binary file, not text (JSONL or CSV expected)`);
  if (isUtf8(head)) return { encoding: 'utf-8', bom: 0 };
  const text = new TextDecoder('gb18030').decode(head);
  let bad = 0;
  for (const ch of text) if (ch === '\ufffd') bad++;
  if (bad <= Math.max(2, text.length / 1000)) return { encoding: 'gb18030', bom: 0 };
  throw inputError(`${name}: not valid UTF-8 or GB18030/GBK text; convert it to UTF-8 (e.g. iconv -f <encoding> -t utf-8)`);
}

export interface TextSource {
  name: string;
  /** Total bytes when known (files), for progress. */
  size?: number;
  encoding: Encoding;
  /** Decoded text chunks. */
  chunks: AsyncIterable<string>;
  /** Bytes read so far. */
  bytesRead: () => number;
  /** The first non-space character, to tell JSONL from CSV on stdin. */
  firstChar: string | undefined;
}

/** Opens a file (or `-` for stdin) as decoded text chunks, detecting the encoding from its first bytes. */
export async function openText(path: string, stdin: Readable = process.stdin): Promise<TextSource> {
  const name = path === '-' ? 'stdin' : path;
  let stream: Readable;
  let size: number | undefined;
  if (path === '-') stream = stdin;
  else {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw inputError(`${path}: no such file`);
    }
    if (stat.isDirectory()) throw inputError(`${path}: is a directory, not a file`);
    size = stat.size;
    stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  }
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const pending: Uint8Array[] = [];
  let head = new Uint8Array(0);
  let done = false;
  while (head.length < SNIFF_BYTES && !done) {
    const next = await iterator.next();
    if (next.done) done = true;
    else {
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      pending.push(chunk);
      const merged = new Uint8Array(head.length + chunk.length);
      merged.set(head);
      merged.set(chunk, head.length);
      head = merged;
    }
  }
  const { encoding, bom } = sniffEncoding(head.subarray(0, SNIFF_BYTES), name);
  let read = 0;
  async function* chunks(): AsyncGenerator<string> {
    const decoder = new TextDecoder(encoding);
    let first = true;
    for (const chunk of pending) {
      read += chunk.length;
      yield decoder.decode(first && bom > 0 ? chunk.subarray(bom) : chunk, { stream: true });
      first = false;
    }
    while (!done) {
      const next = await iterator.next();
      if (next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      read += chunk.length;
      yield decoder.decode(chunk, { stream: true });
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  }
  const preview = new TextDecoder(encoding).decode(head.subarray(bom, bom + 256)).trimStart();
  const source: TextSource = { name, encoding, chunks: chunks(), bytesRead: () => read, firstChar: preview[0] };
  if (size !== undefined) source.size = size;
  return source;
}

export const MAX_LINE = 16 * 1024 * 1024;

/** Splits decoded chunks into lines (1-based numbers), skipping — and reporting — lines over MAX_LINE. */
export async function* readLines(source: TextSource, onOversize: (line: number) => void): AsyncGenerator<{ line: number; text: string }> {
  let carry = '';
  let line = 0;
  let dropping = false;
  for await (const chunk of source.chunks) {
    let from = 0;
    for (let nl = chunk.indexOf('\n', from); nl >= 0; nl = chunk.indexOf('\n', from)) {
      line++;
      const piece = chunk.slice(from, nl);
      from = nl + 1;
      if (dropping || carry.length + piece.length > MAX_LINE) {
        onOversize(line);
        carry = '';
        dropping = false;
        continue;
      }
      const text = carry + piece;
      carry = '';
      yield { line, text: text.endsWith('\r') ? text.slice(0, -1) : text };
    }
    const rest = chunk.slice(from);
    if (!dropping && carry.length + rest.length > MAX_LINE) {
      dropping = true;
      carry = '';
    } else if (!dropping) carry += rest;
  }
  if (dropping) onOversize(line + 1);
  else if (carry.length > 0) yield { line: line + 1, text: carry.endsWith('\r') ? carry.slice(0, -1) : carry };
}
