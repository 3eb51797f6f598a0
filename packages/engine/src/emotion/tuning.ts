import type { CueEmotion } from '../types.js';

/**
 * Numbers the customer analyser uses. Defaults live here; `data/tuning.json` overrides them with values
 * chosen on `train` rows only (see `bench/tune.ts`).
 */
export interface CustomerTuning {
  /** Characters between a modifier and the cue it modifies. */
  modifierWindow: number;
  /** A negated evaluative word keeps this share of its valence, flipped ("not good" is milder than "bad"). */
  negatedValence: number;
  negatedSatisfaction: number;
  exclamationBoost: number;
  exclamationFrustration: number;
  capsBoost: number;
  capsAnger: number;
  questionRunAnger: number;
  questionRunConfusion: number;
  /** Below this score the message is `neutral`. */
  minEmotionScore: number;
  /** Per-emotion multipliers for English messages (base rates differ between cues). */
  emotionBias: Partial<Record<CueEmotion, number>>;
  /** Squashes summed valence into −1..1: v / sqrt(v² + alpha). */
  sentimentAlpha: number;
  /** A named social group with negative valence at least this strong (or anger this high) is derogation. */
  derogationValence: number;
  derogationAnger: number;
  derogationSeverity: number;
  /** With no emotion cue, |sentiment| at least this reads as satisfaction or frustration. */
  sentimentFallback: number;
}

export const DEFAULT_CUSTOMER_TUNING: CustomerTuning = {
  modifierWindow: 6,
  negatedValence: 0.75,
  negatedSatisfaction: 0.8,
  exclamationBoost: 0.1,
  exclamationFrustration: 0.2,
  capsBoost: 0.3,
  capsAnger: 0.3,
  questionRunAnger: 0.2,
  questionRunConfusion: 0.25,
  minEmotionScore: 0.3,
  emotionBias: {},
  sentimentAlpha: 1,
  derogationValence: 0.5,
  derogationAnger: 0.4,
  derogationSeverity: 0.5,
  sentimentFallback: 0.5,
};

/** Decision thresholds for the evaluation tasks. */
export interface TaskTuning {
  sentiment: { positive: number; negative: number };
  /** Severity from which a message counts as abusive, per language of the message (mixed uses zh). */
  abuse: { zh: number; en: number };
  satisfaction: { weights: Record<string, number>; bias: number; low: number; high: number };
  strategyPriority: string[];
  empathy: { erStrong: number; ipStrong: number; exStrong: number };
}

export const DEFAULT_TASK_TUNING: TaskTuning = {
  sentiment: { positive: 0.15, negative: -0.15 },
  abuse: { zh: 0.4, en: 0.45 },
  satisfaction: {
    weights: { endSentiment: 1, turnaround: 0.4, empathy: 0.4, harmful: -0.15, signals: -0.3, resolved: 0.3 },
    bias: 0,
    low: -0.2,
    high: 0.25,
  },
  strategyPriority: [
    'self_disclosure',
    'paraphrase',
    'acknowledge_emotion',
    'sincere_apology',
    'suggestion',
    'positive_no',
    'information',
    'expectation_setting',
    'open_question',
    'confirm_understanding',
    'dismissive_question',
    'closed_question',
    'reassurance',
    'positive_assurance',
    'ownership',
    'thanks',
    'verbal_nod',
    'other',
  ],

  // Hand-set from the EPITOME definitions: one clear interpretation or question is already "strong";
  // an emotional reaction needs more than one cue to be.
  empathy: { erStrong: 1.5, ipStrong: 0.5, exStrong: 0.35 },
};

export interface Tuning {
  customer: CustomerTuning;
  tasks: TaskTuning;
}

/** Merges `data/tuning.json` (possibly partial) over the defaults. */
export function resolveTuning(raw: unknown): Tuning {
  const data = (raw ?? {}) as { customer?: Partial<CustomerTuning>; tasks?: Partial<TaskTuning> };
  return {
    customer: { ...DEFAULT_CUSTOMER_TUNING, ...data.customer },
    tasks: { ...DEFAULT_TASK_TUNING, ...data.tasks },
  };
}
