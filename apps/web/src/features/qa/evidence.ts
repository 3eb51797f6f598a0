import type { Evidence, Message } from '../../api/types.js';

/** The dialogue the engine scored: customer and agent messages in order (notes and activity are not turns). */
export function dialogueTurns(messages: readonly Message[]): Message[] {
  return messages.filter((m) => m.type === 'incoming' || m.type === 'outgoing');
}

export interface Quote {
  before: string;
  quote: string;
  after: string;
  /** Whether the quote is from the customer or the agent; null when the turn is gone. */
  role: 'customer' | 'agent' | null;
  /** 1-based turn number, for display. */
  turn: number;
}

/**
 * The evidence's words in their message, with a little context either side (clipped at `context` characters). Falls
 * back to the stored evidence text when the message or span no longer fits.
 * @example
 * quoteOf(turns, { message: 0, id: 'apology', span: { start: 3, end: 7 }, text: '很抱歉' });
 */
export function quoteOf(turns: readonly Message[], evidence: Evidence, context = 40): Quote {
  const turn = turns[evidence.message];
  const text = turn?.body ?? '';
  const { start, end } = evidence.span;
  const fits = turn !== undefined && start >= 0 && end <= text.length && start < end;
  if (!fits) return { before: '', quote: evidence.text, after: '', role: turn ? roleOf(turn) : null, turn: evidence.message + 1 };
  const from = Math.max(0, start - context);
  const to = Math.min(text.length, end + context);
  return {
    before: (from > 0 ? '…' : '') + text.slice(from, start),
    quote: text.slice(start, end),
    after: text.slice(end, to) + (to < text.length ? '…' : ''),
    role: roleOf(turn),
    turn: evidence.message + 1,
  };
}

const roleOf = (m: Message): 'customer' | 'agent' => (m.type === 'incoming' ? 'customer' : 'agent');
