import { sql } from 'kysely';
import { json, type Message, type MessageType, type SenderType } from '../db/schema.js';
import type { Deps, MessageHook } from '../deps.js';
import { AppError, notFound } from '../errors.js';
import { enqueueJob, enqueueWebhookEvent, type Executor } from '../repositories/jobs.js';
import { createMessageBatcher, type StoredRow } from './message-batch.js';

export interface PostMessageInput {
  conversationId: string;
  type: MessageType;
  senderType: SenderType;
  senderId?: string | null;
  body: string;
  contentType?: 'text' | 'email';
  /** Retries with the same key return the first message instead of adding another. */
  idempotencyKey?: string | undefined;
  emailMessageId?: string | undefined;
  metadata?: Record<string, unknown>;
  /** For imports of history: when the message was originally sent. History is not delivered to channels or webhooks. */
  createdAt?: Date | undefined;
}

export interface PostedMessage {
  message: Message;
  /** False when the idempotency key matched an earlier message. */
  created: boolean;
}

/** The message stored earlier under this key; a key reused for another conversation is a client bug (409). */
async function findByKey(db: Executor, key: string, conversationId: string): Promise<Message | undefined> {
  const message = await db.selectFrom('messages').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
  if (message && message.conversation_id !== conversationId) {
    throw new AppError('idempotency_key_reused', 409, 'this idempotency key was already used for another conversation');
  }
  return message;
}

/**
 * Stores a message and its follow-up work (analysis, webhooks) in one transaction; the caller may acknowledge it once
 * this resolves. Events go out after commit.
 */
