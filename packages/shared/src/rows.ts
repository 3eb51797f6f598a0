import { z } from 'zod';

/** Texts longer than this are cut before analysis (and the row is reported), so one huge cell cannot stall a batch. */
export const MAX_TEXT_LENGTH = 1_000_000;

export const TurnSchema = z.object({
  role: z.enum(['customer', 'agent']),
  text: z.string(),
});
export type Turn = z.infer<typeof TurnSchema>;

const AGENT_ROLES = new Set([
  'agent',
  'helpdesk',
  'supporter',
  'listener',
  'staff',
  'assistant',
  'operator',
  'rep',
  'support',
  'csr',
  '客服',
  '坐席',
  '座席',
  '客服代表',
]);
const CUSTOMER_ROLES = new Set([
  'customer',
  'user',
  'client',
  'seeker',
  'speaker',
  'visitor',
  'caller',
  'guest',
  '客户',
  '用户',
  '顾客',
  '访客',
]);

/** Maps the role names found in exports onto customer / agent; null for anything else (system notes, bots). */
export function toRole(value: unknown): 'customer' | 'agent' | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  if (AGENT_ROLES.has(v)) return 'agent';
  if (CUSTOMER_ROLES.has(v)) return 'customer';
  return null;
}

/** A conversation as exchanged in JSONL (`../shared/data` dialogue format) and by the API. */
export const DialogueRowSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    lang: z.string().optional(),
    channel: z.string().optional(),
    agent: z.string().optional(),
    customer: z.string().optional(),
    turns: z.array(
      z
        .object({
          role: z.string(),
          text: z.string(),
        })
        .passthrough(),
    ),
  })
  .passthrough();
export type DialogueRow = z.infer<typeof DialogueRowSchema>;

/** A single text to classify (`predict` / `eval` rows), optionally with the context it answers. */
export const TextRowSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    text: z.string(),
    context: z.union([z.string(), z.array(TurnSchema.passthrough())]).optional(),
  })
  .passthrough();
export type TextRow = z.infer<typeof TextRowSchema>;

/** One line of `analyze` input in CSV form. */
export const CsvMessageSchema = z.object({
  conversation_id: z.string().min(1),
  role: z.string().min(1),
  text: z.string(),
  agent: z.string().optional(),
  customer: z.string().optional(),
});
export type CsvMessage = z.infer<typeof CsvMessageSchema>;

/** Turns a zod error into one readable line. */
export function describeIssue(error: z.ZodError, input?: unknown): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid row';
  const path = issue.path.length > 0 ? issue.path.join('.') : 'row';
  // A union's own message says only "Invalid input"; a field that is not there at all is the usual mistake.
  if (input !== undefined && issue.path.length > 0) {
    let at: unknown = input;
    for (const key of issue.path) at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined;
    if (at === undefined) return `${path}: missing`;
  }
  return `${path}: ${issue.message}`;
}
