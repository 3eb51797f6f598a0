import { z } from '@hono/zod-openapi';
import type { CustomerAnalysis } from '@tongli/engine';
import type { CsatSurvey } from '../db/schema.js';
import type { SurveyListRow } from './repository.js';

const CommentAnalysisSchema = z
  .object({
    lang: z.string(),
    emotion: z.string(),
    intensity: z.number(),
    sentiment: z.number(),
    signals: z.array(z.string()).openapi({ description: 'Safety signals found in the comment (abuse, threat…)' }),
  })
  .openapi('CsatCommentAnalysis');

export const CsatSurveySchema = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    channel: z.string(),
    locale: z.string(),
    agentId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
    sentAt: z.string(),
    deliveredAt: z.string().nullable(),
    answeredAt: z.string().nullable(),
    rating: z.number().int().min(1).max(5).nullable(),
    comment: z.string().nullable().openapi({ description: "The customer's own words: untrusted text, show it as text" }),
    commentAnalysis: CommentAnalysisSchema.nullable(),
  })
  .openapi('CsatSurvey');

export const CsatSurveyListItemSchema = CsatSurveySchema.extend({
  subject: z.string(),
  customerName: z.string(),
  agentName: z.string().nullable(),
}).openapi('CsatSurveyListItem');

export type CsatSurveyView = z.infer<typeof CsatSurveySchema>;

function presentAnalysis(value: unknown): z.infer<typeof CommentAnalysisSchema> | null {
  const a = value as Partial<CustomerAnalysis> | null;
  if (!a || typeof a.emotion !== 'string') return null;
  return {
    lang: a.lang ?? 'unknown',
    emotion: a.emotion,
    intensity: a.intensity ?? 0,
    sentiment: a.sentiment ?? 0,
    signals: (a.signals ?? []).map((s) => s.id),
  };
}

/** What staff see of a survey: never the token (only its hash is stored anyway). */
export function presentSurvey(s: CsatSurvey): CsatSurveyView {
  return {
    id: s.id,
    conversationId: s.conversation_id,
    channel: s.channel,
    locale: s.locale,
    agentId: s.agent_id,
    teamId: s.team_id,
    sentAt: s.sent_at.toISOString(),
    deliveredAt: s.delivered_at?.toISOString() ?? null,
    answeredAt: s.answered_at?.toISOString() ?? null,
    rating: s.rating,
    comment: s.comment,
    commentAnalysis: presentAnalysis(s.comment_analysis),
  };
}

export function presentSurveyListItem(s: SurveyListRow): z.infer<typeof CsatSurveyListItemSchema> {
  return { ...presentSurvey(s), subject: s.subject, customerName: s.customer_name, agentName: s.agent_name };
}
