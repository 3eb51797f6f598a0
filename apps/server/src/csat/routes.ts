import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { loadVisibleConversation } from '../commands/conversations.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import { ErrorSchema, IdParamSchema } from '../http/schemas.js';
import { can, type Principal } from '../policies/policies.js';
import { CsatSurveyListItemSchema, CsatSurveySchema, presentSurvey, presentSurveyListItem } from './presenters.js';
import { findSurveyByConversation, listSurveys, summarizeSurveys, summarizeSurveysBy, type SurveyFilter } from './repository.js';

const errors = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
};

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/**
 * Whose surveys the principal may read: QA, admins and API tokens all; supervisors their teams' (all when they lead
 * no team in particular); agents only those of conversations they were assigned when the survey went out.
 */
export function surveyScope(principal: Principal): Pick<SurveyFilter, 'teamIds' | 'agentId'> {
  if (principal.kind === 'token' || can(principal, 'csat.read_all')) return { teamIds: 'all' };
  if (can(principal, 'csat.read_team')) return { teamIds: principal.teamIds.length > 0 ? principal.teamIds : 'all' };
  return { teamIds: 'all', agentId: principal.id };
}

const FilterQuerySchema = z.object({
  from: z.iso.date().optional().openapi({ description: 'Surveys sent on or after this day (UTC)' }),
  to: z.iso.date().optional().openapi({ description: 'Surveys sent up to and including this day (UTC)' }),
  teamId: z.uuid().optional(),
  agentId: z.uuid().optional().openapi({ description: 'Ignored for agents (they see their own)' }),
  channel: z.enum(['web', 'email', 'api']).optional(),
  answered: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
  minRating: z.coerce.number().int().min(1).max(5).optional(),
  maxRating: z.coerce.number().int().min(1).max(5).optional(),
});

function toFilter(principal: Principal, q: z.infer<typeof FilterQuerySchema>): SurveyFilter {
  const scope = surveyScope(principal);
  return {
    teamIds: scope.teamIds,
    agentId: scope.agentId ?? q.agentId,
    teamId: q.teamId,
    channel: q.channel,
    answered: q.answered,
    minRating: q.minRating,
    maxRating: q.maxRating,
    from: q.from ? new Date(`${q.from}T00:00:00Z`) : undefined,
    to: q.to ? new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000) : undefined,
  };
}

const TotalsSchema = z.object({
  sent: z.number(),
  answered: z.number(),
  responseRate: z.number().nullable().openapi({ description: 'answered / sent' }),
  average: z.number().nullable().openapi({ description: 'Mean rating, 1..5' }),
  distribution: z.array(z.number()).openapi({ description: 'Answers per rating 1..5' }),
});

const SummarySchema = z
  .object({
    totals: TotalsSchema,
    groups: z.array(
      z.object({
        id: z.uuid().nullable(),
        name: z.string().nullable(),
        sent: z.number(),
        answered: z.number(),
        responseRate: z.number().nullable(),
        average: z.number().nullable(),
      }),
    ),
  })
  .openapi('CsatSummary');

const rate = (answered: number, sent: number): number | null => (sent === 0 ? null : answered / sent);

/** Staff reading of survey results: the list, a summary per agent or team, and one conversation's survey. */
export function csatRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/csat',
      tags: ['csat'],
      summary: 'Satisfaction surveys, newest first (supervisors: their teams; agents: their own)',
      request: {
        query: FilterQuerySchema.extend({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
      responses: { 200: json(z.object({ items: z.array(CsatSurveyListItemSchema) }), 'Surveys'), ...errors },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const rows = await listSurveys(c.get('deps').db.kysely, toFilter(c.get('principal'), q), { limit: q.limit, offset: q.offset });
      return c.json({ items: rows.map(presentSurveyListItem) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/csat/summary',
      tags: ['csat'],
      summary: 'Surveys sent and answered, response rate, average and distribution, with a row per agent or team',
      request: { query: FilterQuerySchema.extend({ by: z.enum(['agent', 'team']).default('agent') }) },
      responses: { 200: json(SummarySchema, 'Summary'), ...errors },
    }),
    async (c) => {
      const db = c.get('deps').db.kysely;
      const q = c.req.valid('query');
      const filter = toFilter(c.get('principal'), q);
      const [totals, groups] = await Promise.all([summarizeSurveys(db, filter), summarizeSurveysBy(db, filter, q.by)]);
      const ids = groups.flatMap((g) => (g.key ? [g.key] : []));
      const names =
        ids.length === 0
          ? []
          : q.by === 'agent'
            ? await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute()
            : await db.selectFrom('teams').select(['id', 'name']).where('id', 'in', ids).execute();
      const nameOf = new Map(names.map((n) => [n.id, n.name]));
      return c.json(
        {
          totals: { ...totals, responseRate: rate(totals.answered, totals.sent) },
          groups: groups
            .map((g) => ({
              id: g.key,
              name: g.key ? (nameOf.get(g.key) ?? null) : null,
              sent: g.sent,
              answered: g.answered,
              responseRate: rate(g.answered, g.sent),
              average: g.average,
            }))
            .sort((a, b) => b.sent - a.sent),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/conversations/{id}/csat',
      tags: ['csat'],
      summary: "The conversation's satisfaction survey (null before it was resolved)",
      request: { params: IdParamSchema },
      responses: { 200: json(z.object({ survey: CsatSurveySchema.nullable() }), 'The survey'), ...errors },
    }),
    async (c) => {
      const db = c.get('deps').db.kysely;
      const conversation = await loadVisibleConversation(db, c.get('principal'), c.req.valid('param').id);
      const survey = await findSurveyByConversation(db, conversation.id);
      return c.json({ survey: survey ? presentSurvey(survey) : null }, 200);
    },
  );
  return app;
}
