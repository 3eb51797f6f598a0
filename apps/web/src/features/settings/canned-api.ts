import type { Analyzer } from '@tongli/engine';
import { api } from '../../api/instance.js';
import type { CannedReply } from '../../api/types.js';

/** What the engine finds in a template's text (the server sends the same shape in the list). */
export interface TemplateAnalysis {
  /** True when a harmful technique (e.g. `non_apology`) is in the text. */
  flagged: boolean;
  harmful: string[];
  techniques: { id: string; polarity: 'good' | 'harmful' | 'neutral'; start: number; end: number; text: string }[];
}

/** A canned reply as the editor lists it: with its usage statistics and the server's analysis. */
export interface CannedReplyDetail extends CannedReply {
  createdAt: string;
  updatedAt: string;
  usage: { count: number; lastUsedAt: string | null };
  analysis: TemplateAnalysis;
}

export interface CannedReplyInput {
  shortCode: string;
  title: string;
  body: string;
  locale: string;
}

/** The variables a template may use (the server rejects others). */
export const CANNED_VARIABLES = [
  'customer.name',
  'customer.email',
  'customer.phone',
  'agent.name',
  'agent.email',
  'conversation.id',
  'conversation.subject',
  'inbox.name',
] as const;

const VARIABLE = /\{\{\s*([a-z_]+(?:\.[a-z_]+)*)\s*\}\}/g;

/**
 * The `{{variables}}` of a template that the server would refuse.
 * @example
 * unknownVariables('{{customer.name}} {{order.id}}'); // ['order.id']
 */
export function unknownVariables(body: string): string[] {
  const names = new Set([...body.matchAll(VARIABLE)].map((m) => m[1] ?? ''));
  return [...names].filter((name) => !(CANNED_VARIABLES as readonly string[]).includes(name));
}

/**
 * Analyses a template in the browser as the server does: the engine's techniques in the text, minus findings inside
 * `{{variables}}` (placeholders, not unfilled text); flagged when a harmful technique remains.
 * @example
 * analyzeTemplate(engine.analyzer, '给您带来的不便我深表歉意').harmful; // ['non_apology']
 */
export function analyzeTemplate(analyzer: Pick<Analyzer, 'analyzeAgent'>, body: string): TemplateAnalysis {
  const variables = [...body.matchAll(VARIABLE)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const techniques = analyzer
    .analyzeAgent(body)
    .techniques.filter((t) => !variables.some((v) => t.span.start >= v.start && t.span.end <= v.end))
    .map((t) => ({ id: t.id, polarity: t.polarity, start: t.span.start, end: t.span.end, text: t.text }));
  const harmful = [...new Set(techniques.filter((t) => t.polarity === 'harmful').map((t) => t.id))];
  return { flagged: harmful.length > 0, harmful, techniques };
}

export async function listCannedReplies(): Promise<CannedReplyDetail[]> {
  return (await api.request<{ items: CannedReplyDetail[] }>('GET', '/api/canned-replies?limit=200')).items;
}

export const createCannedReply = (input: CannedReplyInput): Promise<CannedReplyDetail> =>
  api.request<CannedReplyDetail>('POST', '/api/canned-replies', input);

export const updateCannedReply = (id: string, input: CannedReplyInput): Promise<CannedReplyDetail> =>
  api.request<CannedReplyDetail>('PATCH', `/api/canned-replies/${encodeURIComponent(id)}`, input);

export const deleteCannedReply = (id: string): Promise<void> =>
  api.request<void>('DELETE', `/api/canned-replies/${encodeURIComponent(id)}`);

/** Tells the server a canned reply went out in a reply on the conversation (its usage statistics). */
export const recordCannedUse = (id: string, conversationId: string): Promise<void> =>
  api.request<void>('POST', `/api/canned-replies/${encodeURIComponent(id)}/uses`, { conversationId });
