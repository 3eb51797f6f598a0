import { z } from '@hono/zod-openapi';
import { EMOTIONS, SIGNALS } from '@tongli/engine';

/** The events a rule can listen to (Chatwoot-style `noun.verb_past`). */
export const AUTOMATION_EVENTS = ['conversation.created', 'conversation.updated', 'message.analyzed'] as const;
export const AutomationEventSchema = z.enum(AUTOMATION_EVENTS);

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const TIME = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
const timeZone = z
  .string()
  .min(1)
  .max(60)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'unknown time zone');

/** A weekly schedule in a time zone: for each day the open intervals (`09:00`–`18:00`); a missing day is closed. */
export const WeeklyScheduleSchema = z
  .object({
    timezone: timeZone,
    days: z.partialRecord(
      z.enum(WEEKDAYS),
      z.array(z.object({ start: TIME, end: TIME }).refine((i) => i.start < i.end, 'start must be before end')).max(6),
    ),
  })
  .openapi('WeeklySchedule');
export type WeeklySchedule = z.infer<typeof WeeklyScheduleSchema>;

const words = z.array(z.string().trim().min(1).max(200)).min(1).max(50);
const uuids = z.array(z.uuid()).min(1).max(100);

/** Whitelisted conditions: each compares one fact of the event with the values the rule holds. */
export const ConditionSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('channel'), in: z.array(z.enum(['web', 'email', 'api', 'import'])).min(1) }),
    z.object({ type: z.literal('inbox'), in: uuids }),
    z.object({ type: z.literal('team'), in: uuids }),
    /** Any of the words in the message (or, for conversation events, the subject); case-insensitive. */
    z.object({ type: z.literal('text'), contains: words, negate: z.boolean().optional() }),
    z.object({ type: z.literal('emotion'), in: z.array(z.enum(EMOTIONS)).min(1), minIntensity: z.number().min(0).max(1).optional() }),
    z.object({ type: z.literal('intensity'), min: z.number().min(0).max(1).optional(), max: z.number().min(0).max(1).optional() }),
    /** Any of these risk flags on the message (or the conversation so far). */
    z.object({ type: z.literal('risk'), any: z.array(z.enum(SIGNALS)).min(1) }),
    z.object({
      type: z.literal('tag'),
      any: z.array(z.string().min(1).max(60)).max(50).optional(),
      none: z.array(z.string().min(1).max(60)).max(50).optional(),
    }),
    z.object({ type: z.literal('priority'), in: z.array(z.enum(['low', 'normal', 'high', 'urgent'])).min(1) }),
    z.object({ type: z.literal('status'), in: z.array(z.enum(['open', 'pending', 'snoozed', 'resolved'])).min(1) }),
    z.object({ type: z.literal('language'), in: z.array(z.enum(['zh', 'en', 'mixed', 'unknown'])).min(1) }),
    z.object({ type: z.literal('direction'), in: z.array(z.enum(['incoming', 'outgoing'])).min(1) }),
    /** A customer attribute (`customers.attributes`): equal, not equal, contains, exists, at least, at most. */
    z.object({
      type: z.literal('attribute'),
      key: z
        .string()
        .min(1)
        .max(100)
        .regex(/^[\w.-]+$/),
      op: z.enum(['eq', 'neq', 'contains', 'exists', 'gte', 'lte']),
      value: z.union([z.string().max(500), z.number(), z.boolean()]).optional(),
    }),
    /** Inside (or outside) the rule's own weekly schedule at the time of the event. */
    z.object({ type: z.literal('business_hours'), inside: z.boolean(), schedule: WeeklyScheduleSchema }),
  ])
  .openapi('AutomationCondition');
export type Condition = z.infer<typeof ConditionSchema>;

export const ConditionsSchema = z
  .object({ match: z.enum(['all', 'any']).default('all'), conditions: z.array(ConditionSchema).max(30) })
  .openapi('AutomationConditions');
export type Conditions = z.infer<typeof ConditionsSchema>;

/** Whitelisted actions, run in order. */
export const ActionSchema = z
  .discriminatedUnion('type', [
    z
      .object({ type: z.literal('assign'), userId: z.uuid().optional(), teamId: z.uuid().optional() })
      .refine((a) => a.userId !== undefined || a.teamId !== undefined, 'assign needs userId or teamId'),
    z.object({ type: z.literal('add_tag'), tags: z.array(z.string().trim().min(1).max(60)).min(1).max(20) }),
    z.object({ type: z.literal('set_priority'), priority: z.enum(['low', 'normal', 'high', 'urgent']) }),
    /** A canned reply per language; the customer's language picks one (the other is the fallback). */
    z
      .object({ type: z.literal('send_canned_reply'), zh: z.uuid().optional(), en: z.uuid().optional() })
      .refine((a) => a.zh !== undefined || a.en !== undefined, 'send_canned_reply needs a zh or en canned reply'),
    z.object({
      type: z.literal('notify_supervisor'),
      severity: z.enum(['info', 'warning', 'critical']).default('warning'),
      note: z.string().max(500).optional(),
    }),
    /** Posts the firing to a registered webhook (signed with its secret, retried like every delivery). */
    z.object({ type: z.literal('webhook'), webhookId: z.uuid() }),
  ])
  .openapi('AutomationAction');
export type Action = z.infer<typeof ActionSchema>;

export const ActionsSchema = z.array(ActionSchema).min(1).max(20);

export const RuleInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    enabled: z.boolean().default(true),
    event: AutomationEventSchema,
    conditions: ConditionsSchema,
    actions: ActionsSchema,
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .openapi('AutomationRuleInput');
export type RuleInput = z.infer<typeof RuleInputSchema>;
