import type { Lang } from '../types.js';
import { parseModel, type LinearModel } from './linear.js';

export const MODEL_TASKS = [
  'emotion',
  'sentiment',
  'abuse',
  'strategy',
  'empathy:emotional_reactions',
  'empathy:interpretations',
  'empathy:explorations',
  'satisfaction',
] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

/** Which rule features a task's model reads. */
export type FeatureKind = 'customer' | 'agent' | 'dialogue';
export function featureKind(task: ModelTask): FeatureKind {
  if (task === 'strategy' || task.startsWith('empathy:')) return 'agent';
  return task === 'satisfaction' ? 'dialogue' : 'customer';
}

/**
 * Tasks whose model reads the customer's message a reply answers as a second n-gram group (stored as
 * `meta.context` in the model). Chosen by 2×3-fold cross-validation of `tongli train` on train rows:
 * EPITOME explorations .642 → .663; ESConv strategy .451 → .452, EPITOME interpretations .536 → .534
 * and emotional reactions .676 → .673 (noise), so those stay on the reply alone
 * (docs/adr/0004-learned-layer.md).
 */
const CONTEXT_TASKS: readonly ModelTask[] = ['empathy:explorations'];
export function readsContext(task: ModelTask): boolean {
  return CONTEXT_TASKS.includes(task);
}

/**
 * Tasks whose model is an ensemble: the default `ngrams` view and a `words` view (token 1–3-grams),
 * trained apart and averaged. Chosen by 3-fold cross-validation of the trainer on train rows: sentiment
 * GoEmotions .677 → .690, waimai .884 → .882, hotel .882 → .884, shopping .909 → .909; strategy
 * (ESConv, four shuffles) +1.2 to +1.4 points on each, .452 → .464 on two; EPITOME interpretations
 * .537 → .541 (noise, so empathy stays one view; docs/adr/0004-learned-layer.md).
 */
const ENSEMBLE_TASKS: readonly ModelTask[] = ['sentiment', 'strategy'];
export function ensembles(task: ModelTask): boolean {
  return ENSEMBLE_TASKS.includes(task);
}

/** Hash seed per task family, so the same n-gram lands in different buckets for different tasks. */
export const FEATURE_SEED = 0x7a11;

export interface ModelSet {
  /** The model for a task that covers a language (a model without `meta.langs` covers both). */
  pick(task: ModelTask, lang: Lang): LinearModel | undefined;
  readonly all: readonly LinearModel[];
}

/**
 * Validates and indexes models: each must be for a known task and carry the dense features this engine
 * computes for it (a model trained by another version with other features is refused, not misread).
 */
export function loadModels(input: readonly unknown[], denseFor: (kind: FeatureKind) => readonly string[]): ModelSet {
  const all = input.map((m) =>
    m && typeof m === 'object' && (m as LinearModel).weights instanceof Float32Array ? (m as LinearModel) : parseModel(m),
  );
  for (const m of all) {
    if (!(MODEL_TASKS as readonly string[]).includes(m.task))
      throw new Error(`tongli: model task "${m.task}" is unknown (expected one of ${MODEL_TASKS.join(', ')})`);
    const expected = denseFor(featureKind(m.task as ModelTask));
    if (m.dense.length !== expected.length || m.dense.some((d, i) => d !== expected[i])) {
      throw new Error(
        `tongli: the ${m.task} model was trained with other rule features than this engine computes; retrain it with tongli train`,
      );
    }
  }
  const langs = (m: LinearModel): string[] => (Array.isArray(m.meta.langs) ? (m.meta.langs as string[]) : ['zh', 'en']);
  return {
    all,
    pick(task, lang) {
      const want = lang === 'en' ? 'en' : 'zh';
      return all.find((m) => m.task === task && (lang === 'mixed' || langs(m).includes(want)));
    },
  };
}
