import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { clientIp, ERRORS, jsonContent } from '../admin/http.js';
import { MAX_PERIOD_DAYS } from '../analytics/routes.js';
import { badRequest, notFound } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import type { Principal } from '../policies/policies.js';
import { writeAudit } from '../repositories/audit.js';
import { metricsAccess } from './access.js';
import { computeMetrics } from './compute.js';
import { streamMetricsXlsx, toMetricsCsv, XLSX_TYPE } from './export.js';
import { buildWeeklyReport, renderWeeklyReport } from './report.js';
import { findTeamName, type GroupBy, type MetricsScope } from './repository.js';
import { addDays, mondayOfIsoWeek, previousIsoWeek, startOfDay } from './time.js';

const MetricsQuerySchema = z.object({
  from: z.iso.date().openapi({ description: "First day (in the organisation's time zone, inclusive)", example: '2025-03-01' }),
  to: z.iso.date().openapi({ description: `Last day (inclusive); at most ${MAX_PERIOD_DAYS} days in all`, example: '2025-03-14' }),
  groupBy: z.enum(['agent', 'team', 'day']).default('agent').openapi({ description: 'One row per assignee, team or local day' }),
  teamId: z.uuid().optional().openapi({ description: 'Only conversations of this team' }),
  agentId: z.uuid().optional().openapi({ description: 'Only conversations assigned to this agent (agents: themselves only)' }),
});

const ExportQuerySchema = MetricsQuerySchema.extend({
  lang: z.enum(['zh', 'en']).default('zh').openapi({ description: 'Language of the header row' }),
});

const MetricRowSchema = z
  .object({
    key: z.string().nullable().openapi({ description: 'Agent id, team id or YYYY-MM-DD; null: no assignee / no team (or totals)' }),
    name: z.string(),
    conversations: z.number(),
    resolved: z.number(),
    csatAverage: z.number().nullable().openapi({ description: 'Mean CSAT survey rating 1..5; null without answers' }),
    csatResponses: z.number(),
    fcrCount: z.number(),
    fcrRate: z.number().nullable().openapi({ description: 'Resolved, not reopened, no same-topic contact within 7 days ÷ resolved' }),
    firstResponseMedianSeconds: z.number().nullable(),
    firstResponseP90Seconds: z.number().nullable(),
    handleMedianSeconds: z.number().nullable(),
    handleP90Seconds: z.number().nullable(),
    empathyAverage: z.number().nullable(),
    turnaroundEligible: z.number(),
    turnaroundCount: z.number(),
    turnaroundRate: z.number().nullable(),
    abusiveConversations: z.number(),
    abusiveRate: z.number().nullable(),
  })
  .openapi('MetricRow');

const MetricsSchema = z
  .object({
    period: z.object({ from: z.string(), to: z.string(), timeZone: z.string() }),
    groupBy: z.enum(['agent', 'team', 'day']),
    rows: z.array(MetricRowSchema),
    totals: MetricRowSchema,
  })
  .openapi('Metrics');

const DAY_MS = 86_400_000;

/** The validated query as a scope the caller may read (period in the organisation's time zone, capped). */
function toScope(
  principal: Principal,
  action: 'metrics.read' | 'metrics.export',
  query: z.infer<typeof MetricsQuerySchema>,
  timeZone: string,
): MetricsScope {
  if (query.to < query.from) throw badRequest('invalid_period', 'to must not be before from');
  const days = Math.round((Date.parse(query.to) - Date.parse(query.from)) / DAY_MS) + 1;
  if (days > MAX_PERIOD_DAYS) throw badRequest('period_too_long', `the period may cover at most ${MAX_PERIOD_DAYS} days`);
  const access = metricsAccess(principal, action, { teamId: query.teamId, agentId: query.agentId });
  return {
    from: startOfDay(query.from, timeZone),
    to: startOfDay(addDays(query.to, 1), timeZone),
    timeZone,
    groupBy: query.groupBy as GroupBy,
    teamId: query.teamId,
    agentId: access.agentId,
    teamIds: access.teamIds,
  };
}

