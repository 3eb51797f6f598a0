import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { clientIp, ERRORS, jsonBody, jsonContent } from '../admin/http.js';
import { presentConversation } from '../presenters/presenters.js';
import { forbidden, notFound } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import { ConversationSchema, IdParamSchema } from '../http/schemas.js';
import { authorize } from '../policies/policies.js';
import { createQueueCommand, deleteQueueCommand, routeNow, updateAgentRouting, updateQueueCommand } from './commands.js';
import { presentDecision, presentQueue, presentRoutingAgents } from './presenters.js';
import { DEFAULT_CAPACITY, findAgentRouting, findQueue, listDecisions, listQueues, loadStaff } from './repository.js';
import {
  CreateQueueSchema,
  DecisionQuerySchema,
  DecisionSchema,
  MyRoutingSchema,
  PresenceInputSchema,
  QueueSchema,
  RoutingAgentSchema,
  UpdateAgentRoutingSchema,
  UpdateQueueSchema,
} from './schemas.js';

const TAGS = ['routing'];

/** Routing: queues per inbox or team, staff presence / capacity / skills with the turnaround ranking, decisions. */
export function routingRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/routing/queues',
      tags: TAGS,
      summary: 'Routing queues',
      responses: { 200: jsonContent(z.object({ items: z.array(QueueSchema) }), 'Queues'), ...ERRORS },
    }),
    async (c) => {
      authorize(c.get('principal'), 'routing.read');
      return c.json({ items: (await listQueues(c.get('deps').db.kysely)).map(presentQueue) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/routing/queues',
      tags: TAGS,
      summary: 'Create a queue for an inbox or a team (one queue each)',
      request: jsonBody(CreateQueueSchema),
      responses: { 201: jsonContent(QueueSchema, 'Created'), ...ERRORS },
    }),
    async (c) => {
      const row = await createQueueCommand(c.get('deps'), { principal: c.get('principal'), ip: clientIp(c) }, c.req.valid('json'));
      return c.json(presentQueue(row), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/routing/queues/{id}',
      tags: TAGS,
      summary: 'One queue',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(QueueSchema, 'The queue'), ...ERRORS },
    }),
    async (c) => {
      authorize(c.get('principal'), 'routing.read');
      const row = await findQueue(c.get('deps').db.kysely, c.req.valid('param').id);
      if (!row) throw notFound('queue');
      return c.json(presentQueue(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/routing/queues/{id}',
      tags: TAGS,
      summary: 'Change a queue (strategy, fallback, skills, continuity, emotion-aware settings, enabled)',
      request: { params: IdParamSchema, ...jsonBody(UpdateQueueSchema) },
      responses: { 200: jsonContent(QueueSchema, 'Updated'), ...ERRORS },
    }),
    async (c) => {
      const row = await updateQueueCommand(
        c.get('deps'),
        { principal: c.get('principal'), ip: clientIp(c) },
        c.req.valid('param').id,
        c.req.valid('json'),
      );
      return c.json(presentQueue(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/routing/queues/{id}',
      tags: TAGS,
      summary: 'Delete a queue',
      request: { params: IdParamSchema },
      responses: { 204: { description: 'Deleted' }, ...ERRORS },
    }),
    async (c) => {
      await deleteQueueCommand(c.get('deps'), { principal: c.get('principal'), ip: clientIp(c) }, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/routing/agents',
      tags: TAGS,
      summary: 'Agents and supervisors: presence, capacity, open load, skills, languages, emotion turnaround and rank',
      responses: { 200: jsonContent(z.object({ items: z.array(RoutingAgentSchema) }), 'Staff'), ...ERRORS },
    }),
    async (c) => {
      authorize(c.get('principal'), 'routing.read');
      const rows = await loadStaff(c.get('deps').db.kysely, new Date());
      return c.json({ items: presentRoutingAgents(rows) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/routing/agents/{id}',
      tags: TAGS,
      summary: "Set a member of staff's presence, capacity or skills (supervisors and admins; anyone their own presence)",
      request: { params: IdParamSchema, ...jsonBody(UpdateAgentRoutingSchema) },
      responses: { 200: jsonContent(RoutingAgentSchema, 'Updated'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      const { id } = c.req.valid('param');
      await updateAgentRouting(c.get('deps'), { principal, ip: clientIp(c) }, id, c.req.valid('json'));
      const [row] = presentRoutingAgents(await loadStaff(c.get('deps').db.kysely, new Date(), { userIds: [id] }));
      if (!row) throw notFound('user');
      return c.json(row, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/routing/me',
      tags: TAGS,
      summary: 'My presence, capacity and open load',
      responses: { 200: jsonContent(MyRoutingSchema, 'Mine'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      if (principal.kind !== 'user') throw forbidden('API tokens have no presence');
      const db = c.get('deps').db.kysely;
      const row = await findAgentRouting(db, principal.id);
      const load = await db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('assignee_id', '=', principal.id)
        .where('status', 'in', ['open', 'pending'])
        .executeTakeFirstOrThrow();
      return c.json({ presence: row?.presence ?? 'offline', capacity: row?.capacity ?? DEFAULT_CAPACITY, load: Number(load.n) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/routing/me/presence',
      tags: TAGS,
      summary: 'Set my presence (online: conversations waiting for somebody are routed again)',
      request: jsonBody(PresenceInputSchema),
      responses: { 200: jsonContent(MyRoutingSchema, 'Mine'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      if (principal.kind !== 'user') throw forbidden('API tokens have no presence');
      const deps = c.get('deps');
      await updateAgentRouting(deps, { principal, ip: clientIp(c) }, principal.id, c.req.valid('json'));
      const [row] = await loadStaff(deps.db.kysely, new Date(), { userIds: [principal.id] });
      if (!row) throw notFound('user');
      return c.json({ presence: row.presence, capacity: row.capacity, load: row.load }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/routing/decisions',
      tags: TAGS,
      summary: 'Routing decisions, newest first, with the reason (continuity, emotion, strategy, nobody available)',
      request: { query: DecisionQuerySchema },
      responses: { 200: jsonContent(z.object({ items: z.array(DecisionSchema) }), 'Decisions'), ...ERRORS },
    }),
    async (c) => {
      authorize(c.get('principal'), 'routing.read');
      const rows = await listDecisions(c.get('deps').db.kysely, c.req.valid('query'));
      return c.json({ items: rows.map(presentDecision) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/routing/conversations/{id}/route',
      tags: TAGS,
      summary: 'Route an unassigned conversation through its queue now',
      request: { params: IdParamSchema },
      responses: {
        200: jsonContent(z.object({ conversation: ConversationSchema, reason: z.string(), assigneeId: z.uuid().nullable() }), 'Routed'),
        ...ERRORS,
      },
    }),
    async (c) => {
      const outcome = await routeNow(c.get('deps'), c.get('principal'), c.req.valid('param').id);
      return c.json(
        {
          conversation: presentConversation(outcome.conversation),
          reason: outcome.decision.reason,
          assigneeId: outcome.decision.assigneeId,
        },
        200,
      );
    },
  );

  return app;
}
