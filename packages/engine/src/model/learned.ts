import type { AnalyzeCustomer } from '../emotion/customer.js';
import type { AgentAnalyzer } from '../techniques/agent.js';
import { contextTurns, type TaskRow } from '../tasks/predict.js';
import type { Normalize, NormalizedText } from '../text/normalize.js';
import type { ConversationAnalysis, CustomerAnalysis, Dialogue, Emotion, Lang } from '../types.js';
import { originalSpan } from '../text/normalize.js';
import { createFeaturizer, MAX_FEATURES, type SparseVector } from './features.js';
import { predictProba, topContribution, topContributions, type LinearModel } from './linear.js';
import { FEATURE_SEED, featureKind, loadModels, readsContext, type FeatureKind, type ModelSet, type ModelTask } from './models.js';
import {
  agentDense,
  agentDenseNames,
  CUSTOMER_DENSE,
  customerDense,
  writeCustomerDense,
  DIALOGUE_DENSE,
  dialogueDense,
  dialogueText,
} from './task-features.js';
import { trainLinear, type Example } from './train.js';

export const DEFAULT_BUCKETS = 1 << 18;
/** The abuse model flags a message the lexicons missed only when it is this sure (a false alarm reaches a supervisor). */
const ABUSE_MODEL_CUT = 0.8;
/** A rule emotion at least this intense is kept; the model replaces a weaker one when at least MODEL_SURE confident. */
const RULES_CLEAR = 0.5;
const MODEL_SURE = 0.5;

export interface LearnedDeps {
  normalize: Normalize;
  analyzeCustomer: AnalyzeCustomer;
  agent: AgentAnalyzer;
  analyzeConversation: (dialogue: Dialogue) => ConversationAnalysis;
  techniqueIds: readonly string[];
  models: readonly unknown[];
}

export interface LearnedPrediction {
  label: string;
  /** Probability of each label, in the model's label order. */
  probabilities: Record<string, number>;
  /** The n-grams and rule features that pushed the chosen label up the most. */
  reasons: string[];
  lang: Lang;
}

interface Featurized {
  x: SparseVector;
  dense: number[];
  lang: Lang;
  /** Where the context's n-grams start in `text` (text + newline + context), for explanations. */
  contextFrom?: number;
  text: string;
  ngrams: Map<number, [number, number]>;
}

export interface TrainModelOptions {
  epochs?: number;
  seed?: number;
  buckets?: number;
  langs?: ('zh' | 'en')[];
  meta?: Record<string, unknown>;
}

/**
 * Fused logits of a bank for one message (a small function of its own, so the JIT optimises it alone).
 * Each column's sum runs in a register, four columns side by side so their additions overlap: the same
 * additions in the same order as feature by feature (so the same bits), without a store and reload of
 * every logit per n-gram. `rows` is scratch space for the row offsets of the n-grams and the non-zero
 * rule features, `values` for the latter's values.
 */
function accumulate(
  bank: { buckets: number; width: number; weights: Int8Array; scales: Float64Array; bias: Float64Array },
  x: SparseVector,
  dense: ArrayLike<number>,
  logits: Float64Array,
  rows: Int32Array,
  denseValues: Float64Array,
): void {
  const { width, weights, scales, bias } = bank;
  const n = x.length;
  const indices = x.indices;
  const values = x.values;
  for (let k = 0; k < n; k++) rows[k] = indices[k]! * width;
  let m = 0;
  for (let d = 0; d < dense.length; d++) {
    const v = dense[d]!;
    if (v === 0) continue;
    rows[n + m] = (bank.buckets + d) * width;
    denseValues[m++] = v;
  }
  let j = 0;
  for (; j + 4 <= width; j += 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < n; k++) {
      const v = values[k]!;
      const at = rows[k]! + j;
      s0 += v * weights[at]!;
      s1 += v * weights[at + 1]!;
      s2 += v * weights[at + 2]!;
      s3 += v * weights[at + 3]!;
    }
    for (let k = 0; k < m; k++) {
      const v = denseValues[k]!;
      const at = rows[n + k]! + j;
      s0 += v * weights[at]!;
      s1 += v * weights[at + 1]!;
      s2 += v * weights[at + 2]!;
      s3 += v * weights[at + 3]!;
    }
    logits[j] = s0 * scales[j]! + bias[j]!;
    logits[j + 1] = s1 * scales[j + 1]! + bias[j + 1]!;
    logits[j + 2] = s2 * scales[j + 2]! + bias[j + 2]!;
    logits[j + 3] = s3 * scales[j + 3]! + bias[j + 3]!;
  }
  for (; j + 2 <= width; j += 2) {
    let s0 = 0;
    let s1 = 0;
    for (let k = 0; k < n; k++) {
      const v = values[k]!;
      const at = rows[k]! + j;
      s0 += v * weights[at]!;
      s1 += v * weights[at + 1]!;
    }
    for (let k = 0; k < m; k++) {
      const v = denseValues[k]!;
      const at = rows[n + k]! + j;
      s0 += v * weights[at]!;
      s1 += v * weights[at + 1]!;
    }
    logits[j] = s0 * scales[j]! + bias[j]!;
    logits[j + 1] = s1 * scales[j + 1]! + bias[j + 1]!;
  }
  for (; j < width; j++) {
    let s0 = 0;
    for (let k = 0; k < n; k++) s0 += values[k]! * weights[rows[k]! + j]!;
    for (let k = 0; k < m; k++) s0 += denseValues[k]! * weights[rows[n + k]! + j]!;
    logits[j] = s0 * scales[j]! + bias[j]!;
  }
}

