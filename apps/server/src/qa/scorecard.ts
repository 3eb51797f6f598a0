import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { createAnalyzer, type ScorecardDefinition } from '@tongli/engine';
import type { Deps } from '../deps.js';
import { json as jsonb } from '../db/schema.js';
import type { EngineService } from '../engine/engine-service.js';
import { badRequest } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import { ErrorSchema } from '../http/schemas.js';
import { authorize, type Principal } from '../policies/policies.js';
import { writeAudit } from '../repositories/audit.js';
import { enqueueJob, type Executor } from '../repositories/jobs.js';
import { clientIp } from '../http/client-ip.js';

export const SCORECARD_UPDATED = 'scorecard.updated';

const errors = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed', content: { 'application/json': { schema: ErrorSchema } } },
};

const Text = z.object({ zh: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) });

/** The shape `createAnalyzer({ scorecard })` accepts (packages/engine/src/qa/scorecard.ts `ScorecardDefinition`). */
export const ScorecardContentSchema = z
  .object({
    id: z.string().trim().min(1).max(100),
    name: Text,
    about: z.string().max(5000).optional(),
    criteria: z
      .array(
        z.object({
          id: z.string().trim().min(1).max(100),
          name: Text,
          weight: z.number().min(0).max(1000),
          applicable: z.enum(['always', 'agent_spoke', 'customer_upset']),
          base: z.number().min(0).max(1),
          rules: z
            .array(
              z.object({
                any: z.array(z.string().min(1).max(100)).min(1).max(50),
                effect: z.number().min(-1).max(1),
                reason: Text,
              }),
            )
            .max(50),
        }),
      )
      .min(1)
      .max(50),
  })
  .openapi('ScorecardContent');

const ScorecardSchema = z
  .object({
    version: z.number().openapi({ description: '0 when the organisation has not saved one (the engine default)' }),
    content: ScorecardContentSchema,
    updatedBy: z.uuid().nullable(),
    createdAt: z.string().nullable(),
  })
  .openapi('Scorecard');

interface ScorecardRow {
  version: number;
  content: unknown;
  updated_by: string | null;
  created_at: Date;
}

const latestScorecard = (db: Executor): Promise<ScorecardRow | undefined> =>
  db.selectFrom('scorecards').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();

const latestVersion = async (db: Executor): Promise<number> =>
  (await db.selectFrom('scorecards').select('version').orderBy('version', 'desc').limit(1).executeTakeFirst())?.version ?? 0;

/** Per engine (one per process): the scorecard version it runs, and the sync in progress (one at a time). */
const loaded = new WeakMap<EngineService, { version: number; queue: Promise<unknown> }>();

const stateOf = (engine: EngineService) => {
  let state = loaded.get(engine);
  if (!state) loaded.set(engine, (state = { version: 0, queue: Promise.resolve() }));
  return state;
};

/**
 * Rebuilds this process's analyser when the database holds a newer scorecard than it runs (saved here or by another
 * process). Resolves true when it rebuilt. A stored scorecard the engine rejects is logged and skipped.
 */
export function syncScorecard(deps: Deps): Promise<boolean> {
  const state = stateOf(deps.engine);
  const run = state.queue.then(async () => {
    if ((await latestVersion(deps.db.kysely)) <= state.version) return false;
    const latest = await latestScorecard(deps.db.kysely);
    if (!latest || latest.version <= state.version) return false;
    state.version = latest.version;
    deps.engine.applyScorecard(latest.content as ScorecardDefinition);
    return true;
  });
  state.queue = run.catch((error: unknown) => console.error('tongli: applying the stored scorecard failed', error));
  return run;
}

/** Throws `scorecard_invalid` (400) with the engine's message when it would reject the scorecard. */
function validate(content: ScorecardDefinition): void {
  const ids = new Set<string>();
  for (const c of content.criteria) {
    if (ids.has(c.id)) throw badRequest('scorecard_invalid', `criterion id ${c.id} appears twice`);
    ids.add(c.id);
  }
  if (content.criteria.every((c) => c.weight === 0)) throw badRequest('scorecard_invalid', 'the total weight must be above 0');
  try {
    createAnalyzer({ scorecard: content });
  } catch (error) {
    throw badRequest('scorecard_invalid', (error as Error).message.replace(/^tongli: /, ''));
  }
}

/** Saves a new version, applies it to this process's engine before answering, tells other processes, queues a backfill. */
export async function saveScorecard(
  deps: Deps,
  principal: Principal,
  content: ScorecardDefinition,
  ip: string | undefined,
): Promise<ScorecardRow> {
  validate(content);
  const row = await deps.db.kysely.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('scorecards')
      .values({ content: jsonb(content), updated_by: principal.kind === 'user' ? principal.id : null })
      .returningAll()
      .executeTakeFirstOrThrow();
    await enqueueJob(trx, 'backfill', {});
    await writeAudit(trx, principal, 'scorecard.updated', {
      type: 'scorecard',
      id: String(inserted.version),
      details: { id: content.id, criteria: content.criteria.length },
      ip,
    });
    return inserted;
  });
  await syncScorecard(deps);
  deps.bus.publish({ type: SCORECARD_UPDATED, data: { version: row.version } });
  deps.wakeJobs();
  return row;
}

const present = (row: ScorecardRow) => ({
  version: row.version,
  content: row.content as z.infer<typeof ScorecardContentSchema>,
  updatedBy: row.updated_by,
  createdAt: row.created_at.toISOString(),
});

/** The QA scorecard: read by every signed-in user, edited by QA, supervisors and admins; saving applies it at once. */
export function scorecardRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/scorecard',
      tags: ['qa'],
      summary: 'The current QA scorecard (version 0: the engine default)',
      responses: {
        200: { description: 'Current scorecard', content: { 'application/json': { schema: ScorecardSchema } } },
        ...errors,
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const latest = await latestScorecard(deps.db.kysely);
      if (latest) return c.json(present(latest), 200);
      const content = structuredClone(deps.engine.analyzer.scorecard) as z.infer<typeof ScorecardContentSchema>;
      return c.json({ version: 0, content, updatedBy: null, createdAt: null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/scorecard',
      tags: ['qa'],
      summary: 'Save a new version; evaluations use it at once (no restart) and older analyses are redone in the background',
      request: { body: { content: { 'application/json': { schema: ScorecardContentSchema } }, required: true } },
      responses: { 200: { description: 'Saved', content: { 'application/json': { schema: ScorecardSchema } } }, ...errors },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'scorecard.edit');
      const content = c.req.valid('json') as ScorecardDefinition;
      const row = await saveScorecard(c.get('deps'), principal, content, clientIp(c));
      return c.json(present(row), 200);
    },
  );

  return app;
}
