import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ScorePoint } from '@tongli/engine';
import { sql } from 'kysely';
import { loadVisibleConversation } from '../commands/conversations.js';
import { json as jsonb } from '../db/schema.js';
import { AppError, badRequest, forbidden, notFound } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import { ErrorSchema, IdParamSchema } from '../http/schemas.js';
import { authorize, can, type Principal } from '../policies/policies.js';
import { writeAudit } from '../repositories/audit.js';
import { findAutoEvaluation, findEvaluation, listEvaluations, type Evaluation } from './repository.js';
import { applyOverrides, calibrate } from './scoring.js';

const errors = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
  409: { description: 'Conflict with the current state', content: { 'application/json': { schema: ErrorSchema } } },
};

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const EvaluationSchema = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    agentId: z.uuid().nullable(),
    kind: z.enum(['auto', 'review']),
    reviewerId: z.uuid().nullable(),
    scorecard: z.string(),
    score: z.number(),
    status: z.enum(['final', 'disputed', 'resolved']),
    basedOn: z.uuid().nullable(),
    dispute: z.unknown().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Evaluation');

const EvaluationDetailSchema = EvaluationSchema.extend({
  points: z.array(z.unknown()).openapi({ description: 'Scorecard points with their evidence (and overrides for reviews)' }),
  comment: z.string().nullable(),
}).openapi('EvaluationDetail');

const ReviewSchema = z
  .object({
    evaluationId: z.uuid().optional().openapi({ description: 'The evaluation reviewed; the latest auto evaluation by default' }),
    points: z
      .array(
        z.object({
          criterion: z.string().min(1).max(100),
          score: z.number().min(0).max(1),
          reason: z.string().trim().min(1).max(2000),
          applicable: z.boolean().optional(),
        }),
      )
      .max(50),
    comment: z.string().max(5000).optional(),
  })
  .openapi('Review');

interface StoredResult {
  scorecard?: { id?: string; total?: number; points?: ScorePoint[] };
  basedOn?: string;
  comment?: string;
}

const pointsOf = (e: Evaluation): ScorePoint[] => (e.result as StoredResult | null)?.scorecard?.points ?? [];

function presentEvaluation(e: Evaluation) {
  const result = e.result as StoredResult | null;
  return {
    id: e.id,
    conversationId: e.conversation_id,
    agentId: e.agent_id,
    kind: e.kind,
    reviewerId: e.reviewer_id,
    scorecard: e.scorecard,
    score: e.score,
    status: e.status,
    basedOn: result?.basedOn ?? null,
    dispute: e.dispute ?? null,
    createdAt: e.created_at.toISOString(),
    updatedAt: e.updated_at.toISOString(),
  };
}

const presentDetail = (e: Evaluation) => ({
  ...presentEvaluation(e),
  points: pointsOf(e),
  comment: (e.result as StoredResult | null)?.comment ?? null,
});

/** Reviewers see every evaluation; everyone else only their own (hidden ones are not confirmed to exist). */
async function loadEvaluation(db: Parameters<typeof findEvaluation>[0], principal: Principal, id: string): Promise<Evaluation> {
  const evaluation = await findEvaluation(db, id);
  if (!evaluation || (!can(principal, 'evaluation.review') && evaluation.agent_id !== principal.id)) throw notFound('evaluation');
  return evaluation;
}

