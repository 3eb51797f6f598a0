import type { Conversation, Customer, Message } from '../db/schema.js';

/** Only these fields of a conversation reach clients. */
export function presentConversation(c: Conversation) {
  return {
    id: c.id,
    inboxId: c.inbox_id,
    customerId: c.customer_id,
    teamId: c.team_id,
    assigneeId: c.assignee_id,
    status: c.status,
    priority: c.priority,
    subject: c.subject,
    tags: c.tags,
    externalId: c.external_id,
    snoozedUntil: c.snoozed_until?.toISOString() ?? null,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
    lastMessageAt: c.last_message_at?.toISOString() ?? null,
    waitingSince: c.waiting_since?.toISOString() ?? null,
    firstResponseAt: c.first_response_at?.toISOString() ?? null,
    resolvedAt: c.resolved_at?.toISOString() ?? null,
  };
}

export function presentMessage(m: Message) {
  return {
    id: m.id,
    conversationId: m.conversation_id,
    type: m.type,
    senderType: m.sender_type,
    senderId: m.sender_id,
    body: m.body,
    contentType: m.content_type,
    idempotencyKey: m.idempotency_key,
    createdAt: m.created_at.toISOString(),
  };
}

export function presentCustomer(c: Customer, identities: { kind: string; value: string }[]) {
  return {
    id: c.id,
    name: c.name,
    locale: c.locale,
    attributes: c.attributes,
    identities,
    createdAt: c.created_at.toISOString(),
  };
}
