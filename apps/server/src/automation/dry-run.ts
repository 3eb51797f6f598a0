import type { AutomationEvent } from '../db/schema.js';
import { evaluateConditions, type ConditionResult, type Facts } from './evaluate.js';
import type { PastConversationRow } from './repository.js';
import type { Conditions } from './rules.js';

export interface DryRunMatch {
  conversationId: string;
  subject: string;
  /** The time the facts were taken at (the last customer message, or the conversation's creation / update). */
  at: string;
  text: string;
  emotion: string | null;
  intensity: number | null;
  results: ConditionResult[];
}

const languageOfLocale = (locale: string | null): string | null => (locale ? (locale.toLowerCase().startsWith('en') ? 'en' : 'zh') : null);

/**
 * The facts a past conversation would have given the event: for `message.analyzed` its last customer message with the
 * stored analysis, for conversation events its subject at creation (or last update). Pure.
 */
export function pastFacts(row: PastConversationRow, event: AutomationEvent): Facts {
  const message = event === 'message.analyzed';
  return {
    at: message && row.message_at ? row.message_at : event === 'conversation.updated' ? row.updated_at : row.created_at,
    channel: row.channel,
    inboxId: row.inbox_id,
    teamId: row.team_id,
    status: row.status,
    priority: row.priority,
    tags: row.tags,
    text: message ? (row.message_body ?? '') : row.subject,
    direction: message && row.message_id ? 'incoming' : null,
    emotion: message ? row.emotion : null,
    intensity: message ? row.intensity : null,
    signals: message ? [...new Set([...(row.signals ?? []), ...(row.risk ?? [])])] : [],
    language: (message && row.lang && row.lang !== 'unknown' ? row.lang : null) ?? languageOfLocale(row.customer_locale),
    attributes: row.attributes,
  };
}

/**
 * Which past conversations a rule would have matched; evaluates only (no action, no firing, no write).
 * @example
 * dryRun(rows, 'message.analyzed', { match: 'all', conditions: [{ type: 'emotion', in: ['anger'] }] }).matches.length;
 */
export function dryRun(
  rows: readonly PastConversationRow[],
  event: AutomationEvent,
  conditions: Conditions,
): { evaluated: number; matches: DryRunMatch[] } {
  const matches: DryRunMatch[] = [];
  let evaluated = 0;
  for (const row of rows) {
    if (event === 'message.analyzed' && !row.message_id) continue;
    evaluated++;
    const facts = pastFacts(row, event);
    const evaluation = evaluateConditions(conditions, facts);
    if (!evaluation.matched) continue;
    matches.push({
      conversationId: row.id,
      subject: row.subject,
      at: facts.at.toISOString(),
      text: facts.text.slice(0, 200),
      emotion: facts.emotion,
      intensity: facts.intensity,
      results: evaluation.results,
    });
  }
  return { evaluated, matches };
}
