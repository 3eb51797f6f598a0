import { z } from '@hono/zod-openapi';

/** Customer text is capped so one request cannot exhaust memory or the analyser's time. */
export const MAX_BODY_CHARS = 20_000;

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .openapi('Error');

export const IdParamSchema = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

export const IdentitySchema = z.object({
  kind: z.enum(['phone', 'email', 'visitor', 'external']),
  value: z.string().min(1).max(320),
});

export const ConversationSchema = z
  .object({
    id: z.uuid(),
    inboxId: z.uuid(),
    customerId: z.uuid(),
    teamId: z.uuid().nullable(),
    assigneeId: z.uuid().nullable(),
    status: z.enum(['open', 'pending', 'snoozed', 'resolved']),
    priority: z.enum(['low', 'normal', 'high', 'urgent']),
    subject: z.string(),
    tags: z.array(z.string()),
    externalId: z.string().nullable(),
    snoozedUntil: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastMessageAt: z.string().nullable(),
    waitingSince: z.string().nullable(),
    firstResponseAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
  })
  .openapi('Conversation');

export const MessageSchema = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    type: z.enum(['incoming', 'outgoing', 'note', 'activity']),
    senderType: z.enum(['customer', 'agent', 'system']),
    senderId: z.string().nullable(),
    body: z.string(),
    contentType: z.enum(['text', 'email']),
    idempotencyKey: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Message');

export const AnalysisSummarySchema = z
  .object({
    lastEmotion: z.string().nullable(),
    lastIntensity: z.number().nullable(),
    empathyScore: z.number().nullable(),
    satisfaction: z.number().nullable(),
    risk: z.array(z.string()),
  })
  .openapi('ConversationAnalysisSummary');

export const ConversationListItemSchema = ConversationSchema.extend({
  customerName: z.string(),
  analysis: AnalysisSummarySchema.nullable(),
  lastMessage: z.string().nullable(),
}).openapi('ConversationListItem');

export const CreateConversationSchema = z
  .object({
    inboxId: z.uuid(),
    customer: z.object({
      name: z.string().max(200).optional(),
      locale: z.string().max(20).optional(),
      identities: z.array(IdentitySchema).max(10).default([]),
    }),
    subject: z.string().max(500).optional(),
    teamId: z.uuid().nullable().optional(),
    priority: z.enum(['low', 'normal', 'high', 'urgent']).optional(),
    tags: z.array(z.string().min(1).max(60)).max(30).optional(),
    externalId: z.string().min(1).max(200).optional(),
    message: z.object({ body: z.string().min(1).max(MAX_BODY_CHARS), idempotencyKey: z.string().min(8).max(200).optional() }).optional(),
  })
  .openapi('CreateConversation');

export const UpdateConversationSchema = z
  .object({
    status: z.enum(['open', 'pending', 'snoozed', 'resolved']).optional(),
    priority: z.enum(['low', 'normal', 'high', 'urgent']).optional(),
    assigneeId: z.uuid().nullable().optional(),
    teamId: z.uuid().nullable().optional(),
    tags: z.array(z.string().min(1).max(60)).max(30).optional(),
    snoozedUntil: z.iso.datetime().nullable().optional(),
  })
  .openapi('UpdateConversation');

export const PostMessageSchema = z
  .object({
    body: z.string().trim().min(1).max(MAX_BODY_CHARS),
    /** incoming: from the customer (API integrations); outgoing: a reply; note: private, agents only. */
    type: z.enum(['incoming', 'outgoing', 'note']).default('outgoing'),
    idempotencyKey: z.string().min(8).max(200).optional(),
  })
  .openapi('PostMessage');
