/** Pure helpers for canned replies in the composer: the `/` shortcut and unfilled `{{variables}}`. */

export interface SlashQuery {
  /** Where the `/` sits in the draft. */
  start: number;
  /** What was typed after it (may be empty). */
  query: string;
}

/**
 * The `/shortcut` being typed just before the caret: a `/` at the start of the draft or after white space, followed by
 * short-code characters only.
 * @example
 * slashQueryAt('您好 /ref', 7); // { start: 3, query: 'ref' }
 * slashQueryAt('http://x', 8); // null
 */
export function slashQueryAt(draft: string, caret: number): SlashQuery | null {
  const match = /(^|\s)\/([\p{L}\p{N}_-]{0,40})$/u.exec(draft.slice(0, caret));
  if (!match) return null;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, query };
}

/**
 * Replaces the `/query` typed at `slash` with the canned reply's body; returns the new draft and the caret after it.
 * @example
 * insertCanned('Hi /ref', { start: 3, query: 'ref' }, 'Your refund…'); // { draft: 'Hi Your refund…', caret: 15 }
 */
export function insertCanned(draft: string, slash: SlashQuery, body: string): { draft: string; caret: number } {
  const end = slash.start + 1 + slash.query.length;
  return { draft: draft.slice(0, slash.start) + body + draft.slice(end), caret: slash.start + body.length };
}

/**
 * The `{{variables}}` still in the draft, each once, in order: sending is blocked while there is any.
 * @example
 * unfilledVariables('您好 {{customer.name}}，订单 {{ order.id }}'); // ['customer.name', 'order.id']
 */
export function unfilledVariables(draft: string): string[] {
  const names = new Set<string>();
  for (const match of draft.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) names.add(match[1] || '…');
  return [...names];
}
