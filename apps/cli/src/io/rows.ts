import { TextRowSchema, DialogueRowSchema, describeIssue, MAX_TEXT_LENGTH } from '@tongli/shared';
import type { TaskRow } from '@tongli/engine';
import { readLines, type TextSource } from './decode.js';
import { toRole } from './roles.js';
import type { Skips } from './skips.js';

/** A task row plus the raw object (for gold labels in `eval`). */
export interface RawTaskRow {
  row: TaskRow;
  raw: Record<string, unknown>;
}

/**
 * Streams `predict` / `eval` / `train` rows from JSONL: texts `{id, text, context?}` or dialogues `{id, turns}`
 * (`'either'`: each line is read as a dialogue when it has `turns`, else as a text row).
 */
export async function* readTaskRows(source: TextSource, dialogues: boolean | 'either', skips: Skips): AsyncGenerator<RawTaskRow> {
  for await (const { line, text } of readLines(source, (n) => skips.add(`${source.name}:${n}: line longer than 16 MB, skipped`))) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      skips.add(`${source.name}:${line}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
      continue;
    }
    const isDialogue =
      dialogues === 'either'
        ? typeof value === 'object' && value !== null && Array.isArray((value as { turns?: unknown }).turns)
        : dialogues;
    if (isDialogue) {
      const parsed = DialogueRowSchema.safeParse(value);
      if (!parsed.success) {
        skips.add(`${source.name}:${line}: ${describeIssue(parsed.error, value)} (a dialogue {"id", "turns"} is expected)`);
        continue;
      }
      const turns = parsed.data.turns.flatMap((t) => {
        const role = toRole(t.role);
        return role ? [{ role, text: t.text.slice(0, MAX_TEXT_LENGTH) }] : [];
      });
      yield { row: { id: parsed.data.id, turns }, raw: value as Record<string, unknown> };
      continue;
    }
    const parsed = TextRowSchema.safeParse(value);
    if (!parsed.success) {
      skips.add(`${source.name}:${line}: ${describeIssue(parsed.error, value)} (a row {"id", "text"} is expected)`);
      continue;
    }
    const row: TaskRow = { id: parsed.data.id, text: parsed.data.text.slice(0, MAX_TEXT_LENGTH) };
    const context = parsed.data.context;
    if (typeof context === 'string') row.context = context;
    else if (Array.isArray(context)) row.context = context.map((t) => ({ role: toRole(t.role) ?? 'customer', text: t.text }));
    yield { row, raw: value as Record<string, unknown> };
  }
}
