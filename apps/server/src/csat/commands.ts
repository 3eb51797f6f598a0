import type { CustomerAnalysis } from '@tongli/engine';
import { sendNoticeEmail } from '../channels/email/outbound.js';
import type { CsatSurvey } from '../db/schema.js';
import type { ConversationHook, Deps } from '../deps.js';
import { notFound } from '../errors.js';
import { enqueueJob, enqueueWebhookEvent } from '../repositories/jobs.js';
import { createSecret, hashToken } from '../security/secrets.js';
import {
  findSurvey,
  findSurveyByConversation,
  insertSurvey,
  markSurveyDelivered,
  recordAnswer,
  rotateSurveyToken,
  SURVEY_VALID_DAYS,
} from './repository.js';
import { fillTemplate, pickSurveyLocale, surveyTexts, widgetSurveyTexts, type WidgetSurveyTexts } from './texts.js';

export const CSAT_SEND_JOB = 'csat_send';

/** Channels a survey goes out in; other inboxes (imports) get none. */
const SURVEY_CHANNELS = new Set(['web', 'email', 'api']);

/** Ratings at or below this raise a `low_csat` alert for supervisors. */
export const LOW_RATING = 2;

/** Longest comment kept (the form and the widget stop there too). */
export const MAX_COMMENT_CHARS = 2000;

/** Bus event to the widget hub: show the inline survey to the visitor's open sockets. */
export const CSAT_REQUESTED = 'csat.requested';
/** Bus event after an answer: agents' views refresh, the visitor's other tabs close the survey. */
export const CSAT_ANSWERED = 'csat.answered';

export interface CsatRequestedData {
  surveyId: string;
  conversationId: string;
  texts: WidgetSurveyTexts;
}

export interface CsatAnsweredData {
  surveyId: string;
  conversationId: string;
  rating: number | null;
  locale: string;
  emotion: string | null;
}

/** Where the survey pages live: the configured public URL, else this server's own address. */
export function surveyBaseUrl(deps: Pick<Deps, 'config'>): string {
  const { publicUrl, host, port } = deps.config;
  return (publicUrl ?? `http://${host}:${port}`).replace(/\/+$/, '');
}

/**
 * Creates the conversation's survey when it is resolved, and queues its delivery in the same transaction. One survey
 * per conversation: resolving it again after a reopen sends nothing new (an unanswered survey stays answerable until
 * it expires), so a customer who comes back is never asked twice. Imported history never gets here.
 */
export const createSurveyOnResolve: ConversationHook = async (trx, change) => {
  if (!change.changes.includes('status:resolved')) return;
  const conversation = change.after;
  const inbox = await trx.selectFrom('inboxes').select('channel').where('id', '=', conversation.inbox_id).executeTakeFirst();
  if (!inbox || !SURVEY_CHANNELS.has(inbox.channel)) return;
  const customer = await trx.selectFrom('customers').select('locale').where('id', '=', conversation.customer_id).executeTakeFirst();
  const last = await trx
    .selectFrom('messages')
    .select('body')
    .where('conversation_id', '=', conversation.id)
    .where('type', '=', 'incoming')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  // A placeholder nobody knows: the token that goes out is made (and its hash stored) when the survey is delivered,
  // so it never sits in the job queue.
  const survey = await insertSurvey(trx, {
    conversationId: conversation.id,
    tokenHash: hashToken(createSecret()),
    channel: inbox.channel,
    agentId: conversation.assignee_id,
    teamId: conversation.team_id,
    locale: pickSurveyLocale(customer?.locale ?? null, last?.body),
  });
  if (survey) await enqueueJob(trx, CSAT_SEND_JOB, { surveyId: survey.id });
};

/** The email's text: the survey link, and one link per rating that opens the page with it preselected. */
export function surveyEmailText(locale: string, link: string, context: { name: string; subject: string; team: string }): string {
  const t = surveyTexts(locale);
  const ratingLinks = [5, 4, 3, 2, 1].map((rating) => `${rating} - ${t.ratings[rating - 1] ?? ''}: ${link}?rating=${rating}`).join('\n');
  return fillTemplate(t.emailBody, {
    name: context.name ? (locale === 'en' ? ` ${context.name}` : context.name) : '',
    subject: context.subject || '—',
    link,
    ratingLinks,
    team: context.team,
  });
}

