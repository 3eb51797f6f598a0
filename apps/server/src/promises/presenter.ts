import type { PromiseListRow, PromiseRow } from './repository.js';

/** A promise as the API shows it; an open promise past its due time reads as overdue before the ticker marks it. */
export function presentPromise(row: PromiseRow | PromiseListRow, now: Date) {
  const list = 'subject' in row ? row : null;
  return {
    id: row.id,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    agentId: row.agent_id,
    agentName: list?.agent_name ?? null,
    customerId: list?.customer_id ?? null,
    customerName: list?.customer_name ?? null,
    subject: list?.subject ?? null,
    text: row.text,
    duePhrase: row.due_phrase,
    dueAt: row.due_at.toISOString(),
    dueKnown: row.due_known,
    status: row.status === 'open' && row.due_at.getTime() <= now.getTime() ? ('overdue' as const) : row.status,
    remindedAt: row.reminded_at?.toISOString() ?? null,
    closedAt: row.closed_at?.toISOString() ?? null,
    note: row.note,
    createdAt: row.created_at.toISOString(),
  };
}

export type PresentedPromise = ReturnType<typeof presentPromise>;
