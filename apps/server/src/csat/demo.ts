import type { Analyzer } from '@tongli/engine';
import { json } from '../db/schema.js';
import type { Executor } from '../repositories/jobs.js';
import { createSecret, hashToken } from '../security/secrets.js';
import comments from './demo-comments.json' with { type: 'json' };

/** Of every ten demo surveys, this many are answered (a realistic response rate). */
const ANSWERED_OF_TEN = 7;

/** A rating 1..5 from the engine's satisfaction estimate (0..1) of the conversation. */
export function ratingFromSatisfaction(score: number | null): number {
  if (score === null || !Number.isFinite(score)) return 3;
  return Math.max(1, Math.min(5, 1 + Math.round(score * 4)));
}

/**
 * The demo's survey results: a survey for each resolved chat, email and API conversation, most of them answered with
 * a rating that follows the engine's satisfaction estimate, some with a comment (analysed like any customer text).
 * Deterministic for a given history. Their tokens are unknown, so the demo's links lead nowhere.
 */
export async function seedCsatDemo(trx: Executor, analyzer: Pick<Analyzer, 'analyzeCustomer'>): Promise<void> {
  const rows = await trx
    .selectFrom('conversations')
    .innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id')
    .leftJoin('conversation_analyses', 'conversation_analyses.conversation_id', 'conversations.id')
    .select([
      'conversations.id',
      'conversations.assignee_id',
      'conversations.team_id',
      'conversations.resolved_at',
      'inboxes.channel',
      'conversation_analyses.satisfaction',
      'conversation_analyses.lang',
    ])
    .where('conversations.status', '=', 'resolved')
    .where('conversations.resolved_at', 'is not', null)
    .where('inboxes.channel', 'in', ['web', 'email', 'api'])
    .orderBy('conversations.resolved_at')
    .orderBy('conversations.id')
    .execute();
  const surveys = rows.map((row, i) => {
    const resolvedAt = row.resolved_at ?? new Date();
    const sentAt = new Date(resolvedAt.getTime() + 60_000);
    const locale = row.lang === 'en' ? 'en' : 'zh';
    const answered = i % 10 < ANSWERED_OF_TEN;
    const rating = answered ? ratingFromSatisfaction(row.satisfaction) : null;
    const band = rating === null ? undefined : rating <= 2 ? 'low' : rating === 3 ? 'neutral' : 'good';
    const pool = band ? comments[locale][band] : [];
    const comment = band && i % 3 === 0 ? (pool[i % pool.length] ?? null) : null;
    return {
      conversation_id: row.id,
      token_hash: hashToken(createSecret()),
      channel: row.channel,
      agent_id: row.assignee_id,
      team_id: row.team_id,
      locale,
      sent_at: sentAt,
      delivered_at: sentAt,
      rating,
      comment,
      comment_analysis: comment ? json(analyzer.analyzeCustomer(comment)) : null,
      answered_at: answered ? new Date(sentAt.getTime() + ((i % 5) + 1) * 1_800_000) : null,
    };
  });
  for (let i = 0; i < surveys.length; i += 200)
    await trx
      .insertInto('csat_surveys')
      .values(surveys.slice(i, i + 200))
      .execute();
}
