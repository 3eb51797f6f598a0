import { z } from '@hono/zod-openapi';

export const StrategySchema = z.enum(['round_robin', 'least_busy', 'skills']);
export const FallbackSchema = z.enum(['round_robin', 'least_busy', 'none']);
export const PresenceSchema = z.enum(['online', 'away', 'offline']);
const SkillsSchema = z.array(z.string().trim().min(1).max(60)).max(50);

export const QueueSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    inboxId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
    strategy: StrategySchema,
    fallback: FallbackSchema,
    requiredSkills: z.array(z.string()),
    matchLanguage: z.boolean(),
    continuity: z.boolean(),
    emotionAware: z.boolean(),
    angerThreshold: z.number(),
    abuseCooldownMinutes: z.number().int(),
    escalateToSupervisor: z.boolean(),
    enabled: z.boolean(),
    lastAssignedId: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('RoutingQueue');

const queueFields = {
  name: z.string().trim().min(1).max(200),
  inboxId: z.uuid().nullable().optional(),
  teamId: z.uuid().nullable().optional(),
  strategy: StrategySchema.optional(),
  fallback: FallbackSchema.optional(),
  requiredSkills: SkillsSchema.optional(),
  matchLanguage: z.boolean().optional(),
  continuity: z.boolean().optional(),
  emotionAware: z.boolean().optional(),
  angerThreshold: z.number().min(0).max(1).optional(),
  abuseCooldownMinutes: z.number().int().min(0).max(1440).optional(),
  escalateToSupervisor: z.boolean().optional(),
  enabled: z.boolean().optional(),
};

export const CreateQueueSchema = z.object(queueFields).strict().openapi('CreateRoutingQueue');
export const UpdateQueueSchema = z
  .object({ ...queueFields, name: queueFields.name.optional() })
  .strict()
  .openapi('UpdateRoutingQueue');

export const RoutingAgentSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: z.enum(['agent', 'supervisor']),
    teamIds: z.array(z.uuid()),
    skills: z.array(z.string()),
    languages: z.array(z.string()),
    presence: PresenceSchema,
    presenceChangedAt: z.string().nullable(),
    capacity: z.number().int(),
    load: z.number().int(),
    turnaround: z
      .object({
        mean: z.number().nullable(),
        score: z.number().nullable().openapi({ description: 'Mean shrunk towards 0 (ranking used for upset customers)' }),
        conversations: z.number().int(),
      })
      .openapi({ description: 'Emotion turnaround on resolved conversations with an upset customer, last 90 days' }),
    lastAbuseAt: z.string().nullable(),
    rank: z.number().int().nullable().openapi({ description: '1 = best turnaround; null when unmeasured' }),
  })
  .openapi('RoutingAgent');

export const UpdateAgentRoutingSchema = z
  .object({ presence: PresenceSchema.optional(), capacity: z.number().int().min(0).max(100).optional(), skills: SkillsSchema.optional() })
  .strict()
  .openapi('UpdateAgentRouting');

export const PresenceInputSchema = z.object({ presence: PresenceSchema }).strict().openapi('PresenceInput');
export const MyRoutingSchema = z
  .object({ presence: PresenceSchema, capacity: z.number().int(), load: z.number().int() })
  .openapi('MyRouting');

export const DecisionSchema = z
  .object({
    id: z.number().int(),
    conversationId: z.uuid(),
    queueId: z.uuid().nullable(),
    queueName: z.string().nullable(),
    assigneeId: z.uuid().nullable(),
    assigneeName: z.string().nullable(),
    reason: z.string(),
    details: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .openapi('RoutingDecision');

export const DecisionQuerySchema = z.object({
  conversationId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
