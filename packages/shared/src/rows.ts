import { z } from 'zod';

/** Texts longer than this are cut before analysis (and the row is reported), so one huge cell cannot stall a batch. */
export const MAX_TEXT_LENGTH = 1_000_000;

export const TurnSchema = z.object({
  role: z.enum(['customer', 'agent']),
  text: z.string(),
});
export type Turn = z.infer<typeof TurnSchema>;

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
          role: z
            .string()
            .transform((r) =>
              /^(agent|helpdesk|supporter|listener|staff|assistant|客服|坐席|座席)$/i.test(r.trim()) ? 'agent' : 'customer',
            ),
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
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid row';
  const path = issue.path.length > 0 ? issue.path.join('.') : 'row';
  return `${path}: ${issue.message}`;
}