/**
 * The `csat_send` job: delivers a survey in its conversation's channel. Widget: an inline survey pushed to the
 * visitor's open sockets (an offline visitor gets it on reconnect). Email: a link to the survey page, with a new
 * token whose hash replaces the placeholder. API: a `csat.requested` webhook event with the link. Idempotent: a
 * delivered or answered survey is left alone.
 */
export async function sendSurvey(deps: Deps, surveyId: string): Promise<void> {
  const db = deps.db.kysely;
  const survey = await findSurvey(db, surveyId);
  if (!survey || survey.delivered_at || survey.answered_at) return;
  const conversation = await db
    .selectFrom('conversations')
    .select(['id', 'status', 'team_id', 'assignee_id', 'inbox_id', 'subject'])
    .where('id', '=', survey.conversation_id)
    .executeTakeFirst();
  if (!conversation) return;
  if (survey.channel === 'web') {
    // A conversation reopened meanwhile is a live chat again: the survey waits for the visitor's next visit.
    if (conversation.status === 'resolved') {
      const data: CsatRequestedData = { surveyId: survey.id, conversationId: conversation.id, texts: widgetSurveyTexts(survey.locale) };
      deps.bus.publish({
        type: CSAT_REQUESTED,
        conversationId: conversation.id,
        teamId: conversation.team_id,
        assigneeId: conversation.assignee_id,
        inboxId: conversation.inbox_id,
        data,
      });
    }
    await markSurveyDelivered(db, survey.id);
    return;
  }
  const token = createSecret('cs_');
  const link = `${surveyBaseUrl(deps)}/survey/${token}`;
  if (survey.channel === 'api') {
    await db.transaction().execute(async (trx) => {
      if (!(await rotateSurveyToken(trx, survey.id, hashToken(token)))) return;
      await enqueueWebhookEvent(trx, CSAT_REQUESTED, {
        survey_id: survey.id,
        conversation_id: conversation.id,
        url: link,
        locale: survey.locale,
        text: fillTemplate(surveyTexts(survey.locale).webhookText, { link }),
        expires_at: new Date(survey.sent_at.getTime() + SURVEY_VALID_DAYS * 86_400_000).toISOString(),
      });
      await markSurveyDelivered(trx, survey.id);
    });
    deps.wakeJobs();
    return;
  }
  if (survey.channel !== 'email') return;
  // The new token's hash is committed before the email leaves: a link that arrives always works. A crash after the
  // send but before `delivered_at` sends once more with a fresh link (the older one then reads as unknown).
  if (!(await rotateSurveyToken(db, survey.id, hashToken(token)))) return;
  const inbox = await db.selectFrom('inboxes').select('name').where('id', '=', conversation.inbox_id).executeTakeFirst();
  const customer = await db
    .selectFrom('customers')
    .innerJoin('conversations', 'conversations.customer_id', 'customers.id')
    .select('customers.name')
    .where('conversations.id', '=', conversation.id)
    .executeTakeFirst();
  const t = surveyTexts(survey.locale);
  const sentTo = await sendNoticeEmail(deps, conversation.id, {
    subject: conversation.subject ? `${t.emailSubject} · ${conversation.subject}` : t.emailSubject,
    text: surveyEmailText(survey.locale, link, { name: customer?.name ?? '', subject: conversation.subject, team: inbox?.name ?? '' }),
  });
  if (!sentTo && deps.config.logLevel !== 'silent') {
    console.warn(`tongli: survey ${survey.id} not emailed: the customer has no email address`);
  }
  await markSurveyDelivered(db, survey.id);
}

export interface SurveyAnswerInput {
  rating: number;
  comment?: string | undefined;
}

export type SurveyAnswerResult = { status: 'recorded'; survey: CsatSurvey } | { status: 'already_answered'; survey: CsatSurvey };

/** A `low_csat` alert, shaped like the analysis alerts (no message: the survey is not one). */
export interface LowCsatAlert {
  kind: 'low_csat';
  severity: 'warning';
  conversationId: string;
  surveyId: string;
  rating: number;
}

