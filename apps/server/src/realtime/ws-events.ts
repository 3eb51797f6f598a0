import type { Conversation, Message } from '../db/schema.js';
import { presentConversation, presentMessage } from '../presenters/presenters.js';

/**
 * Bus payloads are rows; through Redis their dates arrive as strings. These revive the dates and reuse the REST
 * presenters, so the socket sends exactly the fields the API does.
 */
function reviveDates<T extends object>(row: T, keys: readonly string[]): T {
  const copy = { ...row } as Record<string, unknown>;
  for (const key of keys) {
    const value = copy[key];
    if (typeof value === 'string') copy[key] = new Date(value);
  }
  return copy as T;
}

export function presentBusMessage(data: unknown): ReturnType<typeof presentMessage> & { seq: number } {
  const row = reviveDates(data as Message, ['created_at']);
  return { ...presentMessage(row), seq: Number(row.seq) };
}

export function presentBusConversation(data: unknown): ReturnType<typeof presentConversation> {
  return presentConversation(
    reviveDates(data as Conversation, [
      'created_at',
      'updated_at',
      'snoozed_until',
      'last_message_at',
      'waiting_since',
      'first_response_at',
      'resolved_at',
    ]),
  );
}

/** Typing notices travel over the bus (so they reach sockets held by other processes) with this payload. */
export interface TypingData {
  from: 'visitor' | 'agent';
  /** The agent who types (agents only). */
  userId?: string;
  name?: string;
}
