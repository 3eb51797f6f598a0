import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { loadVisibleConversation } from '../commands/conversations.js';
import { notFound } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import { ErrorSchema, IdParamSchema } from '../http/schemas.js';
import { authorize, can, visibleTeamIds, type Principal } from '../policies/policies.js';
import { writeAudit } from '../repositories/audit.js';
import { presentPromise } from './presenter.js';
import { findPromise, listPromises, updatePromise } from './repository.js';
import { clientIp } from '../http/client-ip.js';

const errors = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
};

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const StatusSchema = z.enum(['open', 'overdue', 'fulfilled', 'cancelled']);

export const PromiseSchema = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    messageId: z.uuid(),
    agentId: z.uuid().nullable(),
    agentName: z.string().nullable(),
    customerId: z.uuid().nullable(),
    customerName: z.string().nullable(),
    subject: z.string().nullable(),
    text: z.string(),
    duePhrase: z.string(),
    dueAt: z.string(),
    dueKnown: z.boolean().openapi({ description: 'False when the due phrase was not understood (default delay used)' }),
    status: StatusSchema.openapi({ description: 'open, overdue (past due, not kept yet), fulfilled or cancelled' }),
    remindedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('TrackedPromise');

const ListQuerySchema = z.object({
  agent: z.string().default('me').openapi({ description: '`me` (default), `all` or a user id (supervisors and admins)' }),
  status: z.enum(['active', 'open', 'overdue', 'fulfilled', 'cancelled', 'all']).default('active'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const UpdateSchema = z
  .object({
    status: z.enum(['open', 'fulfilled', 'cancelled']).optional(),
    dueAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'A new due time (re-arms the reminder)' }),
    note: z.string().trim().max(1000).nullable().optional(),
  })
  .openapi('UpdatePromise');

const scopeOf = (principal: Principal) => ({ teams: visibleTeamIds(principal), userId: principal.id });

/** Promise tracking: an agent's promises, a conversation's, and closing or rescheduling one. */
export function promiseRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/promises',
      tags: ['promises'],
      summary: "Promises made in agents' replies, soonest due first: mine by default; anyone's for supervisors and admins",
      request: { query: ListQuerySchema },
      responses: { 200: json(z.object({ items: z.array(PromiseSchema) }), 'Promises'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      const q = c.req.valid('query');
      const agentId = q.agent === 'me' ? principal.id : q.agent === 'all' ? undefined : q.agent;
      if (agentId !== principal.id) authorize(principal, 'conversation.read_all');
      if (agentId !== undefined && !z.uuid().safeParse(agentId).success) throw notFound('agent');
      const now = new Date();
      const rows = await listPromises(
        db.kysely,
        { ...(agentId ? { agentId } : {}), status: q.status, scope: scopeOf(principal), limit: q.limit },
        now,
      );
      return c.json({ items: rows.map((row) => presentPromise(row, now)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/conversations/{id}/promises',
      tags: ['promises'],
      summary: 'Every promise made in a conversation, soonest due first',
      request: { params: IdParamSchema },
      responses: { 200: json(z.object({ items: z.array(PromiseSchema) }), 'Promises'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      const conversation = await loadVisibleConversation(db.kysely, principal, c.req.valid('param').id);
      const now = new Date();
      const rows = await listPromises(
        db.kysely,
        { conversationIds: [conversation.id], status: 'all', scope: scopeOf(principal), limit: 500 },
        now,
      );
      return c.json({ items: rows.map((row) => presentPromise(row, now)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/promises/{id}',
      tags: ['promises'],
      summary: 'Mark a promise kept (fulfilled) or cancelled, reopen it, or move its due time (audited)',
      request: { params: IdParamSchema, body: { content: { 'application/json': { schema: UpdateSchema } }, required: true } },
      responses: { 200: json(PromiseSchema, 'The promise'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      authorize(principal, 'promise.update');
      const input = c.req.valid('json');
      const id = c.req.valid('param').id;
      const promise = await findPromise(db.kysely, id);
      if (!promise) throw notFound('promise');
      await loadVisibleConversation(db.kysely, principal, promise.conversation_id);
      // Agents keep and reschedule their own promises and those of conversations they handle; supervisors any.
      if (promise.agent_id !== principal.id && !can(principal, 'conversation.assign_others')) {
        const conversation = await db.kysely
          .selectFrom('conversations')
          .select('assignee_id')
          .where('id', '=', promise.conversation_id)
          .executeTakeFirstOrThrow();
        if (conversation.assignee_id !== principal.id) authorize(principal, 'conversation.assign_others');
      }
      const updated = await db.kysely.transaction().execute(async (trx) => {
        const row = await updatePromise(
          trx,
          id,
          {
            ...(input.status ? { status: input.status } : {}),
            ...(input.dueAt ? { dueAt: new Date(input.dueAt) } : {}),
            ...(input.note !== undefined ? { note: input.note } : {}),
          },
          principal.kind === 'user' ? principal.id : null,
        );
        await writeAudit(trx, principal, 'promise.update', {
          type: 'promise',
          id,
          details: { from: promise.status, ...input },
          ip: clientIp(c),
        });
        return row;
      });
      return c.json(presentPromise(updated, new Date()), 200);
    },
  );

  return app;
}