export async function postMessage(deps: Deps, input: PostMessageInput): Promise<PostedMessage> {
  const body = input.senderType === 'customer' && deps.config.redactAtRest ? deps.redact(input.body) : input.body;
  // Channel hooks (e.g. email delivery) only concern replies in their channels; everything else is one statement.
  const hooks = input.type === 'outgoing' && !input.createdAt ? (deps.messageHooks ?? []) : [];
  if (!(await hooksApply(deps, hooks, input.conversationId))) return insertMessageAtomically(deps, input, body);
  if (input.idempotencyKey) {
    const existing = await findByKey(deps.db.kysely, input.idempotencyKey, input.conversationId);
    if (existing) return { message: existing, created: false };
  }
  let result: { message: Message; conversation: { team_id: string | null; assignee_id: string | null; inbox_id: string } };
  try {
    result = await deps.db.kysely.transaction().execute(async (trx) => {
      const conversation = await trx
        .selectFrom('conversations')
        .select(['id', 'team_id', 'assignee_id', 'inbox_id', 'status'])
        .where('id', '=', input.conversationId)
        .executeTakeFirst();
      if (!conversation) throw notFound('conversation');
      let message = await trx
        .insertInto('messages')
        .values({
          conversation_id: input.conversationId,
          type: input.type,
          sender_type: input.senderType,
          sender_id: input.senderId ?? null,
          body,
          content_type: input.contentType ?? 'text',
          idempotency_key: input.idempotencyKey ?? null,
          email_message_id: input.emailMessageId ?? null,
          metadata: json(input.metadata ?? {}),
          ...(input.createdAt ? { created_at: input.createdAt } : {}),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await updateConversationAfterMessage(trx, message);
      if (message.type === 'incoming' || message.type === 'outgoing') {
        await enqueueJob(trx, 'analyze_message', { messageId: message.id });
      }
      // History (imports, the demo) is stored and analysed, but not delivered again nor announced to webhooks.
      if (!input.createdAt) {
        await enqueueWebhookEvent(trx, 'message.created', { message_id: message.id, conversation_id: message.conversation_id });
        for (const hook of deps.messageHooks ?? []) message = (await hook(trx, message, conversation)) ?? message;
      }
      return { message, conversation };
    });
  } catch (error) {
    // Two retries racing with one key: the loser returns the winner's message.
    if (input.idempotencyKey && isUniqueViolation(error)) {
      const existing = await findByKey(deps.db.kysely, input.idempotencyKey, input.conversationId);
      if (existing) return { message: existing, created: false };
    }
    throw error;
  }
  deps.wakeJobs();
  deps.bus.publish({
    type: 'message.created',
    conversationId: result.message.conversation_id,
    teamId: result.conversation.team_id,
    assigneeId: result.conversation.assignee_id,
    inboxId: result.conversation.inbox_id,
    data: result.message,
  });
  return { message: result.message, created: true };
}

/** Whether a reply in this conversation needs the hooks' transaction: a hook for any channel, or for this one. */
async function hooksApply(deps: Deps, hooks: readonly MessageHook[], conversationId: string): Promise<boolean> {
  if (hooks.length === 0) return false;
  if (hooks.some((hook) => !hook.channels)) return true;
  const inbox = await deps.db.kysely
    .selectFrom('conversations')
    .innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id')
    .select('inboxes.channel')
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
  // An unknown conversation takes the hooked path, which answers 404.
  return !inbox || hooks.some((hook) => hook.channels?.includes(inbox.channel));
}

const batchers = new WeakMap<object, ReturnType<typeof createMessageBatcher>>();

/**
 * The common path: the message joins the next group commit (see `createMessageBatcher`), which inserts it, moves the
 * conversation's clocks, queues the analysis and (only when a webhook subscribes) the webhook event in one statement.
 * A duplicate idempotency key inserts nothing and returns the stored message.
 */
async function insertMessageAtomically(deps: Deps, input: PostMessageInput, body: string): Promise<PostedMessage> {
  let batcher = batchers.get(deps.db);
  if (!batcher) {
    batcher = createMessageBatcher(deps.db.kysely);
    batchers.set(deps.db, batcher);
  }
  let row: StoredRow | undefined;
  try {
    row = await batcher.write({
      conversationId: input.conversationId,
      type: input.type,
      senderType: input.senderType,
      senderId: input.senderId ?? null,
      body,
      contentType: input.contentType ?? 'text',
      idempotencyKey: input.idempotencyKey ?? null,
      emailMessageId: input.emailMessageId ?? null,
      metadata: input.metadata ?? {},
      createdAt: input.createdAt ?? null,
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) throw notFound('conversation');
    throw error;
  }
  if (!row) {
    const existing = input.idempotencyKey ? await findByKey(deps.db.kysely, input.idempotencyKey, input.conversationId) : undefined;
    if (!existing) throw notFound('conversation');
    return { message: existing, created: false };
  }
  const { team_id: teamId, assignee_id: assigneeId, inbox_id: inboxId, ...message } = row;
  deps.wakeJobs();
  deps.bus.publish({ type: 'message.created', conversationId: message.conversation_id, teamId, assigneeId, inboxId, data: message });
  return { message, created: true };
}

function isForeignKeyViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23503';
}

/** Keeps the conversation's clocks right: who waits since when, first response, reopen on a new customer message. */
async function updateConversationAfterMessage(trx: Executor, message: Message): Promise<void> {
  const at = message.created_at;
  if (message.type === 'incoming') {
    await trx
      .updateTable('conversations')
      .set({
        last_message_at: at,
        updated_at: sql`now()`,
        waiting_since: sql`coalesce(waiting_since, ${at})`,
        status: sql`case when status in ('resolved', 'snoozed') then 'open' else status end`,
        resolved_at: sql`case when status = 'resolved' then null else resolved_at end`,
      })
      .where('id', '=', message.conversation_id)
      .execute();
  } else if (message.type === 'outgoing') {
    await trx
      .updateTable('conversations')
      .set({
        last_message_at: at,
        updated_at: sql`now()`,
        waiting_since: null,
        first_response_at: sql`coalesce(first_response_at, ${at})`,
      })
      .where('id', '=', message.conversation_id)
      .execute();
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

/** Turns a database error into something safe to show (never SQL). */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isUniqueViolation(error)) return new AppError('conflict', 409, 'this already exists');
  return new AppError('internal_error', 500, 'something went wrong on the server');
}
