import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { loadVisibleConversation } from '../commands/conversations.js';
import { badRequest, notFound } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import { ErrorSchema, IdParamSchema } from '../http/schemas.js';
import { authorize, can, visibleTeamIds } from '../policies/policies.js';
import { presentCustomer } from '../presenters/presenters.js';
import { PromiseSchema } from '../promises/routes.js';
import { writeAudit } from '../repositories/audit.js';
import { listIdentities, mergeCustomers, resolveCustomerId } from '../repositories/customers.js';
import { loadCustomerHistory, loadRepeatContact, type CustomerHistory } from './history.js';
import { searchCustomers, type HistoryRow } from './repository.js';
import { clientIp } from '../http/client-ip.js';

const errors = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
};

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const CustomerSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    locale: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    identities: z.array(z.object({ kind: z.string(), value: z.string() })),
    createdAt: z.string(),
  })
  .openapi('Customer');

const RepeatContactSchema = z
  .object({ conversationId: z.uuid(), subject: z.string(), daysAgo: z.number(), reason: z.string() })
  .openapi('RepeatContact');

const HistoryConversationSchema = z
  .object({
    id: z.uuid(),
    inboxId: z.uuid(),
    inboxName: z.string(),
    channel: z.enum(['web', 'email', 'api', 'import']),
    status: z.enum(['open', 'pending', 'snoozed', 'resolved']),
    subject: z.string(),
    tags: z.array(z.string()),
    createdAt: z.string(),
    lastMessageAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    lastEmotion: z.string().nullable(),
    satisfaction: z.number().nullable(),
    empathyScore: z.number().nullable(),
  })
  .openapi('CustomerConversation');

const SummarySchema = z
  .object({
    conversationCount: z.number(),
    openCount: z.number(),
    lastIssues: z.array(
      z.object({
        conversationId: z.uuid(),
        subject: z.string(),
        createdAt: z.string(),
        status: z.string(),
        complaint: z
          .object({ text: z.string(), messageId: z.uuid(), emotion: z.string().nullable(), sentiment: z.number().nullable() })
          .nullable(),
      }),
    ),
    openPromises: z.array(
      z.object({ conversationId: z.uuid(), subject: z.string(), text: z.string(), due: z.string(), messageIndex: z.number() }),
    ),
    trackedPromises: z.array(PromiseSchema),
    lastEmotion: z.object({ emotion: z.string(), intensity: z.number().nullable(), conversationId: z.uuid() }).nullable(),
    recentEmotions: z.array(z.string()),
    emotionTrend: z.enum(['improving', 'worsening', 'steady', 'unknown']),
    satisfaction: z.object({ last: z.number().nullable(), average: z.number().nullable() }),
  })
  .openapi('CustomerSummary');

const Customer360Schema = z
  .object({
    customer: CustomerSchema,
    conversations: z.array(HistoryConversationSchema),
    summary: SummarySchema,
    repeatContact: RepeatContactSchema.nullable(),
  })
  .openapi('Customer360');

const RepeatDaysSchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(365)
  .default(7)
  .openapi({ description: 'Days back that count as a repeat contact (default 7)' });

function presentHistoryConversation(row: HistoryRow) {
  return {
    id: row.id,
    inboxId: row.inbox_id,
    inboxName: row.inbox_name,
    channel: row.channel,
    status: row.status,
    subject: row.subject,
    tags: row.tags,
    createdAt: row.created_at.toISOString(),
    lastMessageAt: row.last_message_at?.toISOString() ?? null,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    lastEmotion: row.last_emotion,
    satisfaction: row.satisfaction,
    empathyScore: row.empathy_score,
  };
}

const presentHistory = (history: CustomerHistory) => ({
  conversations: history.conversations.map(presentHistoryConversation),
  summary: history.summary,
  repeatContact: history.repeatContact,
});