/**
 * Records a survey answer once. The comment is analysed like a customer message (emotion, signals), stored with the
 * survey rather than as a message (an incoming message would reopen the resolved conversation). Publishes
 * `csat.answered` (bus and webhook); a rating of `LOW_RATING` or less also raises a `low_csat` alert. A second answer
 * (also a concurrent one) changes nothing and reports `already_answered` with the first.
 */
export async function answerSurvey(deps: Deps, survey: CsatSurvey, input: SurveyAnswerInput): Promise<SurveyAnswerResult> {
  if (survey.answered_at) return { status: 'already_answered', survey };
  const trimmed = input.comment?.trim().slice(0, MAX_COMMENT_CHARS) ?? '';
  const comment = trimmed === '' ? null : deps.config.redactAtRest ? deps.redact(trimmed) : trimmed;
  const analysis: CustomerAnalysis | null = comment ? deps.engine.analyzer.analyzeCustomer(comment) : null;
  const alert: LowCsatAlert | undefined =
    input.rating <= LOW_RATING
      ? { kind: 'low_csat', severity: 'warning', conversationId: survey.conversation_id, surveyId: survey.id, rating: input.rating }
      : undefined;
  const answered = await deps.db.kysely.transaction().execute(async (trx) => {
    const row = await recordAnswer(trx, survey.id, { rating: input.rating, comment, analysis });
    if (!row) return undefined;
    await enqueueWebhookEvent(trx, CSAT_ANSWERED, {
      survey_id: row.id,
      conversation_id: row.conversation_id,
      rating: row.rating,
      comment: row.comment,
      emotion: analysis?.emotion ?? null,
    });
    if (alert) await enqueueWebhookEvent(trx, 'alert.raised', alert);
    return row;
  });
  if (!answered) {
    const first = await findSurvey(deps.db.kysely, survey.id);
    if (!first) throw notFound('survey');
    return { status: 'already_answered', survey: first };
  }
  const conversation = await deps.db.kysely
    .selectFrom('conversations')
    .select(['team_id', 'assignee_id', 'inbox_id'])
    .where('id', '=', answered.conversation_id)
    .executeTakeFirst();
  const scope = {
    conversationId: answered.conversation_id,
    teamId: conversation?.team_id ?? answered.team_id,
    assigneeId: conversation?.assignee_id ?? answered.agent_id,
    ...(conversation ? { inboxId: conversation.inbox_id } : {}),
  };
  const data: CsatAnsweredData = {
    surveyId: answered.id,
    conversationId: answered.conversation_id,
    rating: answered.rating,
    locale: answered.locale,
    emotion: analysis?.emotion ?? null,
  };
  deps.bus.publish({ type: CSAT_ANSWERED, ...scope, data });
  if (alert) deps.bus.publish({ type: 'alert.raised', ...scope, data: alert });
  deps.wakeJobs();
  return { status: 'recorded', survey: answered };
}

/**
 * An answer from the widget: the visitor (already authenticated by their token on the socket) may answer only the
 * surveys of their own conversations in this inbox.
 */
export async function answerWidgetSurvey(
  deps: Deps,
  visitor: { customerId: string; inboxId: string },
  conversationId: string,
  input: SurveyAnswerInput,
): Promise<SurveyAnswerResult> {
  const db = deps.db.kysely;
  const conversation = await db
    .selectFrom('conversations')
    .select(['customer_id', 'inbox_id'])
    .where('id', '=', conversationId)
    .executeTakeFirst();
  const survey = conversation ? await findSurveyByConversation(db, conversationId) : undefined;
  const expired = survey !== undefined && Date.now() - survey.sent_at.getTime() > SURVEY_VALID_DAYS * 86_400_000;
  if (
    !conversation ||
    !survey ||
    expired ||
    survey.channel !== 'web' ||
    conversation.customer_id !== visitor.customerId ||
    conversation.inbox_id !== visitor.inboxId
  ) {
    throw notFound('survey');
  }
  return answerSurvey(deps, survey, input);
}
