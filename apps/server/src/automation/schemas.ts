import { z } from '@hono/zod-openapi';
import { ActionSchema, ActionsSchema, AutomationEventSchema, ConditionsSchema } from './rules.js';

export { RuleInputSchema } from './rules.js';

export const RuleSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    enabled: z.boolean(),
    event: AutomationEventSchema,
    conditions: ConditionsSchema,
    actions: z.array(ActionSchema),
    position: z.number().int(),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('AutomationRule');

export const UpdateRuleSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    enabled: z.boolean().optional(),
    event: AutomationEventSchema.optional(),
    conditions: ConditionsSchema.optional(),
    actions: ActionsSchema.optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict()
  .openapi('UpdateAutomationRule');

const ActionOutcomeSchema = z.object({
  type: z.string(),
  status: z.enum(['done', 'queued', 'skipped', 'failed']),
  detail: z.string().optional(),
});

export const FiringSchema = z
  .object({
    id: z.uuid(),
    ruleId: z.uuid().nullable(),
    ruleName: z.string(),
    conversationId: z.uuid(),
    messageId: z.uuid().nullable(),
    event: AutomationEventSchema,
    actions: z.array(ActionOutcomeSchema),
    createdAt: z.string(),
  })
  .openapi('AutomationFiring');

export const FiringQuerySchema = z.object({
  ruleId: z.uuid().optional(),
  conversationId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const DryRunQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(200).openapi({ description: 'How many recent conversations to evaluate' }),
});

export const DryRunInputSchema = z
  .object({ event: AutomationEventSchema, conditions: ConditionsSchema, limit: z.number().int().min(1).max(1000).default(200) })
  .openapi('AutomationDryRunInput');

export const DryRunResultSchema = z
  .object({
    evaluated: z.number().int(),
    matches: z.array(
      z.object({
        conversationId: z.uuid(),
        subject: z.string(),
        at: z.string(),
        text: z.string(),
        emotion: z.string().nullable(),
        intensity: z.number().nullable(),
        results: z.array(z.object({ type: z.string(), matched: z.boolean() })),
      }),
    ),
  })
  .openapi('AutomationDryRunResult');
