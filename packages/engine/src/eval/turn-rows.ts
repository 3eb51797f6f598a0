/**
 * Turn-level labels inside whole dialogues (e.g. every agent turn of an ESConv dialogue carries its
 * `strategy`) as one labelled row per turn, shaped like the reply rows of a strategy set: the turn's text
 * with the turns before it as context, so one featuriser and one model serve both kinds of input.
 */
import type { Turn } from '../types.js';
import type { TaskRow } from '../tasks/predict.js';

/** Turns of context kept before each labelled turn: what the ESConv strategy set carries. */
const TURN_CONTEXT = 3;

export interface LabelledTurn {
  row: TaskRow;
  label: string;
}

/**
 * One row per turn of `role` whose `field` is a non-empty string. Row ids are `<dialogue>-t<index>` (index
 * in the dialogue's turns, three digits at least) — the ids the ESConv strategy set gives the same turns,
 * so a reader can drop a turn it already has from a set cut out of the same dialogues.
 */
export function labelledTurns(
  dialogue: { id: string; turns: readonly Turn[] },
  field: string,
  role: Turn['role'] = 'agent',
): LabelledTurn[] {
  const out: LabelledTurn[] = [];
  dialogue.turns.forEach((turn, index) => {
    // Evaluation and centre exports carry turn labels beside role and text.
    const label = (turn as unknown as Record<string, unknown>)[field];
    if (turn.role !== role || typeof label !== 'string' || label.trim() === '') return;
    const context = dialogue.turns.slice(Math.max(0, index - TURN_CONTEXT), index).map((t) => ({ role: t.role, text: t.text }));
    out.push({ row: { id: `${dialogue.id}-t${String(index).padStart(3, '0')}`, text: turn.text, context }, label: label.trim() });
  });
  return out;
}
