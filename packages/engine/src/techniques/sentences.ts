/** A sentence of normalised text: [start, end) including its closing punctuation. */
export interface Sentence {
  start: number;
  end: number;
}

function isTerminal(code: number): boolean {
  // ! ? 。 ！ ？ newline ~ (full-width forms are already half-width after normalisation)
  return code === 0x21 || code === 0x3f || code === 0x3002 || code === 0x0a || code === 0x7e || code === 0x2026;
}

/**
 * Splits normalised text into sentences at 。!?~… and newlines, and at a full stop followed by a space
 * or the end (so "3.5" and "e.g." inside a word stay whole).
 *
 * @example findSentences('您好!请问有什么可以帮您?') // [{start:0,end:3},{start:3,end:13}]
 */
export function findSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    const stop = isTerminal(code) || (code === 0x2e && (i + 1 === n || text.charCodeAt(i + 1) === 0x20));
    if (!stop) continue;
    let end = i + 1;
    while (end < n && isTerminal(text.charCodeAt(end))) end++;
    if (text.slice(start, end).trim().length > 0) out.push({ start, end });
    start = end;
    i = end - 1;
  }
  if (start < n && text.slice(start).trim().length > 0) out.push({ start, end: n });
  return out;
}
