import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { loadVisibleConversation } from '../commands/conversations.js';
import { AppError, badRequest, notFound } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import { ErrorSchema, IdParamSchema } from '../http/schemas.js';
import { authorize, canSeeConversation, type Principal } from '../policies/policies.js';
import { writeAudit } from '../repositories/audit.js';
import { isUniqueViolation } from '../commands/messages.js';
import type { Deps } from '../deps.js';
import { validateCalendar } from './business-time.js';
import { CN_HOLIDAYS } from './calendars.js';
import { dismissExpectation, findProposal, proposeExpectation, sendExpectation } from './expectations.js';
import { computeSlaState, pickPolicy } from './policy.js';
import {
  deleteCalendar,
  deletePolicy,
  insertPolicy,
  listConversationsByIds,
  loadSlaConfig,
  saveCalendar,
  saveSlaSettings,
  updatePolicy,
  type PolicyInput,
  type SlaConfig,
  type WaitingRow,
} from './repository.js';
import {
  CalendarInputSchema,
  CalendarSchema,
  ExpectationSchema,
  PolicyInputSchema,
  PolicySchema,
  presentCalendar,
  presentExpectation,
  presentPolicy,
  presentSettings,
  presentState,
  SlaConfigSchema,
  SlaSettingsSchema,
  SlaStateSchema,
} from './schemas.js';
import { clientIp } from '../http/client-ip.js';

const errors = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
  409: { description: 'Conflict', content: { 'application/json': { schema: ErrorSchema } } },
};

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

const ScopeParamSchema = z.object({
  scope: z
    .union([z.literal('default'), z.uuid()])
    .openapi({ param: { name: 'scope', in: 'path' }, description: '`default` or an inbox id' }),
});

function stateOf(config: SlaConfig, row: WaitingRow, now: Date) {
  const policy = pickPolicy(config.policies, row.inbox_id, row.priority);
  const state = policy ? computeSlaState(row, policy, config.clockFor(row.inbox_id), now) : null;
  return state ? presentState(row.id, state) : null;
}

function presentConfig(config: SlaConfig, inboxIds: readonly string[]) {
  const calendars = config.calendars.some((c) => c.inboxId === null) ? config.calendars : [config.defaultCalendar, ...config.calendars];
  return {
    settings: presentSettings(config.settings),
    calendars: calendars.filter((c) => c.inboxId === null || inboxIds.includes(c.inboxId)).map(presentCalendar),
    policies: config.policies.map(presentPolicy),
    holidayData: { years: [...CN_HOLIDAYS.years], holidays: [...CN_HOLIDAYS.holidays], workdays: [...CN_HOLIDAYS.workdays] },
  };
}

