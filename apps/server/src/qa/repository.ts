import { sql, type Selectable } from 'kysely';
import type { EvaluationsTable } from '../db/schema.js';
import type { Executor } from '../repositories/jobs.js';

export type Evaluation = Selectable<EvaluationsTable>;

export interface EvaluationFilter {
  agentId?: string | undefined;
  minScore?: number | undefined;
  maxScore?: number | undefined;
  status?: 'final' | 'disputed' | 'resolved' | undefined;
  kind?: 'auto' | 'review' | undefined;
  conversationId?: string | undefined;
  /** An agent technique id found in one of the conversation's analysed messages. */
  technique?: string | undefined;
  /** The customer's last or peak emotion in the conversation's analysis. */
  emotion?: string | undefined;
  limit: number;
}

/** Evaluations matching the filter, newest first. */
export async function listEvaluations(db: Executor, filter: EvaluationFilter): Promise<Evaluation[]> {
  let query = db.selectFrom('evaluations').selectAll();
  if (filter.agentId) query = query.where('agent_id', '=', filter.agentId);
  if (filter.minScore !== undefined) query = query.where('score', '>=', filter.minScore);
  if (filter.maxScore !== undefined) query = query.where('score', '<=', filter.maxScore);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.conversationId) query = query.where('conversation_id', '=', filter.conversationId);
  if (filter.technique) {
    const needle = JSON.stringify({ agent: { techniques: [{ id: filter.technique }] } });
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('message_analyses')
          .select(sql<number>`1`.as('one'))
          .whereRef('message_analyses.conversation_id', '=', 'evaluations.conversation_id')
          .where(sql<boolean>`message_analyses.result @> ${needle}::jsonb`),
      ),
    );
  }
  if (filter.emotion) {
    const emotion = filter.emotion;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('conversation_analyses')
          .select(sql<number>`1`.as('one'))
          .whereRef('conversation_analyses.conversation_id', '=', 'evaluations.conversation_id')
          .where((eb) =>
            eb.or([eb('conversation_analyses.last_emotion', '=', emotion), eb('conversation_analyses.peak_emotion', '=', emotion)]),
          ),
      ),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id').limit(filter.limit).execute();
}

export async function findEvaluation(db: Executor, id: string): Promise<Evaluation | undefined> {
  return db.selectFrom('evaluations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The conversation's latest automatic evaluation. */
export async function findAutoEvaluation(db: Executor, conversationId: string): Promise<Evaluation | undefined> {
  return db
    .selectFrom('evaluations')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('kind', '=', 'auto')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}