/** QA evaluations: listing, detail with evidence, human review with overrides, disputes and calibration. */
export function qaRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/evaluations',
      tags: ['qa'],
      summary: 'Evaluations, newest first (agents see only their own)',
      request: {
        query: z.object({
          agentId: z.uuid().optional(),
          minScore: z.coerce.number().min(0).max(100).optional(),
          maxScore: z.coerce.number().min(0).max(100).optional(),
          status: z.enum(['final', 'disputed', 'resolved']).optional(),
          kind: z.enum(['auto', 'review']).optional(),
          technique: z
            .string()
            .regex(/^[a-z0-9_:-]{1,60}$/)
            .optional()
            .openapi({ description: 'An agent technique id used in the conversation (e.g. acknowledge_emotion)' }),
          emotion: z
            .string()
            .regex(/^[a-z_]{1,30}$/)
            .optional()
            .openapi({ description: "The customer's last or peak emotion in the conversation (e.g. anger)" }),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
      responses: { 200: json(z.object({ items: z.array(EvaluationSchema) }), 'Evaluations'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      const q = c.req.valid('query');
      const agentId = can(principal, 'evaluation.review') ? q.agentId : principal.id;
      const rows = await listEvaluations(db.kysely, { ...q, agentId });
      return c.json({ items: rows.map(presentEvaluation) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/evaluations/{id}',
      tags: ['qa'],
      summary: 'An evaluation with its scorecard points and the evidence behind each',
      request: { params: IdParamSchema },
      responses: { 200: json(EvaluationDetailSchema, 'The evaluation'), ...errors },
    }),
    async (c) => {
      const evaluation = await loadEvaluation(c.get('deps').db.kysely, c.get('principal'), c.req.valid('param').id);
      return c.json(presentDetail(evaluation), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/conversations/{id}/reviews',
      tags: ['qa'],
      summary: 'Human review: override scorecard points with reasons; the score is recomputed with the scorecard weights',
      request: { params: IdParamSchema, body: { content: { 'application/json': { schema: ReviewSchema } }, required: true } },
      responses: { 201: json(EvaluationDetailSchema, 'The review'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      authorize(principal, 'evaluation.review');
      const conversation = await loadVisibleConversation(db.kysely, principal, c.req.valid('param').id);
      const body = c.req.valid('json');
      const base = body.evaluationId
        ? await findEvaluation(db.kysely, body.evaluationId)
        : await findAutoEvaluation(db.kysely, conversation.id);
      if (!base || base.conversation_id !== conversation.id) {
        throw new AppError(
          'no_evaluation',
          409,
          'this conversation has no automatic evaluation to review yet (it is scored when resolved)',
        );
      }
      const reviewed = applyOverrides(pointsOf(base), body.points);
      if (reviewed.unknown.length > 0)
        throw badRequest('unknown_criterion', `the scorecard has no criterion ${reviewed.unknown.join(', ')}`);
      const row = await db.kysely.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('evaluations')
          .values({
            conversation_id: conversation.id,
            agent_id: base.agent_id,
            kind: 'review',
            reviewer_id: principal.kind === 'user' ? principal.id : null,
            scorecard: base.scorecard,
            score: reviewed.total,
            result: jsonb({
              basedOn: base.id,
              scorecard: { id: base.scorecard, total: reviewed.total, points: reviewed.points },
              comment: body.comment ?? null,
            }),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await writeAudit(trx, principal, 'evaluation.review', {
          type: 'evaluation',
          id: inserted.id,
          details: { basedOn: base.id, overridden: body.points.map((p) => p.criterion), score: reviewed.total },
        });
        return inserted;
      });
      return c.json(presentDetail(row), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/evaluations/{id}/dispute',
      tags: ['qa'],
      summary: 'The evaluated agent disputes an evaluation',
      request: {
        params: IdParamSchema,
        body: { content: { 'application/json': { schema: z.object({ reason: z.string().trim().min(1).max(5000) }) } }, required: true },
      },
      responses: { 200: json(EvaluationSchema, 'Disputed'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      const evaluation = await findEvaluation(db.kysely, c.req.valid('param').id);
      if (!evaluation) throw notFound('evaluation');
      if (principal.kind !== 'user' || evaluation.agent_id !== principal.id) throw forbidden('only the evaluated agent may dispute it');
      if (evaluation.status !== 'final') throw new AppError('not_disputable', 409, `this evaluation is already ${evaluation.status}`);
      const { reason } = c.req.valid('json');
      const row = await db.kysely.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('evaluations')
          .set({ status: 'disputed', dispute: jsonb({ reason, by: principal.id, at: new Date().toISOString() }), updated_at: sql`now()` })
          .where('id', '=', evaluation.id)
          .where('status', '=', 'final')
          .returningAll()
          .executeTakeFirst();
        if (!updated) throw new AppError('not_disputable', 409, 'this evaluation changed meanwhile');
        await writeAudit(trx, principal, 'evaluation.dispute', { type: 'evaluation', id: evaluation.id });
        return updated;
      });
      return c.json(presentEvaluation(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/evaluations/{id}/resolve',
      tags: ['qa'],
      summary: 'QA or a supervisor decides a dispute',
      request: {
        params: IdParamSchema,
        body: {
          content: {
            'application/json': {
              schema: z.object({ decision: z.enum(['upheld', 'overturned']), note: z.string().trim().min(1).max(5000) }),
            },
          },
          required: true,
        },
      },
      responses: { 200: json(EvaluationSchema, 'Resolved'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      authorize(principal, 'evaluation.review');
      const evaluation = await findEvaluation(db.kysely, c.req.valid('param').id);
      if (!evaluation) throw notFound('evaluation');
      if (evaluation.status !== 'disputed') throw new AppError('not_disputed', 409, 'only a disputed evaluation can be resolved');
      const { decision, note } = c.req.valid('json');
      const row = await db.kysely.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('evaluations')
          .set({
            status: 'resolved',
            dispute: jsonb({
              ...(evaluation.dispute as Record<string, unknown> | null),
              resolution: { decision, note, by: principal.id, at: new Date().toISOString() },
            }),
            updated_at: sql`now()`,
          })
          .where('id', '=', evaluation.id)
          .where('status', '=', 'disputed')
          .returningAll()
          .executeTakeFirst();
        if (!updated) throw new AppError('not_disputed', 409, 'this evaluation changed meanwhile');
        await writeAudit(trx, principal, 'evaluation.resolve', { type: 'evaluation', id: evaluation.id, details: { decision } });
        return updated;
      });
      return c.json(presentEvaluation(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/qa/calibration',
      tags: ['qa'],
      summary: 'All reviews of a conversation and how far the reviewers are apart on each criterion',
      request: { query: z.object({ conversationId: z.uuid() }) },
      responses: {
        200: json(
          z.object({
            conversationId: z.uuid(),
            auto: EvaluationSchema.nullable(),
            reviews: z.array(EvaluationSchema),
            criteria: z.array(z.unknown()),
            totals: z.object({ min: z.number().nullable(), max: z.number().nullable(), spread: z.number() }),
          }),
          'Calibration',
        ),
        ...errors,
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      authorize(principal, 'evaluation.review');
      const conversation = await loadVisibleConversation(db.kysely, principal, c.req.valid('query').conversationId);
      const auto = await findAutoEvaluation(db.kysely, conversation.id);
      const reviews = (await listEvaluations(db.kysely, { conversationId: conversation.id, kind: 'review', limit: 500 })).reverse();
      const scores = reviews.map((r) => r.score);
      const min = scores.length ? Math.min(...scores) : null;
      const max = scores.length ? Math.max(...scores) : null;
      return c.json(
        {
          conversationId: conversation.id,
          auto: auto ? presentEvaluation(auto) : null,
          reviews: reviews.map(presentEvaluation),
          criteria: calibrate(
            auto ? { points: pointsOf(auto) } : undefined,
            reviews.map((r) => ({ id: r.id, reviewerId: r.reviewer_id, points: pointsOf(r) })),
          ),
          totals: { min, max, spread: min === null || max === null ? 0 : max - min },
        },
        200,
      );
    },
  );

  return app;
}