/** SLAs: settings, business calendars and policies (supervisors, admins); conversation clocks and expectation messages. */
export function slaRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sla',
      tags: ['sla'],
      summary: 'SLA configuration: ticker and promise settings, business calendars, policies, shipped holiday data',
      responses: { 200: json(SlaConfigSchema, 'The configuration'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      authorize(c.get('principal'), 'sla.manage');
      const inboxes = await db.kysely.selectFrom('inboxes').select('id').execute();
      return c.json(
        presentConfig(
          await loadSlaConfig(db.kysely),
          inboxes.map((i) => i.id),
        ),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/sla/settings',
      tags: ['sla'],
      summary: 'Change how often SLAs and promises are checked, how early promises are reminded and their default delay',
      request: body(SlaSettingsSchema),
      responses: { 200: json(SlaSettingsSchema, 'Saved'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      authorize(principal, 'sla.manage');
      const input = c.req.valid('json');
      await db.kysely.transaction().execute(async (trx) => {
        await saveSlaSettings(trx, input, principal.kind === 'user' ? principal.id : null);
        await writeAudit(trx, principal, 'sla.settings', { type: 'sla', details: { ...input }, ip: clientIp(c) });
      });
      return c.json(input, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/sla/calendars/{scope}',
      tags: ['sla'],
      summary: 'Set the business hours, holidays and auto-send setting of an inbox, or the default ones',
      request: { params: ScopeParamSchema, ...body(CalendarInputSchema) },
      responses: { 200: json(CalendarSchema, 'Saved'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      authorize(principal, 'sla.manage');
      const { scope } = c.req.valid('param');
      const input = c.req.valid('json');
      const problems = validateCalendar({ ...input });
      if (problems.length > 0) throw badRequest('invalid_calendar', problems.join('; '), problems);
      const inboxId = scope === 'default' ? null : scope;
      if (inboxId && !(await db.kysely.selectFrom('inboxes').select('id').where('id', '=', inboxId).executeTakeFirst())) {
        throw notFound('inbox');
      }
      await db.kysely.transaction().execute(async (trx) => {
        await saveCalendar(trx, inboxId, input, principal.kind === 'user' ? principal.id : null);
        await writeAudit(trx, principal, 'sla.calendar', {
          type: 'inbox',
          id: inboxId ?? 'default',
          details: {
            timeZone: input.timeZone,
            hours: input.hours.length,
            holidays: input.holidays.length,
            autoExpectation: input.autoExpectation,
          },
          ip: clientIp(c),
        });
      });
      const config = await loadSlaConfig(db.kysely);
      return c.json(presentCalendar(inboxId ? config.calendarFor(inboxId) : config.defaultCalendar), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/sla/calendars/{id}',
      tags: ['sla'],
      summary: "Remove an inbox's own calendar (it follows the default calendar again)",
      request: { params: IdParamSchema },
      responses: { 204: { description: 'Removed' }, ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      authorize(principal, 'sla.manage');
      const { id } = c.req.valid('param');
      await db.kysely.transaction().execute(async (trx) => {
        if (!(await deleteCalendar(trx, id))) throw notFound('calendar');
        await writeAudit(trx, principal, 'sla.calendar_delete', { type: 'inbox', id, ip: clientIp(c) });
      });
      return c.body(null, 204);
    },
  );

  const savePolicy = async (
    deps: Deps,
    principal: Principal,
    input: PolicyInput,
    id: string | null,
    ip: string | undefined,
  ): Promise<PolicyInput & { id: string }> => {
    const db = deps.db.kysely;
    authorize(principal, 'sla.manage');
    if (input.inboxId && !(await db.selectFrom('inboxes').select('id').where('id', '=', input.inboxId).executeTakeFirst())) {
      throw notFound('inbox');
    }
    try {
      return await db.transaction().execute(async (trx) => {
        const userId = principal.kind === 'user' ? principal.id : null;
        const saved = id ?? (await insertPolicy(trx, input, userId));
        if (id && !(await updatePolicy(trx, id, input, userId))) throw notFound('policy');
        await writeAudit(trx, principal, id ? 'sla.policy_update' : 'sla.policy_create', {
          type: 'sla_policy',
          id: saved,
          details: { ...input },
          ip,
        });
        return { id: saved, ...input };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('policy_exists', 409, 'a policy for this inbox and priority already exists');
      throw error;
    }
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sla/policies',
      tags: ['sla'],
      summary: 'Add a response-time policy for an inbox (or all) and a priority (or all)',
      request: body(PolicyInputSchema),
      responses: { 201: json(PolicySchema, 'Created'), ...errors },
    }),
    async (c) => c.json(await savePolicy(c.get('deps'), c.get('principal'), c.req.valid('json'), null, clientIp(c)), 201),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/sla/policies/{id}',
      tags: ['sla'],
      summary: 'Change a response-time policy',
      request: { params: IdParamSchema, ...body(PolicyInputSchema) },
      responses: { 200: json(PolicySchema, 'Saved'), ...errors },
    }),
    async (c) =>
      c.json(await savePolicy(c.get('deps'), c.get('principal'), c.req.valid('json'), c.req.valid('param').id, clientIp(c)), 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/sla/policies/{id}',
      tags: ['sla'],
      summary: 'Remove a response-time policy',
      request: { params: IdParamSchema },
      responses: { 204: { description: 'Removed' }, ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      authorize(principal, 'sla.manage');
      const { id } = c.req.valid('param');
      await db.kysely.transaction().execute(async (trx) => {
        if (!(await deletePolicy(trx, id))) throw notFound('policy');
        await writeAudit(trx, principal, 'sla.policy_delete', { type: 'sla_policy', id, ip: clientIp(c) });
      });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/sla/conversations',
      tags: ['sla'],
      summary: 'SLA clocks of several conversations (for the inbox list); hidden or unknown ids are left out',
      request: {
        query: z.object({
          ids: z
            .string()
            .transform((value) => [...new Set(value.split(',').map((id) => id.trim()))].filter(Boolean))
            .pipe(z.array(z.uuid()).max(200))
            .openapi({ description: 'Comma-separated conversation ids (200 at most)' }),
        }),
      },
      responses: { 200: json(z.object({ items: z.array(SlaStateSchema) }), 'Clocks of the conversations someone waits in'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      const rows = (await listConversationsByIds(db.kysely, c.req.valid('query').ids)).filter((row) => canSeeConversation(principal, row));
      const config = await loadSlaConfig(db.kysely);
      const now = new Date();
      return c.json({ items: rows.flatMap((row) => stateOf(config, row, now) ?? []) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/conversations/{id}/sla',
      tags: ['sla'],
      summary: "A conversation's SLA clock and the expectation-setting message proposed for it, if any",
      request: { params: IdParamSchema },
      responses: {
        200: json(z.object({ sla: SlaStateSchema.nullable(), expectation: ExpectationSchema.nullable() }), 'Clock and proposal'),
        ...errors,
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const conversation = await loadVisibleConversation(db.kysely, c.get('principal'), c.req.valid('param').id);
      const config = await loadSlaConfig(db.kysely);
      const proposal = await findProposal(db.kysely, conversation.id);
      return c.json({ sla: stateOf(config, conversation, new Date()), expectation: proposal ? presentExpectation(proposal) : null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/conversations/{id}/expectation',
      tags: ['sla'],
      summary: 'Propose an expectation-setting message now (naming a team, optionally), in the customer language',
      request: {
        params: IdParamSchema,
        body: { content: { 'application/json': { schema: z.object({ teamId: z.uuid().nullable().default(null) }) } } },
      },
      responses: { 201: json(ExpectationSchema, 'Proposed'), ...errors },
    }),
    async (c) => {
      const deps = c.get('deps');
      const principal = c.get('principal');
      authorize(principal, 'conversation.write');
      const teamId = c.req.valid('json').teamId ?? null;
      const conversation = await loadVisibleConversation(deps.db.kysely, principal, c.req.valid('param').id);
      if (teamId && !(await deps.db.kysely.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst())) {
        throw notFound('team');
      }
      const proposal = await deps.db.kysely
        .transaction()
        .execute((trx) => proposeExpectation(trx, { conversation, reason: 'manual', teamId, now: new Date() }));
      if (!proposal) throw notFound('conversation');
      deps.wakeJobs();
      return c.json(presentExpectation(proposal), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sla/expectations/{id}/send',
      tags: ['sla'],
      summary: 'Send a proposed expectation-setting message to the customer (one click; the text may be edited)',
      request: {
        params: IdParamSchema,
        body: { content: { 'application/json': { schema: z.object({ body: z.string().trim().max(2000).optional() }) } } },
      },
      responses: { 200: json(ExpectationSchema, 'Sent'), ...errors },
    }),
    async (c) => {
      const sent = await sendExpectation(c.get('deps'), c.get('principal'), c.req.valid('param').id, c.req.valid('json').body);
      return c.json(presentExpectation(sent.expectation), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sla/expectations/{id}/dismiss',
      tags: ['sla'],
      summary: 'Dismiss a proposed expectation-setting message',
      request: { params: IdParamSchema },
      responses: { 200: json(ExpectationSchema, 'Dismissed'), ...errors },
    }),
    async (c) => c.json(presentExpectation(await dismissExpectation(c.get('deps'), c.get('principal'), c.req.valid('param').id)), 200),
  );

  return app;
}