/** Customer 360: search, one profile across channels with a five-second history summary, merge; and a conversation's context. */
export function customerRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/customers',
      tags: ['customers'],
      summary: 'Search customers by name or identity value (phone, email, visitor, external id)',
      request: {
        query: z.object({ q: z.string().trim().max(200).default(''), limit: z.coerce.number().int().min(1).max(100).default(20) }),
      },
      responses: {
        200: json(
          z.object({
            items: z.array(
              z.object({
                id: z.uuid(),
                name: z.string(),
                identities: z.array(z.object({ kind: z.string(), value: z.string() })),
                conversations: z.number(),
                createdAt: z.string(),
              }),
            ),
          }),
          'Customers',
        ),
        ...errors,
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      const { q, limit } = c.req.valid('query');
      const hits = await searchCustomers(db.kysely, q, { teams: visibleTeamIds(principal), userId: principal.id }, limit);
      const items = [];
      for (const hit of hits) {
        items.push({
          id: hit.id,
          name: hit.name,
          identities: await listIdentities(db.kysely, hit.id),
          conversations: hit.conversations,
          createdAt: hit.created_at.toISOString(),
        });
      }
      return c.json({ items }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/customers/{id}',
      tags: ['customers'],
      summary: 'Customer 360: profile, every conversation on every channel, history summary, repeat contact',
      request: { params: IdParamSchema, query: z.object({ repeatDays: RepeatDaysSchema }) },
      responses: { 200: json(Customer360Schema, 'The customer'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      const id = await resolveCustomerId(db.kysely, c.req.valid('param').id);
      const customer = await db.kysely.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
      if (!customer) throw notFound('customer');
      const history = await loadCustomerHistory(db.kysely, principal, id, { repeatDays: c.req.valid('query').repeatDays });
      // Agents know only the customers of conversations they may see.
      if (history.conversations.length === 0 && principal.kind !== 'token' && !can(principal, 'conversation.read_all')) {
        throw notFound('customer');
      }
      return c.json(
        {
          customer: presentCustomer(customer, await listIdentities(db.kysely, id)),
          ...presentHistory(history),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/customers/{id}/merge',
      tags: ['customers'],
      summary: 'Merge another customer (fromId) into this one: identities and conversations move here (audited)',
      request: {
        params: IdParamSchema,
        body: { content: { 'application/json': { schema: z.object({ fromId: z.uuid() }) } }, required: true },
      },
      responses: { 200: json(CustomerSchema, 'The surviving customer'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      authorize(principal, 'customer.merge');
      const { fromId } = c.req.valid('json');
      const intoId = await resolveCustomerId(db.kysely, c.req.valid('param').id);
      const from = await resolveCustomerId(db.kysely, fromId);
      if (intoId === from) throw badRequest('same_customer', 'a customer cannot be merged into itself');
      const customer = await db.kysely.transaction().execute(async (trx) => {
        const found = await trx.selectFrom('customers').select('id').where('id', 'in', [intoId, from]).execute();
        if (found.length !== 2) throw notFound('customer');
        await mergeCustomers(trx, intoId, from);
        await writeAudit(trx, principal, 'customer.merge', {
          type: 'customer',
          id: intoId,
          details: { fromId: from },
          ip: clientIp(c),
        });
        return trx.selectFrom('customers').selectAll().where('id', '=', intoId).executeTakeFirstOrThrow();
      });
      return c.json(presentCustomer(customer, await listIdentities(db.kysely, intoId)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/conversations/{id}/context',
      tags: ['customers'],
      summary: "What the agent should know before replying: the customer's profile, history summary and repeat contact",
      request: { params: IdParamSchema, query: z.object({ repeatDays: RepeatDaysSchema }) },
      responses: {
        200: json(
          z.object({ customer: CustomerSchema, summary: SummarySchema, repeatContact: RepeatContactSchema.nullable() }),
          'The context',
        ),
        ...errors,
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      const conversation = await loadVisibleConversation(db.kysely, principal, c.req.valid('param').id);
      const { repeatDays } = c.req.valid('query');
      const customer = await db.kysely
        .selectFrom('customers')
        .selectAll()
        .where('id', '=', conversation.customer_id)
        .executeTakeFirstOrThrow();
      const history = await loadCustomerHistory(db.kysely, principal, customer.id, { repeatDays });
      const repeatContact = await loadRepeatContact(db.kysely, principal, conversation.id, customer.id, repeatDays);
      return c.json(
        {
          customer: presentCustomer(customer, await listIdentities(db.kysely, customer.id)),
          summary: history.summary,
          repeatContact,
        },
        200,
      );
    },
  );

  return app;
}
