/** A coaching hint as the composer uses it (the engine's `Hint`). */
export interface RewriteHint {
  id: string;
  span?: { start: number; end: number };
  rewrite?: string;
}

const TERMINALS = new Set(['。', '！', '？', '!', '?', '；', ';', '\n', '…']);

/** Whether the character at `i` ends a sentence (a full stop only before a space or the end, so "3.5" stays whole). */
const endsSentence = (text: string, i: number): boolean =>
  TERMINALS.has(text[i] as string) || (text[i] === '.' && (i + 1 === text.length || text[i + 1] === ' '));

/**
 * Applies a hint's one-click rewrite to the draft: a jargon rewrite is the whole draft with the plain word; any other
 * rewrite replaces the sentence that holds the harmful wording.
 * @example
 * applyRewrite('好的。不可能退款。', { id: 'blunt_no', span: { start: 3, end: 6 }, rewrite: '我们可以为您换货。' }); // '好的。我们可以为您换货。'
 */
export function applyRewrite(draft: string, hint: RewriteHint): string {
  if (hint.rewrite === undefined) return draft;
  if (hint.id === 'jargon' || !hint.span) return hint.rewrite;
  const { start: from, end: to } = hint.span;
  let start = Math.max(0, Math.min(from, draft.length));
  while (start > 0 && !endsSentence(draft, start - 1)) start--;
  let end = Math.max(start, Math.min(to, draft.length));
  while (end < draft.length && !endsSentence(draft, end)) end++;
  while (end < draft.length && endsSentence(draft, end) && draft[end] !== '\n') end++;
  const lead = draft.slice(start, from).match(/^\s*/u)?.[0] ?? '';
  return draft.slice(0, start) + lead + hint.rewrite + draft.slice(end);
}
