import { sql } from 'kysely';
import { json, type CsatSurvey } from '../db/schema.js';
import type { Executor } from '../repositories/jobs.js';

/** A survey link stays valid this long after it was sent; later it answers like an unknown one. */
export const SURVEY_VALID_DAYS = 30;

export interface NewSurvey {
  conversationId: string;
  tokenHash: string;
  channel: string;
  agentId: string | null;
  teamId: string | null;
  locale: 'zh' | 'en';
}

/**
 * Inserts the conversation's survey unless it already has one (one per conversation, also under a race); returns the
 * new row, or undefined when one existed.
 */
export async function insertSurvey(db: Executor, survey: NewSurvey): Promise<CsatSurvey | undefined> {
  return db
    .insertInto('csat_surveys')
    .values({
      conversation_id: survey.conversationId,
      token_hash: survey.tokenHash,
      channel: survey.channel,
      agent_id: survey.agentId,
      team_id: survey.teamId,
      locale: survey.locale,
    })
    .onConflict((oc) => oc.column('conversation_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findSurvey(db: Executor, id: string): Promise<CsatSurvey | undefined> {
  return db.selectFrom('csat_surveys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findSurveyByConversation(db: Executor, conversationId: string): Promise<CsatSurvey | undefined> {
  return db.selectFrom('csat_surveys').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
}

/** The survey behind a link's token (by its hash), unless it is older than `SURVEY_VALID_DAYS`. */
export async function findSurveyByTokenHash(db: Executor, tokenHash: string, now: Date): Promise<CsatSurvey | undefined> {
  return db
    .selectFrom('csat_surveys')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('sent_at', '>', new Date(now.getTime() - SURVEY_VALID_DAYS * 86_400_000))
    .executeTakeFirst();
}

/**
 * Gives a survey the hash of the token about to be sent, unless it was delivered or answered meanwhile; false when
 * there is nothing (left) to deliver.
 */
export async function rotateSurveyToken(db: Executor, id: string, tokenHash: string): Promise<boolean> {
  const row = await db
    .updateTable('csat_surveys')
    .set({ token_hash: tokenHash })
    .where('id', '=', id)
    .where('delivered_at', 'is', null)
    .where('answered_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function markSurveyDelivered(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('csat_surveys')
    .set({ delivered_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/**
 * Records the answer only if none was recorded before: one conditional update, so of two concurrent submits exactly
 * one wins and the other gets undefined (the first answer is never overwritten).
 */
export async function recordAnswer(
  db: Executor,
  id: string,
  answer: { rating: number; comment: string | null; analysis: unknown },
): Promise<CsatSurvey | undefined> {
  return db
    .updateTable('csat_surveys')
    .set({
      rating: answer.rating,
      comment: answer.comment,
      comment_analysis: answer.analysis === null ? null : json(answer.analysis),
      answered_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('answered_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export interface PendingWidgetSurvey {
  id: string;
  conversation_id: string;
  locale: string;
}

/** Unanswered widget surveys of the visitor's resolved conversations in the inbox (shown again after a reconnect). */
export async function pendingWidgetSurveys(db: Executor, customerId: string, inboxId: string, now: Date): Promise<PendingWidgetSurvey[]> {
  return db
    .selectFrom('csat_surveys')
    .innerJoin('conversations', 'conversations.id', 'csat_surveys.conversation_id')
    .select(['csat_surveys.id', 'csat_surveys.conversation_id', 'csat_surveys.locale'])
    .where('conversations.customer_id', '=', customerId)
    .where('conversations.inbox_id', '=', inboxId)
    .where('conversations.status', '=', 'resolved')
    .where('csat_surveys.channel', '=', 'web')
    .where('csat_surveys.answered_at', 'is', null)
    .where('csat_surveys.sent_at', '>', new Date(now.getTime() - SURVEY_VALID_DAYS * 86_400_000))
    .orderBy('csat_surveys.sent_at', 'desc')
    .limit(3)
    .execute();
}

export interface SurveyFilter {
  /** Only these teams' surveys ('all' for no limit). */
  teamIds: readonly string[] | 'all';
  agentId?: string | undefined;
  teamId?: string | undefined;
  channel?: string | undefined;
  answered?: boolean | undefined;
  minRating?: number | undefined;
  maxRating?: number | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface SurveyListRow extends CsatSurvey {
  subject: string;
  customer_name: string;
  agent_name: string | null;
}

function filtered(db: Executor, filter: SurveyFilter) {
  let query = db.selectFrom('csat_surveys');
  if (filter.teamIds !== 'all') {
    const teams = filter.teamIds;
    query = query.where((eb) => (teams.length > 0 ? eb('csat_surveys.team_id', 'in', [...teams]) : eb.val(false)));
  }
  if (filter.agentId) query = query.where('csat_surveys.agent_id', '=', filter.agentId);
  if (filter.teamId) query = query.where('csat_surveys.team_id', '=', filter.teamId);
  if (filter.channel) query = query.where('csat_surveys.channel', '=', filter.channel);
  if (filter.answered !== undefined) query = query.where('csat_surveys.answered_at', filter.answered ? 'is not' : 'is', null);
  if (filter.minRating !== undefined) query = query.where('csat_surveys.rating', '>=', filter.minRating);
  if (filter.maxRating !== undefined) query = query.where('csat_surveys.rating', '<=', filter.maxRating);
  if (filter.from) query = query.where('csat_surveys.sent_at', '>=', filter.from);
  if (filter.to) query = query.where('csat_surveys.sent_at', '<', filter.to);
  return query;
}

/** Surveys newest first, with the conversation's subject, the customer's and the agent's names. */
export async function listSurveys(db: Executor, filter: SurveyFilter, page: { limit: number; offset: number }): Promise<SurveyListRow[]> {
  return filtered(db, filter)
    .innerJoin('conversations', 'conversations.id', 'csat_surveys.conversation_id')
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .leftJoin('users', 'users.id', 'csat_surveys.agent_id')
    .selectAll('csat_surveys')
    .select(['conversations.subject', 'customers.name as customer_name', 'users.name as agent_name'])
    .orderBy('csat_surveys.sent_at', 'desc')
    .orderBy('csat_surveys.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export interface SurveyTotals {
  sent: number;
  answered: number;
  /** Answers per rating 1..5. */
  distribution: [number, number, number, number, number];
  average: number | null;
}

/** Sent, answered, average and distribution of the surveys the filter selects, in one query. */
export async function summarizeSurveys(db: Executor, filter: SurveyFilter): Promise<SurveyTotals> {
  const row = await filtered(db, filter)
    .select([
      sql<string>`count(*)`.as('sent'),
      sql<string>`count(csat_surveys.answered_at)`.as('answered'),
      sql<string | null>`avg(csat_surveys.rating)`.as('average'),
      sql<string>`count(*) filter (where csat_surveys.rating = 1)`.as('r1'),
      sql<string>`count(*) filter (where csat_surveys.rating = 2)`.as('r2'),
      sql<string>`count(*) filter (where csat_surveys.rating = 3)`.as('r3'),
      sql<string>`count(*) filter (where csat_surveys.rating = 4)`.as('r4'),
      sql<string>`count(*) filter (where csat_surveys.rating = 5)`.as('r5'),
    ])
    .executeTakeFirstOrThrow();
  return {
    sent: Number(row.sent),
    answered: Number(row.answered),
    average: row.average === null ? null : Number(row.average),
    distribution: [Number(row.r1), Number(row.r2), Number(row.r3), Number(row.r4), Number(row.r5)],
  };
}

/** Per agent (or per team) answered counts and averages, for the summary table. */
export async function summarizeSurveysBy(
  db: Executor,
  filter: SurveyFilter,
  by: 'agent' | 'team',
): Promise<{ key: string | null; sent: number; answered: number; average: number | null }[]> {
  const column = by === 'agent' ? 'csat_surveys.agent_id' : 'csat_surveys.team_id';
  const rows = await filtered(db, filter)
    .select([
      sql<string | null>`${sql.ref(column)}`.as('key'),
      sql<string>`count(*)`.as('sent'),
      sql<string>`count(csat_surveys.answered_at)`.as('answered'),
      sql<string | null>`avg(csat_surveys.rating)`.as('average'),
    ])
    .groupBy(column)
    .execute();
  return rows.map((r) => ({
    key: r.key,
    sent: Number(r.sent),
    answered: Number(r.answered),
    average: r.average === null ? null : Number(r.average),
  }));
}