/** Metrics rolled up per agent, team or day; CSV and XLSX exports. */
export function metricsRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['metrics'],
      summary:
        'Metrics per agent, team or day: conversations, resolved, CSAT (surveys), FCR, first response and handle time (median, p90), empathy, emotion turnaround, abusive contacts. Agents see their own; supervisors their teams',
      request: { query: MetricsQuerySchema },
      responses: { 200: jsonContent(MetricsSchema, 'The metrics'), ...ERRORS },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const timeZone = c.get('deps').config.timeZone;
      const scope = toScope(c.get('principal'), 'metrics.read', query, timeZone);
      const table = await computeMetrics(c.get('deps').db.kysely, scope);
      return c.json({ period: { from: query.from, to: query.to, timeZone }, groupBy: scope.groupBy, ...table }, 200);
    },
  );

  const exportRoute = (format: 'csv' | 'xlsx') =>
    createRoute({
      method: 'get',
      path: `/metrics/export.${format}`,
      tags: ['metrics'],
      summary:
        format === 'csv'
          ? 'The metrics table as CSV (UTF-8 with BOM; formula-like text defused)'
          : 'The metrics table as an XLSX workbook (streamed; formula-like text defused)',
      request: { query: ExportQuerySchema },
      responses: {
        200: {
          description: format.toUpperCase(),
          content: { [format === 'csv' ? 'text/csv' : XLSX_TYPE]: { schema: z.string() } },
        },
        ...ERRORS,
      },
    });

  for (const format of ['csv', 'xlsx'] as const) {
    app.openapi(exportRoute(format), async (c) => {
      const principal = c.get('principal');
      const deps = c.get('deps');
      const query = c.req.valid('query');
      const scope = toScope(principal, 'metrics.export', query, deps.config.timeZone);
      const table = await computeMetrics(deps.db.kysely, scope);
      await writeAudit(deps.db.kysely, principal, 'metrics.exported', {
        type: 'metrics',
        details: { format, groupBy: scope.groupBy, from: query.from, to: query.to, teamId: query.teamId ?? null, rows: table.rows.length },
        ip: clientIp(c),
      });
      const filename = `tongli-metrics-${scope.groupBy}-${query.from}-${query.to}.${format}`;
      const headers = { 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' };
      if (format === 'csv') {
        return c.body(toMetricsCsv(table, scope.groupBy, query.lang), 200, { ...headers, 'content-type': 'text/csv; charset=utf-8' });
      }
      return c.body(streamMetricsXlsx(table, scope.groupBy, query.lang), 200, { ...headers, 'content-type': XLSX_TYPE });
    });
  }

  return app;
}

/** The report's Content-Security-Policy: nothing but its own inline style. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The weekly team report (HTML). */
export function reportRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/reports/weekly',
      tags: ['metrics'],
      summary:
        "A team's weekly report as one self-contained HTML page: the week's metrics against the previous week, per agent, and the top anger drivers",
      request: {
        query: z.object({
          teamId: z.uuid(),
          week: z
            .string()
            .regex(/^\d{4}-W\d{2}$/)
            .optional()
            .openapi({ description: 'ISO week, YYYY-Www; default the last complete week', example: '2025-W10' }),
          lang: z.enum(['zh', 'en']).default('zh'),
        }),
      },
      responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } }, ...ERRORS },
    }),
    async (c) => {
      const deps = c.get('deps');
      const query = c.req.valid('query');
      metricsAccess(c.get('principal'), 'report.read', { teamId: query.teamId });
      const timeZone = deps.config.timeZone;
      const week = query.week ?? previousIsoWeek(new Date(), timeZone);
      const monday = mondayOfIsoWeek(week);
      if (!monday) throw badRequest('invalid_week', 'week must be an ISO week such as 2025-W10');
      const name = await findTeamName(deps.db.kysely, query.teamId);
      if (name === undefined) throw notFound('team');
      const report = await buildWeeklyReport(deps.db.kysely, { team: { id: query.teamId, name }, week, monday, timeZone });
      const signals = deps.engine.analyzer.catalogue.signals;
      const html = renderWeeklyReport(report, query.lang, (id) => signals.find((s) => s.id === id)?.name[query.lang] ?? id, new Date());
      return c.html(html, 200, { 'content-security-policy': REPORT_CSP, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    },
  );

  return app;
}
