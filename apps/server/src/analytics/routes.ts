import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { badRequest } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import { ErrorSchema } from '../http/schemas.js';
import { authorize } from '../policies/policies.js';
import { computeOverview, CSAT_SOURCE, CSV_CHARTS, toCsv } from './overview.js';
import type { AnalyticsScope } from './repository.js';

/** The longest period one request may cover. */
export const MAX_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;

const errors = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed', content: { 'application/json': { schema: ErrorSchema } } },
};

const ScopeQuerySchema = z.object({
  from: z.iso.date().openapi({ description: 'First day of the period (UTC, inclusive), YYYY-MM-DD', example: '2025-03-01' }),
  to: z.iso
    .date()
    .openapi({ description: `Last day of the period (UTC, inclusive); at most ${MAX_PERIOD_DAYS} days in all`, example: '2025-03-14' }),
  teamId: z.uuid().optional().openapi({ description: 'Only conversations of this team' }),
  channel: z.enum(['web', 'email', 'api', 'import']).optional().openapi({ description: 'Only conversations of inboxes on this channel' }),
  bucket: z.enum(['day', 'week']).default('day').openapi({ description: 'Time series granularity (weeks start on Monday)' }),
});

const FiguresSchema = z.object({
  conversations: z.number(),
  csat: z.number().nullable().openapi({ description: 'Share of analysed conversations the engine ESTIMATES satisfied (0..1); no survey' }),
  satisfactionMean: z.number().nullable().openapi({ description: "Mean of the engine's satisfaction score (estimate)" }),
  resolved: z.number(),
  fcr: z.number().nullable().openapi({ description: 'Share of resolved conversations without another from the customer within 7 days' }),
  medianFirstResponseSeconds: z.number().nullable(),
  medianHandleSeconds: z.number().nullable().openapi({ description: 'Median of resolved_at − created_at over resolved conversations' }),
  empathy: z.number().nullable().openapi({ description: 'Mean empathy score, −100..100' }),
});

const DriverSchema = z.object({ key: z.string(), count: z.number(), name: z.object({ zh: z.string(), en: z.string() }).optional() });

const OverviewSchema = z
  .object({
    period: z.object({ from: z.string(), to: z.string(), bucket: z.enum(['day', 'week']) }),
    csatSource: z.literal(CSAT_SOURCE).openapi({ description: "CSAT is the engine's estimate until surveys exist" }),
    totals: FiguresSchema,
    series: z.array(FiguresSchema.extend({ bucket: z.string() })),
    scatter: z.object({
      points: z.array(z.object({ conversationId: z.uuid(), empathy: z.number(), satisfaction: z.number() })),
      n: z.number(),
      trend: z
        .object({ slope: z.number(), intercept: z.number(), r: z.number().nullable() })
        .nullable()
        .openapi({ description: 'Least-squares fit of satisfaction on empathy over every analysed conversation' }),
    }),
    techniques: z.object({
      catalogue: z.array(
        z.object({ id: z.string(), polarity: z.enum(['good', 'harmful', 'neutral']), name: z.object({ zh: z.string(), en: z.string() }) }),
      ),
      agents: z.array(z.object({ agentId: z.uuid(), name: z.string(), total: z.number(), counts: z.record(z.string(), z.number()) })),
    }),
    turnaround: z.array(z.object({ from: z.number(), to: z.number(), count: z.number() })),
    angerDrivers: z.object({
      conversations: z.number(),
      tags: z.array(DriverSchema),
      terms: z.array(DriverSchema),
      risks: z.array(DriverSchema),
    }),
  })
  .openapi('AnalyticsOverview');

/** The scope of a validated query: [from 00:00, to + 1 day) in UTC, at most `MAX_PERIOD_DAYS` days. */
export function parseScope(query: z.infer<typeof ScopeQuerySchema>): AnalyticsScope {
  const from = new Date(`${query.from}T00:00:00Z`);
  const to = new Date(new Date(`${query.to}T00:00:00Z`).getTime() + DAY_MS);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw badRequest('invalid_period', 'from and to must be dates');
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  if (days < 1) throw badRequest('invalid_period', 'to must not be before from');
  if (days > MAX_PERIOD_DAYS) throw badRequest('period_too_long', `the period may cover at most ${MAX_PERIOD_DAYS} days`);
  return { from, to, teamId: query.teamId, channel: query.channel, bucket: query.bucket };
}

/** Analytics for supervisors, QA and admins: the dashboard's figures and each chart's data as CSV. */
export function analyticsRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/analytics/overview',
      tags: ['analytics'],
      summary:
        'Dashboard figures for a period: conversations, CSAT (engine estimate), FCR, median first response and handle time, empathy per bucket; empathy vs satisfaction with trend; technique usage per agent; emotion turnaround; top anger drivers',
      request: { query: ScopeQuerySchema },
      responses: { 200: { description: 'The figures', content: { 'application/json': { schema: OverviewSchema } } }, ...errors },
    }),
    async (c) => {
      authorize(c.get('principal'), 'analytics.read');
      const scope = parseScope(c.req.valid('query'));
      return c.json(await computeOverview(c.get('deps'), scope), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/analytics/export.csv',
      tags: ['analytics'],
      summary: "One chart's data as CSV (UTF-8 with BOM)",
      request: { query: ScopeQuerySchema.extend({ chart: z.enum(CSV_CHARTS).openapi({ description: 'Which chart' }) }) },
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errors },
    }),
    async (c) => {
      authorize(c.get('principal'), 'analytics.read');
      const query = c.req.valid('query');
      const scope = parseScope(query);
      const body = toCsv(await computeOverview(c.get('deps'), scope), query.chart);
      return c.body(body, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="tongli-${query.chart}-${query.from}-${query.to}.csv"`,
        'cache-control': 'no-store',
      });
    },
  );

  return app;
}
