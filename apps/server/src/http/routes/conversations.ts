import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { createRouter } from '../router.js';
import { sql } from 'kysely';
import { createConversation, loadVisibleConversation, updateConversation } from '../../commands/conversations.js';
import { postMessage } from '../../commands/messages.js';
import { forbidden } from '../../errors.js';
import { authorize, visibleTeamIds } from '../../policies/policies.js';
import { presentConversation, presentMessage } from '../../presenters/presenters.js';
import type { AppEnv } from '../env.js';
import {
  ConversationListItemSchema,
  ConversationSchema,
  CreateConversationSchema,
  ErrorSchema,
  IdParamSchema,
  MessageSchema,
  PostMessageSchema,
  UpdateConversationSchema,
} from '../schemas.js';

const errors = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
};

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const ListQuerySchema = z.object({
  status: z.enum(['open', 'pending', 'snoozed', 'resolved', 'all']).default('open'),
  teamId: z.uuid().optional(),
  assignee: z.string().optional().openapi({ description: '`me`, `none` or a user id' }),
  customerId: z.uuid().optional(),
  tag: z.string().optional(),
  sort: z.enum(['urgency', 'recent', 'waiting']).default('urgency'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const PRIORITY_RANK = sql<number>`case conversations.priority when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end`;
// Risk flags first, then priority, then how upset the customer is, then who has waited longest.
const URGENCY = sql<number>`(case when jsonb_array_length(coalesce(conversation_analyses.risk, '[]'::jsonb)) > 0 then 40 else 0 end)
  + ${PRIORITY_RANK} * 10
  + (case when conversation_analyses.last_emotion in ('anger', 'disgust', 'fear', 'sadness', 'anxiety') then 10 * coalesce(conversation_analyses.last_intensity, 0) else 0 end)`;

export function conversationRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/conversations',
      tags: ['conversations'],
      summary: 'List conversations, most urgent and most upset first',
      request: { query: ListQuerySchema },
      responses: { 200: json(z.object({ items: z.array(ConversationListItemSchema), total: z.number() }), 'Conversations'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      const q = c.req.valid('query');
      let query = db.kysely
        .selectFrom('conversations')
        .innerJoin('customers', 'customers.id', 'conversations.customer_id')
        .leftJoin('conversation_analyses', 'conversation_analyses.conversation_id', 'conversations.id');
      if (q.status !== 'all') query = query.where('conversations.status', '=', q.status);
      if (q.teamId) query = query.where('conversations.team_id', '=', q.teamId);
      if (q.customerId) query = query.where('conversations.customer_id', '=', q.customerId);
      if (q.assignee === 'me') query = query.where('conversations.assignee_id', '=', principal.id);
      else if (q.assignee === 'none') query = query.where('conversations.assignee_id', 'is', null);
      else if (q.assignee) query = query.where('conversations.assignee_id', '=', q.assignee);
      if (q.tag) query = query.where(sql<boolean>`conversations.tags ? ${q.tag}`);
      const teams = visibleTeamIds(principal);
      if (teams !== 'all') {
        query = query.where((eb) =>
          eb.or([
            eb('conversations.team_id', 'is', null),
            eb('conversations.assignee_id', '=', principal.id),
            ...(teams.length > 0 ? [eb('conversations.team_id', 'in', teams)] : []),
          ]),
        );
      }
      const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      let ordered = query
        .selectAll('conversations')
        .select([
          'customers.name as customer_name',
          'conversation_analyses.last_emotion',
          'conversation_analyses.last_intensity',
          'conversation_analyses.empathy_score',
          'conversation_analyses.satisfaction',
          'conversation_analyses.risk',
          sql<
            string | null
          >`(select body from messages m where m.conversation_id = conversations.id and m.type in ('incoming', 'outgoing') order by m.seq desc limit 1)`.as(
            'last_message',
          ),
        ]);
      if (q.sort === 'urgency')
        ordered = ordered.orderBy(URGENCY, 'desc').orderBy('conversations.waiting_since', (ob) => ob.asc().nullsLast());
      else if (q.sort === 'waiting') ordered = ordered.orderBy('conversations.waiting_since', (ob) => ob.asc().nullsLast());
      const rows = await ordered
        .orderBy('conversations.last_message_at', (ob) => ob.desc().nullsLast())
        .limit(q.limit)
        .offset(q.offset)
        .execute();
      return c.json(
        {
          total: Number(total.n),
          items: rows.map((row) => ({
            ...presentConversation(row),
            customerName: row.customer_name,
            lastMessage: row.last_message ? row.last_message.slice(0, 200) : null,
            analysis:
              row.risk === null
                ? null
                : {
                    lastEmotion: row.last_emotion,
                    lastIntensity: row.last_intensity,
                    empathyScore: row.empathy_score,
                    satisfaction: row.satisfaction,
                    risk: row.risk,
                  },
          })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/conversations',
      tags: ['conversations'],
      summary: 'Open a conversation (finds or creates the customer); idempotent per inbox with externalId',
      request: { body: { content: { 'application/json': { schema: CreateConversationSchema } }, required: true } },
      responses: {
        201: json(z.object({ conversation: ConversationSchema, message: MessageSchema.nullable() }), 'Created'),
        ...errors,
      },
    }),
    async (c) => {
      const deps = c.get('deps');
      const principal = c.get('principal');
      authorize(principal, 'conversation.write');
      const body = c.req.valid('json');
      const conversation = await createConversation(deps, {
        inboxId: body.inboxId,
        customer: body.customer,
        subject: body.subject,
        teamId: body.teamId,
        priority: body.priority,
        tags: body.tags,
        externalId: body.externalId,
      });
      const message = body.message
        ? await postMessage(deps, {
            conversationId: conversation.id,
            type: 'incoming',
            senderType: 'customer',
            body: body.message.body,
            idempotencyKey: body.message.idempotencyKey,
          })
        : undefined;
      return c.json({ conversation: presentConversation(conversation), message: message ? presentMessage(message.message) : null }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/conversations/{id}',
      tags: ['conversations'],
      summary: 'A conversation with its messages and their analyses',
      request: { params: IdParamSchema },
      responses: {
        200: json(
          z.object({
            conversation: ConversationSchema,
            messages: z.array(MessageSchema.extend({ analysis: z.unknown().nullable() })),
            analysis: z.unknown().nullable().openapi({
              description: 'The conversation analysis (trajectory, scorecard, satisfaction …); each message carries its own analysis',
            }),
          }),
          'The conversation',
        ),
        ...errors,
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const conversation = await loadVisibleConversation(db.kysely, c.get('principal'), c.req.valid('param').id);
      const messages = await db.kysely
        .selectFrom('messages')
        .leftJoin('message_analyses', 'message_analyses.message_id', 'messages.id')
        .selectAll('messages')
        .select('message_analyses.result as analysis')
        .where('messages.conversation_id', '=', conversation.id)
        .orderBy('messages.seq')
        .execute();
      const analysis = await db.kysely
        .selectFrom('conversation_analyses')
        .select('result')
        .where('conversation_id', '=', conversation.id)
        .executeTakeFirst();
      return c.json(
        {
          conversation: presentConversation(conversation),
          messages: messages.map((m) => ({ ...presentMessage(m), analysis: m.analysis ?? null })),
          analysis: analysis?.result ?? null,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/conversations/{id}',
      tags: ['conversations'],
      summary: 'Change status, priority, assignment, team or tags',
      request: { params: IdParamSchema, body: { content: { 'application/json': { schema: UpdateConversationSchema } }, required: true } },
      responses: { 200: json(ConversationSchema, 'Updated'), ...errors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const updated = await updateConversation(c.get('deps'), c.get('principal'), c.req.valid('param').id, {
        ...body,
        snoozedUntil: body.snoozedUntil === undefined ? undefined : body.snoozedUntil === null ? null : new Date(body.snoozedUntil),
      });
      return c.json(presentConversation(updated), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/conversations/{id}/messages',
      tags: ['conversations'],
      summary: 'Post a message; 201 only once it is stored; a retry with the same idempotencyKey returns 200 and the same message',
      request: { params: IdParamSchema, body: { content: { 'application/json': { schema: PostMessageSchema } }, required: true } },
      responses: { 201: json(MessageSchema, 'Stored'), 200: json(MessageSchema, 'Already stored (same idempotency key)'), ...errors },
    }),
    async (c) => {
      const deps = c.get('deps');
      const principal = c.get('principal');
      authorize(principal, 'conversation.write');
      const { id } = c.req.valid('param');
      // Who sees every conversation needs no lookup: the insert's own existence check answers 404 (one query less).
      if (visibleTeamIds(principal) !== 'all') await loadVisibleConversation(deps.db.kysely, principal, id);
      const body = c.req.valid('json');
      // Only integrations (API tokens) speak for the customer; people post replies and notes.
      if (body.type === 'incoming' && principal.kind !== 'token') throw forbidden('only API tokens may post customer messages');
      const posted = await postMessage(deps, {
        conversationId: id,
        type: body.type,
        senderType: body.type === 'incoming' ? 'customer' : 'agent',
        senderId: principal.kind === 'user' ? principal.id : null,
        body: body.body,
        idempotencyKey: body.idempotencyKey,
      });
      return c.json(presentMessage(posted.message), posted.created ? 201 : 200);
    },
  );

  return app;
}
