import { describe, expect, it } from 'vitest';
import type { Message } from '../../api/types.js';
import { dialogueTurns, quoteOf } from './evidence.js';

const message = (type: Message['type'], body: string): Message => ({
  id: body,
  conversationId: 'c',
  type,
  senderType: type === 'incoming' ? 'customer' : 'agent',
  senderId: null,
  body,
  contentType: 'text',
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('evidence quotes', () => {
  const turns = dialogueTurns([
    message('incoming', '榨汁机坏了'),
    message('note', '内部备注'),
    message('outgoing', '让您久等了，真的很抱歉。我马上帮您处理。'),
  ]);

  it('skips notes when counting turns and highlights the span in its message', () => {
    expect(turns).toHaveLength(2);
    expect(quoteOf(turns, { message: 1, id: 'apology', span: { start: 6, end: 11 }, text: '真的很抱歉' }, 3)).toEqual({
      before: '…等了，',
      quote: '真的很抱歉',
      after: '。我马…',
      role: 'agent',
      turn: 2,
    });
  });

  it('falls back to the stored text when the span does not fit', () => {
    expect(quoteOf(turns, { message: 5, id: 'x', span: { start: 0, end: 3 }, text: 'abc' })).toMatchObject({ quote: 'abc', role: null });
    expect(quoteOf(turns, { message: 0, id: 'x', span: { start: 2, end: 99 }, text: '坏了' })).toMatchObject({ quote: '坏了', before: '' });
  });
});
