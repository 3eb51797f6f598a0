import { sql } from 'kysely';
import type { Inbox, Message } from '../../db/schema.js';
import type { Executor } from '../../repositories/jobs.js';

/** An inbox of the email channel by id, or undefined (also when the inbox belongs to another channel). */
export async function findEmailInbox(db: Executor, id: string): Promise<Inbox | undefined> {
  return db.selectFrom('inboxes').selectAll().where('id', '=', id).where('channel', '=', 'email').executeTakeFirst();
}

/** The email inbox whose `settings.address` is this address (case-insensitive). */
export async function findEmailInboxByAddress(db: Executor, address: string): Promise<Inbox | undefined> {
  return db
    .selectFrom('inboxes')
    .selectAll()
    .where('channel', '=', 'email')
    .where(sql<string>`lower(settings->>'address')`, '=', address.trim().toLowerCase())
    .orderBy('created_at')
    .executeTakeFirst();
}

/** The message stored for this email (by its idempotency key), in any conversation. */
export async function findEmailMessage(db: Executor, messageId: string): Promise<Message | undefined> {
  return db.selectFrom('messages').selectAll().where('idempotency_key', '=', `email:${messageId}`).executeTakeFirst();
}

/**
 * The conversation of this inbox holding one of the referenced Message-IDs; earlier ids in `ids` win (pass
 * In-Reply-To first, then References newest first).
 */
export async function findThreadConversationId(db: Executor, inboxId: string, ids: readonly string[]): Promise<string | undefined> {
  if (ids.length === 0) return undefined;
  const rows = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.email_message_id', 'messages.conversation_id'])
    .where('conversations.inbox_id', '=', inboxId)
    .where('messages.email_message_id', 'in', [...ids])
    .execute();
  for (const id of ids) {
    const row = rows.find((r) => r.email_message_id === id);
    if (row) return row.conversation_id;
  }
  return undefined;
}

/** Sets the Message-ID of a message (outgoing emails get theirs when queued). */
export async function setEmailMessageId(db: Executor, messageId: string, emailMessageId: string): Promise<Message> {
  return db
    .updateTable('messages')
    .set({ email_message_id: emailMessageId })
    .where('id', '=', messageId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface OutgoingEmailContext {
  message: Message;
  subject: string;
  inbox: Inbox;
  /** The customer's latest email in the conversation, to reply to. */
  lastIncoming: Message | undefined;
  /** The customer's email addresses, oldest first. */
  customerEmails: string[];
}

/** Everything needed to send an outgoing message as an email, or undefined when the message is gone. */
export async function loadOutgoingEmail(db: Executor, messageId: string): Promise<OutgoingEmailContext | undefined> {
  const message = await db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (!message) return undefined;
  const conversation = await db
    .selectFrom('conversations')
    .select(['subject', 'customer_id', 'inbox_id'])
    .where('id', '=', message.conversation_id)
    .executeTakeFirstOrThrow();
  const inbox = await db.selectFrom('inboxes').selectAll().where('id', '=', conversation.inbox_id).executeTakeFirstOrThrow();
  const lastIncoming = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', message.conversation_id)
    .where('type', '=', 'incoming')
    .where('email_message_id', 'is not', null)
    .where('seq', '<', message.seq)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const identities = await db
    .selectFrom('customer_identities')
    .select('value')
    .where('customer_id', '=', conversation.customer_id)
    .where('kind', '=', 'email')
    .orderBy('created_at')
    .execute();
  return { message, subject: conversation.subject, inbox, lastIncoming, customerEmails: identities.map((i) => i.value) };
}

/** Records on the message that its email went out (shown to agents; a retry after a crash may send it again). */
export async function markEmailSent(db: Executor, messageId: string, sent: { to: string; at: string }): Promise<void> {
  await db
    .updateTable('messages')
    .set({ metadata: sql`metadata || ${JSON.stringify({ email: { to: sent.to, sentAt: sent.at } })}::jsonb` })
    .where('id', '=', messageId)
    .execute();
}

export interface ConversationEmailContext {
  inbox: Inbox;
  subject: string;
  customerName: string;
  /** Where the customer last wrote from, else their first email address; undefined when they have none. */
  to: string | undefined;
  /** The customer's latest email in the conversation (to thread onto). */
  lastIncoming: Message | undefined;
}

/** What a notice about a conversation (e.g. its satisfaction survey) needs to reach the customer by email. */
export async function loadConversationEmail(db: Executor, conversationId: string): Promise<ConversationEmailContext | undefined> {
  const conversation = await db
    .selectFrom('conversations')
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .select(['conversations.subject', 'conversations.customer_id', 'conversations.inbox_id', 'customers.name'])
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
  if (!conversation) return undefined;
  const inbox = await db.selectFrom('inboxes').selectAll().where('id', '=', conversation.inbox_id).executeTakeFirstOrThrow();
  const lastIncoming = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('type', '=', 'incoming')
    .where('email_message_id', 'is not', null)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const lastFrom = (lastIncoming?.metadata as { from?: { address?: unknown } } | undefined)?.from?.address;
  const identity = await db
    .selectFrom('customer_identities')
    .select('value')
    .where('customer_id', '=', conversation.customer_id)
    .where('kind', '=', 'email')
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return {
    inbox,
    subject: conversation.subject,
    customerName: conversation.name,
    to: typeof lastFrom === 'string' ? lastFrom : identity?.value,
    lastIncoming,
  };
}
