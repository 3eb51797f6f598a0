import { sql, type Transaction } from 'kysely';
import { json, type Conversation, type ConversationStatus, type Database, type Priority } from '../db/schema.js';
import type { ConversationChange, Deps } from '../deps.js';
import { badRequest, notFound } from '../errors.js';
import { authorize, canSeeConversation, type Principal } from '../policies/policies.js';
import { findOrCreateCustomer, type IdentityInput } from '../repositories/customers.js';
import { enqueueJob, enqueueWebhookEvent, type Executor } from '../repositories/jobs.js';
import { postMessage } from './messages.js';

export interface CreateConversationInput {
  inboxId: string;
  customer: { name?: string | undefined; locale?: string | undefined; identities: IdentityInput[] };
  subject?: string | undefined;
  teamId?: string | null | undefined;
  assigneeId?: string | null | undefined;
  priority?: Priority | undefined;
  tags?: string[] | undefined;
  externalId?: string | undefined;
  createdAt?: Date | undefined;
}

/**
 * Opens a conversation for the customer holding any of the given identities (created if new). With an `externalId`
 * the call is idempotent per inbox.
 */
export async function createConversation(deps: Deps, input: CreateConversationInput): Promise<Conversation> {
  const conversation = await deps.db.kysely.transaction().execute(async (trx) => {
    const inbox = await trx.selectFrom('inboxes').select(['id', 'team_id']).where('id', '=', input.inboxId).executeTakeFirst();
    if (!inbox) throw notFound('inbox');
    if (input.externalId) {
      const existing = await trx
        .selectFrom('conversations')
        .selectAll()
        .where('inbox_id', '=', inbox.id)
        .where('external_id', '=', input.externalId)
        .executeTakeFirst();
      if (existing) return { row: existing, created: false };
    }
    const customer = await findOrCreateCustomer(trx, input.customer.identities, input.customer);
    const row = await trx
      .insertInto('conversations')
      .values({
        inbox_id: inbox.id,
        customer_id: customer.id,
        team_id: input.teamId === undefined ? inbox.team_id : input.teamId,
        assignee_id: input.assigneeId ?? null,
        subject: input.subject ?? '',
        tags: json(input.tags ?? []),
        external_id: input.externalId ?? null,
        ...(input.priority ? { priority: input.priority } : {}),
        ...(input.createdAt ? { created_at: input.createdAt, updated_at: input.createdAt } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await enqueueWebhookEvent(trx, 'conversation.created', { conversation_id: row.id });
    // History (imports, the demo) is not routed nor put on SLA clocks.
    const hooked = input.createdAt
      ? row
      : await runConversationHooks(deps, trx, { before: null, after: row, changes: [], principal: null });
    return { row: hooked, created: true };
  });
  if (conversation.created) {
    deps.wakeJobs();
    publishConversation(deps, 'conversation.created', conversation.row);
  }
  return conversation.row;
}

/** Lets the modules' conversation hooks act in the same transaction; returns the conversation as they left it. */
async function runConversationHooks(deps: Deps, trx: Transaction<Database>, change: ConversationChange): Promise<Conversation> {
  let after = change.after;
  for (const hook of deps.conversationHooks ?? []) after = (await hook(trx, { ...change, after }, deps)) ?? after;
  return after;
}

export function publishConversation(deps: Deps, type: string, conversation: Conversation): void {
  deps.bus.publish({
    type,
    conversationId: conversation.id,
    teamId: conversation.team_id,
    assigneeId: conversation.assignee_id,
    inboxId: conversation.inbox_id,
    data: conversation,
  });
}

/** Loads a conversation the principal may see, or fails with not_found (hidden ones are not confirmed to exist). */
export async function loadVisibleConversation(db: Executor, principal: Principal, id: string): Promise<Conversation> {
  const conversation = await db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!conversation || !canSeeConversation(principal, conversation)) throw notFound('conversation');
  return conversation;
}

export interface UpdateConversationInput {
  status?: ConversationStatus | undefined;
  priority?: Priority | undefined;
  assigneeId?: string | null | undefined;
  teamId?: string | null | undefined;
  tags?: string[] | undefined;
  snoozedUntil?: Date | null | undefined;
}

/** Changes status, priority, assignment or tags; writes an activity message and the events that follow. */
export async function updateConversation(
  deps: Deps,
  principal: Principal,
  id: string,
  input: UpdateConversationInput,
): Promise<Conversation> {
  authorize(principal, 'conversation.write');
  const before = await loadVisibleConversation(deps.db.kysely, principal, id);
  if (input.assigneeId !== undefined && input.assigneeId !== principal.id && input.assigneeId !== null) {
    authorize(principal, 'conversation.assign_others');
  }
  if (input.status === 'snoozed' && !input.snoozedUntil) throw badRequest('snooze_needs_time', 'snoozing needs snoozedUntil');
  const changes: string[] = [];
  const updated = await deps.db.kysely.transaction().execute(async (trx) => {
    if (input.assigneeId) {
      const user = await trx.selectFrom('users').select('id').where('id', '=', input.assigneeId).executeTakeFirst();
      if (!user) throw notFound('assignee');
    }
    if (input.teamId) {
      const team = await trx.selectFrom('teams').select('id').where('id', '=', input.teamId).executeTakeFirst();
      if (!team) throw notFound('team');
    }
    const row = await trx
      .updateTable('conversations')
      .set({
        updated_at: sql`now()`,
        ...(input.status ? { status: input.status, resolved_at: input.status === 'resolved' ? sql`now()` : null } : {}),
        ...(input.priority ? { priority: input.priority } : {}),
        ...(input.assigneeId !== undefined ? { assignee_id: input.assigneeId } : {}),
        ...(input.teamId !== undefined ? { team_id: input.teamId } : {}),
        ...(input.tags ? { tags: json([...new Set(input.tags)]) } : {}),
        ...(input.snoozedUntil !== undefined ? { snoozed_until: input.snoozedUntil } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (input.status && input.status !== before.status) changes.push(`status:${input.status}`);
    if (input.assigneeId !== undefined && input.assigneeId !== before.assignee_id) changes.push(`assignee:${input.assigneeId ?? '-'}`);
    if (input.teamId !== undefined && input.teamId !== before.team_id) changes.push(`team:${input.teamId ?? '-'}`);
    if (input.status === 'resolved' && before.status !== 'resolved') {
      await enqueueJob(trx, 'evaluate_conversation', { conversationId: id });
      await enqueueWebhookEvent(trx, 'conversation.resolved', { conversation_id: id });
    }
    if (changes.length > 0) {
      await enqueueWebhookEvent(trx, 'conversation.updated', { conversation_id: id, changes });
    }
    return runConversationHooks(deps, trx, { before, after: row, changes, principal });
  });
  if (changes.length > 0) {
    await postMessage(deps, {
      conversationId: id,
      type: 'activity',
      senderType: 'system',
      senderId: principal.kind === 'user' ? principal.id : null,
      body: changes.join(' '),
      metadata: { by: principal.name, changes },
    });
  }
  deps.wakeJobs();
  publishConversation(deps, before.assignee_id !== updated.assignee_id ? 'conversation.assigned' : 'conversation.updated', updated);
  return updated;
}
