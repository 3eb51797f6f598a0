import { sql, type Selectable } from 'kysely';
import { loadVisibleConversation, publishConversation } from '../commands/conversations.js';
import { postMessage } from '../commands/messages.js';
import type { Conversation, SlaExpectationsTable } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { AppError, notFound } from '../errors.js';
import { authorize, type Principal } from '../policies/policies.js';
import { enqueueJob, type Executor } from '../repositories/jobs.js';
import { composeExpectation, findCheckedTeam, pickLocale, promiseTime } from './expectation.js';
import { pickPolicy } from './policy.js';
import { loadSlaConfig, type SlaConfig } from './repository.js';

export type Expectation = Selectable<SlaExpectationsTable>;
export type ExpectationReason = Expectation['reason'];

/** The job that sends an expectation message on its own (inboxes with `autoExpectation`). */
export const SEND_EXPECTATION_JOB = 'sla_send_expectation';
/** Promised reply time when no SLA policy applies, in business minutes. */
const FALLBACK_MINUTES = 120;

/** The customer's language for a conversation: saved locale, else the language of their last analysed message. */
async function loadLanguage(db: Executor, conversation: Pick<Conversation, 'id' | 'customer_id'>): Promise<'zh' | 'en'> {
  const customer = await db.selectFrom('customers').select('locale').where('id', '=', conversation.customer_id).executeTakeFirst();
  const detected = await db
    .selectFrom('messages')
    .innerJoin('message_analyses', 'message_analyses.message_id', 'messages.id')
    .select(sql<string | null>`message_analyses.result -> 'customer' ->> 'lang'`.as('lang'))
    .where('messages.conversation_id', '=', conversation.id)
    .where('messages.type', '=', 'incoming')
    .orderBy('messages.seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return pickLocale(customer?.locale, detected?.lang);
}

/**
 * Proposes an expectation-setting message for a conversation waiting on a teammate or team (replacing an earlier
 * proposal not yet sent), and queues it to be sent when the inbox sends them on its own. Runs in the caller's
 * transaction. The promised time is the next-response target from now in the inbox's business hours.
 */
export async function proposeExpectation(
  trx: Executor,
  input: {
    conversation: Conversation;
    reason: ExpectationReason;
    teamId: string | null;
    now: Date;
    sourceMessageId?: string;
    config?: SlaConfig;
  },
): Promise<Expectation | undefined> {
  const config = input.config ?? (await loadSlaConfig(trx));
  const { conversation } = input;
  const clock = config.clockFor(conversation.inbox_id);
  const policy = pickPolicy(config.policies, conversation.inbox_id, conversation.priority);
  const dueAt = promiseTime(clock, input.now, policy?.nextResponseMinutes ?? FALLBACK_MINUTES);
  const team = input.teamId ? await trx.selectFrom('teams').select('name').where('id', '=', input.teamId).executeTakeFirst() : undefined;
  const locale = await loadLanguage(trx, conversation);
  const body = composeExpectation({ clock, now: input.now, dueAt, locale, team: team?.name ?? null });
  await trx
    .updateTable('sla_expectations')
    .set({ status: 'dismissed', updated_at: sql`now()` })
    .where('conversation_id', '=', conversation.id)
    .where('status', '=', 'proposed')
    .execute();
  const row = await trx
    .insertInto('sla_expectations')
    .values({
      conversation_id: conversation.id,
      reason: input.reason,
      source_message_id: input.sourceMessageId ?? null,
      team_id: team ? (input.teamId ?? null) : null,
      locale,
      due_at: dueAt,
      body,
    })
    .onConflict((oc) => oc.column('source_message_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row && config.calendarFor(conversation.inbox_id).autoExpectation) {
    await enqueueJob(trx, SEND_EXPECTATION_JOB, { expectationId: row.id });
  }
  return row;
}

/** The conversation's expectation proposal not yet sent or dismissed, if any. */
export async function findProposal(db: Executor, conversationId: string): Promise<Expectation | undefined> {
  return db
    .selectFrom('sla_expectations')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('status', '=', 'proposed')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Sends a proposed expectation message to the customer: by an agent (one click, optionally edited) or by the system
 * (auto-send job). Idempotent: a retry returns the message sent the first time.
 */
export async function sendExpectation(
  deps: Deps,
  principal: Principal | null,
  id: string,
  body?: string,
): Promise<{ expectation: Expectation; messageId: string }> {
  const db = deps.db.kysely;
  const expectation = await db.selectFrom('sla_expectations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!expectation) throw notFound('expectation');
  if (principal) {
    authorize(principal, 'conversation.write');
    await loadVisibleConversation(db, principal, expectation.conversation_id);
  }
  if (expectation.status === 'sent' && expectation.message_id) return { expectation, messageId: expectation.message_id };
  if (expectation.status !== 'proposed') throw new AppError('expectation_closed', 409, 'this expectation message was dismissed');
  const posted = await postMessage(deps, {
    conversationId: expectation.conversation_id,
    type: 'outgoing',
    senderType: principal?.kind === 'user' ? 'agent' : 'system',
    senderId: principal?.kind === 'user' ? principal.id : null,
    body: body?.trim() || expectation.body,
    idempotencyKey: `sla-expectation:${expectation.id}`,
    metadata: { expectationId: expectation.id, automatic: principal === null },
  });
  const updated = await db
    .updateTable('sla_expectations')
    .set({ status: 'sent', message_id: posted.message.id, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { expectation: updated, messageId: posted.message.id };
}

export async function dismissExpectation(deps: Deps, principal: Principal, id: string): Promise<Expectation> {
  authorize(principal, 'conversation.write');
  const db = deps.db.kysely;
  const expectation = await db.selectFrom('sla_expectations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!expectation) throw notFound('expectation');
  await loadVisibleConversation(db, principal, expectation.conversation_id);
  if (expectation.status === 'sent') throw new AppError('expectation_sent', 409, 'this expectation message was already sent');
  return db
    .updateTable('sla_expectations')
    .set({ status: 'dismissed', updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * An internal note saying the agent is checking with another team ("已转给账务组确认") proposes an expectation message
 * naming that team. Once per note, whichever process sees it first.
 */
export async function proposeFromNote(deps: Deps, messageId: string, now: Date): Promise<Expectation | undefined> {
  const db = deps.db.kysely;
  const note = await db
    .selectFrom('messages')
    .select(['id', 'conversation_id', 'type', 'body'])
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (note?.type !== 'note') return undefined;
  const teams = await db.selectFrom('teams').select(['id', 'name']).execute();
  const team = findCheckedTeam(note.body, teams);
  if (!team) return undefined;
  const result = await db.transaction().execute(async (trx) => {
    const conversation = await trx.selectFrom('conversations').selectAll().where('id', '=', note.conversation_id).executeTakeFirst();
    if (!conversation || conversation.status === 'resolved' || conversation.status === 'snoozed') return undefined;
    const seen = await trx.selectFrom('sla_expectations').select('id').where('source_message_id', '=', note.id).executeTakeFirst();
    if (seen) return undefined;
    const expectation = await proposeExpectation(trx, { conversation, reason: 'note', teamId: team.id, now, sourceMessageId: note.id });
    return expectation ? { expectation, conversation } : undefined;
  });
  if (!result) return undefined;
  deps.wakeJobs();
  publishConversation(deps, 'conversation.updated', result.conversation);
  return result.expectation;
}