/** The learned layer: featurises rows for a task (n-grams + the rules' outputs), predicts with loaded models, trains new ones. */
export function createLearnedLayer(deps: LearnedDeps) {
  const densePerKind: Record<FeatureKind, readonly string[]> = {
    customer: CUSTOMER_DENSE,
    agent: agentDenseNames(deps.techniqueIds),
    dialogue: DIALOGUE_DENSE,
  };
  const models: ModelSet = loadModels(deps.models, (kind) => densePerKind[kind]);
  const featurizers = new Map<number, ReturnType<typeof createFeaturizer>>();
  const featurizerFor = (buckets: number) => {
    let f = featurizers.get(buckets);
    if (!f) {
      f = createFeaturizer({ buckets });
      featurizers.set(buckets, f);
    }
    return f;
  };

  /** `withContext`: add the customer's message a reply answers as a second n-gram group (agent tasks whose model reads it). */
  function featurize(task: ModelTask, row: TaskRow, buckets: number, explain: boolean, withContext = false): Featurized {
    const kind = featureKind(task);
    const ngrams = new Map<number, [number, number]>();
    const sink = explain ? (index: number, start: number, end: number) => void ngrams.set(index, [start, end]) : undefined;
    const f = featurizerFor(buckets);
    if (kind === 'customer') {
      const text = row.text ?? '';
      const c = deps.analyzeCustomer(text);
      const norm = deps.normalize(text).text;
      return { x: f(norm, FEATURE_SEED, sink), dense: customerDense(c), lang: c.lang, text: norm, ngrams };
    }
    if (kind === 'agent') {
      const text = row.text ?? '';
      const context = contextTurns(row.context);
      const customer = context.customer !== undefined ? deps.analyzeCustomer(context.customer) : undefined;
      const a = deps.agent.analyzeAgent(text, customer ? { ...context, customerAnalysis: customer } : context);
      const norm = deps.normalize(text).text;
      // The customer's message the reply answers is a second n-gram group (what a reply does depends on
      // what it answers: a question after a question is not a restatement).
      const said = withContext && context.customer !== undefined ? deps.normalize(context.customer).text : '';
      return {
        x: f(norm, FEATURE_SEED, sink, said),
        dense: agentDense(deps.techniqueIds, a, customer),
        lang: a.lang,
        text: said ? `${norm}\n${said}` : norm,
        contextFrom: said ? norm.length + 1 : undefined,
        ngrams,
      };
    }
    const turns = row.turns ?? [];
    const c = deps.analyzeConversation({ id: row.id, turns });
    const norm = deps.normalize(dialogueText(turns)).text;
    return { x: f(norm, FEATURE_SEED, sink), dense: dialogueDense(c), lang: c.lang, text: norm, ngrams };
  }

  function explainWith(model: LinearModel, fz: Featurized, label: number): string[] {
    const dense = densePerKind[featureKind(model.task as ModelTask)];
    return topContributions(model, fz.x, fz.dense, label, 5).map(([index]) => {
      if (index >= model.buckets) return dense[index - model.buckets] ?? 'rule';
      const at = fz.ngrams.get(index);
      if (!at) return `#${index}`;
      const ngram = fz.text.slice(at[0], at[1]);
      return fz.contextFrom !== undefined && at[0] >= fz.contextFrom ? `context:${ngram}` : ngram;
    });
  }

  const hasCustomerModels = models.all.some((m) => m.task === 'emotion' || m.task === 'sentiment' || m.task === 'abuse');

  /**
   * The customer-message models of one language fused into a single feature-major matrix (emotion,
   * sentiment and abuse columns side by side): one memory fetch per n-gram serves all three, which
   * keeps the per-message cost inside the speed budget.
   */
  interface Bank {
    buckets: number;
    parts: { model: LinearModel; offset: number }[];
    width: number;
    /** int8, one scale per column: a quarter of the memory traffic (the model files are int8 already). */
    weights: Int8Array;
    scales: Float64Array;
    bias: Float64Array;
  }
  /** Built on first use, per language: en, mixed, zh. */
  const banks: (Bank | null | undefined)[] = [undefined, undefined, undefined];
  function bankFor(lang: Lang): Bank | null {
    const key = lang === 'en' ? 0 : lang === 'mixed' ? 1 : 2;
    const cached = banks[key];
    if (cached !== undefined) return cached;
    const picked = (['emotion', 'sentiment', 'abuse'] as const)
      .map((t) => models.pick(t, lang))
      .filter((m): m is LinearModel => m !== undefined);
    const buckets = picked[0]?.buckets;
    const usable = picked.filter((m) => m.buckets === buckets);
    if (usable.length === 0 || buckets === undefined) {
      banks[key] = null;
      return null;
    }
    const parts: Bank['parts'] = [];
    let width = 0;
    for (const model of usable) {
      parts.push({ model, offset: width });
      width += model.labels.length;
    }
    const rows = buckets + CUSTOMER_DENSE.length;
    const weights = new Int8Array(rows * width);
    const scales = new Float64Array(width);
    const bias = new Float64Array(width);
    for (const { model, offset } of parts) {
      const classes = model.labels.length;
      for (let c = 0; c < classes; c++) {
        let max = 0;
        for (let r = 0; r < rows; r++) max = Math.max(max, Math.abs(model.weights[r * classes + c] ?? 0));
        const scale = max > 0 ? max / 127 : 1;
        scales[offset + c] = scale;
        for (let r = 0; r < rows; r++) weights[r * width + offset + c] = Math.round((model.weights[r * classes + c] ?? 0) / scale);
        bias[offset + c] = model.bias[c] ?? 0;
      }
    }
    const bank = { buckets, parts, width, weights, scales, bias };
    banks[key] = bank;
    return bank;
  }
  const logits = new Float64Array(64);
  const rows = new Int32Array(MAX_FEATURES + CUSTOMER_DENSE.length);
  const denseValues = new Float64Array(CUSTOMER_DENSE.length);
  const probs = new Float64Array(64);
  const denseBuffer = new Float64Array(CUSTOMER_DENSE.length);
  const reusable = new Map<number, ReturnType<typeof createFeaturizer>>();
  /** The per-message featuriser: its vector views buffers that the next call overwrites. */
  const reusingFeaturizerFor = (buckets: number) => {
    let f = reusable.get(buckets);
    if (!f) {
      f = createFeaturizer({ buckets }, { reuse: true });
      reusable.set(buckets, f);
    }
    return f;
  };

  /** Softmax over one model's columns of the fused logits, into `probs` at the same offsets; returns the best column. */
  function softmax(model: LinearModel, offset: number): number {
    const classes = model.labels.length;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[offset + c]! / model.temperature);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[offset + c]! / model.temperature - max);
      probs[offset + c] = e;
      sum += e;
    }
    let best = 0;
    for (let c = 0; c < classes; c++) {
      probs[offset + c] = probs[offset + c]! / sum;
      if (probs[offset + c]! > probs[offset + best]!) best = c;
    }
    return best;
  }

  /**
   * Adds the customer-message models' view to a rule analysis: the emotion and sentiment models set the
   * label and score (the rules' cues stay as the explanation), and the abuse model flags abuse the
   * lexicons missed, pointing at its strongest n-gram.
   */
  function refineCustomer(c: CustomerAnalysis, original: string, prepared?: NormalizedText): CustomerAnalysis {
    if (!hasCustomerModels) return c;
    const bank = bankFor(c.lang);
    if (!bank) return c;
    const norm = prepared ?? deps.normalize(original);
    const featurizeMessage = reusingFeaturizerFor(bank.buckets);
    const x = featurizeMessage(norm.text, FEATURE_SEED);
    const dense = writeCustomerDense(c, denseBuffer);
    accumulate(bank, x, dense, logits, rows, denseValues);
    const model: NonNullable<CustomerAnalysis['model']> = { reasons: [] };
    let emotion = c.emotion;
    let intensity = c.intensity;
    let sentiment = c.sentiment;
    let signals = c.signals;
    for (const { model: m, offset } of bank.parts) {
      const best = softmax(m, offset);
      if (m.task === 'emotion') {
        const raw = m.labels[best] ?? 'neutral';
        const label = (raw === 'positive' ? 'satisfaction' : raw) as Emotion;
        const confidence = Math.round(probs[offset + best]! * 1000) / 1000;
        model.emotion = { label, confidence };
        // The model decides where the rules are unsure; a clear rule reading (strong cues, safety
        // signals) stands, because the shipped models learned from social-media text, not calls.
        const rulesClear = (c.emotion !== 'neutral' && c.intensity >= RULES_CLEAR) || c.signals.length > 0;
        if (label !== c.emotion && !rulesClear && confidence >= MODEL_SURE) {
          emotion = label;
          intensity = label === 'neutral' ? 0 : confidence;
        }
      } else if (m.task === 'sentiment') {
        const at = (l: string) => {
          const k = m.labels.indexOf(l);
          return k >= 0 ? probs[offset + k]! : 0;
        };
        const learned = Math.round((at('positive') - at('negative')) * 1000) / 1000;
        model.sentiment = learned;
        // Averaged with the rules' score: each catches what the other misses.
        sentiment = Math.round(((c.sentiment + learned) / 2) * 1000) / 1000;
      } else {
        const label = m.labels.indexOf('abusive');
        const abusive = label >= 0 ? probs[offset + label]! : 0;
        model.abuse = Math.round(abusive * 1000) / 1000;
        if (abusive >= ABUSE_MODEL_CUT && !c.signals.some((sig) => sig.id === 'abuse')) {
          // The span is looked up only now, for the rare flagged message: featurising again with a sink
          // that waits for the strongest n-gram (x is overwritten by that call, so it is read first).
          const index = topContribution(m, x, dense, label);
          let span: [number, number] | undefined;
          if (index !== undefined && index < m.buckets)
            featurizeMessage(norm.text, FEATURE_SEED, (i, start, end) => {
              if (i === index && !span) span = [start, end];
            });
          const where = span ? originalSpan(norm, original.length, span[0], span[1]) : { start: 0, end: original.length };
          signals = [
            ...c.signals,
            {
              id: 'abuse',
              span: where,
              text: original.slice(where.start, where.end),
              confidence: model.abuse,
              severity: model.abuse,
              source: 'model',
            },
          ];
          model.reasons.push(original.slice(where.start, where.end));
        }
      }
    }
    return { lang: c.lang, emotion, intensity, sentiment, scores: c.scores, signals, cues: c.cues, model };
  }

  return {
    models,
    refineCustomer,

    /** The model's answer for a row, or undefined when no loaded model covers the task and language. */
    predict(task: ModelTask, row: TaskRow, explain = false): LearnedPrediction | undefined {
      if (models.all.length === 0) return undefined;
      const candidates = models.all.filter((m) => m.task === task);
      if (candidates.length === 0) return undefined;
      const buckets = candidates[0]?.buckets ?? DEFAULT_BUCKETS;
      const withContext = candidates[0]?.meta.context === true;
      const fz = featurize(task, row, buckets, explain, withContext);
      const model = models.pick(task, fz.lang);
      if (!model) return undefined;
      const same = model.buckets === buckets && (model.meta.context === true) === withContext;
      const p = predictProba(model, same ? fz.x : featurize(task, row, model.buckets, explain, model.meta.context === true).x, fz.dense);
      let best = 0;
      for (let c = 1; c < model.labels.length; c++) if ((p[c] ?? 0) > (p[best] ?? 0)) best = c;
      const probabilities: Record<string, number> = {};
      model.labels.forEach((l, i) => (probabilities[l] = Math.round((p[i] ?? 0) * 1000) / 1000));
      return { label: model.labels[best] ?? '', probabilities, reasons: explain ? explainWith(model, fz, best) : [], lang: fz.lang };
    },

    /** Trains a model for a task on labelled rows (deterministic for a seed). */
    train(task: ModelTask, rows: readonly { row: TaskRow; label: string }[], options: TrainModelOptions = {}): LinearModel {
      const buckets = options.buckets ?? DEFAULT_BUCKETS;
      const labels = [...new Set(rows.map((r) => r.label))].sort();
      if (labels.length < 2)
        throw new Error(`tongli: training ${task} needs at least two different labels (found ${labels.join(', ') || 'none'})`);
      const withContext = readsContext(task);
      const examples: Example[] = rows.map(({ row, label }) => {
        const fz = featurize(task, row, buckets, false, withContext);
        return { x: fz.x, dense: fz.dense, y: labels.indexOf(label) };
      });
      return trainLinear(examples, {
        task,
        labels,
        buckets,
        dense: [...densePerKind[featureKind(task)]],
        epochs: options.epochs ?? 8,
        seed: options.seed ?? 1,
        meta: {
          ...(options.langs ? { langs: options.langs } : {}),
          examples: rows.length,
          ...(withContext ? { context: true } : {}),
          ...options.meta,
        },
      });
    },
  };
}

export type LearnedLayer = ReturnType<typeof createLearnedLayer>;
