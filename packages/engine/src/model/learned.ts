import type { AnalyzeCustomer } from '../emotion/customer.js';
import type { AgentAnalyzer } from '../techniques/agent.js';
import { contextTurns, type TaskRow } from '../tasks/predict.js';
import type { Normalize, NormalizedText } from '../text/normalize.js';
import type { ConversationAnalysis, CustomerAnalysis, Dialogue, Emotion, Lang } from '../types.js';
import { originalSpan } from '../text/normalize.js';
import { createFeaturizer, type SparseVector } from './features.js';
import { predictProba, topContributions, type LinearModel } from './linear.js';
import { FEATURE_SEED, featureKind, loadModels, type FeatureKind, type ModelSet, type ModelTask } from './models.js';
import {
  agentDense,
  agentDenseNames,
  CUSTOMER_DENSE,
  customerDense,
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

/** Fused logits of a bank for one message (a small function of its own, so the JIT optimises it alone). */
function accumulate(
  bank: { buckets: number; width: number; weights: Int8Array; scales: Float64Array; bias: Float64Array },
  x: SparseVector,
  dense: readonly number[],
  logits: Float64Array,
): void {
  const { width, weights, scales, bias } = bank;
  for (let j = 0; j < width; j++) logits[j] = 0;
  const n = x.length;
  const indices = x.indices;
  const values = x.values;
  for (let k = 0; k < n; k++) {
    const v = values[k]!;
    const at = indices[k]! * width;
    for (let j = 0; j < width; j++) logits[j]! += v * weights[at + j]!;
  }
  for (let d = 0; d < dense.length; d++) {
    const v = dense[d]!;
    if (v === 0) continue;
    const at = (bank.buckets + d) * width;
    for (let j = 0; j < width; j++) logits[j]! += v * weights[at + j]!;
  }
  for (let j = 0; j < width; j++) logits[j] = logits[j]! * scales[j]! + bias[j]!;
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

  function featurize(task: ModelTask, row: TaskRow, buckets: number, explain: boolean): Featurized {
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
      return { x: f(norm, FEATURE_SEED, sink), dense: agentDense(deps.techniqueIds, a, customer), lang: a.lang, text: norm, ngrams };
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
      return at ? fz.text.slice(at[0], at[1]) : `#${index}`;
    });
  }

  const hasCustomerModels = models.all.some((m) => m.task === 'emotion' || m.task === 'sentiment' || m.task === 'abuse');

  /**
   * Adds the customer-message models' view to a rule analysis: the emotion and sentiment models set the
   * label and score (the rules' cues stay as the explanation), and the abuse model flags abuse the
   * lexicons missed, pointing at its strongest n-gram.
   */
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
  const banks = new Map<string, Bank | null>();
  function bankFor(lang: Lang): Bank | null {
    const key = lang === 'en' ? 'en' : lang === 'mixed' ? 'mixed' : 'zh';
    const cached = banks.get(key);
    if (cached !== undefined) return cached;
    const picked = (['emotion', 'sentiment', 'abuse'] as const)
      .map((t) => models.pick(t, lang))
      .filter((m): m is LinearModel => m !== undefined);
    const buckets = picked[0]?.buckets;
    const usable = picked.filter((m) => m.buckets === buckets);
    if (usable.length === 0 || buckets === undefined) {
      banks.set(key, null);
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
    banks.set(key, bank);
    return bank;
  }
  const logits = new Float64Array(64);

  /** Softmax over one model's columns of the fused logits. */
  function softmax(model: LinearModel, offset: number): number[] {
    const out: number[] = [];
    let max = -Infinity;
    for (let c = 0; c < model.labels.length; c++) max = Math.max(max, (logits[offset + c] ?? 0) / model.temperature);
    let sum = 0;
    for (let c = 0; c < model.labels.length; c++) {
      const e = Math.exp((logits[offset + c] ?? 0) / model.temperature - max);
      out.push(e);
      sum += e;
    }
    return out.map((e) => e / sum);
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
    const x = featurizerFor(bank.buckets)(norm.text, FEATURE_SEED);
    const dense = customerDense(c);
    accumulate(bank, x, dense, logits);
    const out: CustomerAnalysis = { ...c, model: { reasons: [] } };
    for (const { model, offset } of bank.parts) {
      const p = softmax(model, offset);
      const at = (l: string) => p[model.labels.indexOf(l)] ?? 0;
      if (model.task === 'emotion') {
        let best = 0;
        for (let k = 1; k < p.length; k++) if ((p[k] ?? 0) > (p[best] ?? 0)) best = k;
        const raw = model.labels[best] ?? 'neutral';
        const label = (raw === 'positive' ? 'satisfaction' : raw) as Emotion;
        const confidence = Math.round((p[best] ?? 0) * 1000) / 1000;
        out.model!.emotion = { label, confidence };
        // The model decides where the rules are unsure; a clear rule reading (strong cues, safety
        // signals) stands, because the shipped models learned from social-media text, not calls.
        const rulesClear = (c.emotion !== 'neutral' && c.intensity >= RULES_CLEAR) || c.signals.length > 0;
        if (label !== c.emotion && !rulesClear && confidence >= MODEL_SURE) {
          out.emotion = label;
          out.intensity = label === 'neutral' ? 0 : confidence;
        }
      } else if (model.task === 'sentiment') {
        const learned = Math.round((at('positive') - at('negative')) * 1000) / 1000;
        out.model!.sentiment = learned;
        // Averaged with the rules' score: each catches what the other misses.
        out.sentiment = Math.round(((c.sentiment + learned) / 2) * 1000) / 1000;
      } else {
        const abusive = at('abusive');
        out.model!.abuse = Math.round(abusive * 1000) / 1000;
        if (abusive >= ABUSE_MODEL_CUT && !c.signals.some((sig) => sig.id === 'abuse')) {
          // Spans are recorded only now, for the rare flagged message: the hot path stays allocation-light.
          const ngrams = new Map<number, [number, number]>();
          featurizerFor(bank.buckets)(norm.text, FEATURE_SEED, (i, start, end) => void ngrams.set(i, [start, end]));
          const [index] = topContributions(model, x, dense, model.labels.indexOf('abusive'), 1)[0] ?? [];
          const span = index !== undefined ? ngrams.get(index) : undefined;
          const where = span ? originalSpan(norm, original.length, span[0], span[1]) : { start: 0, end: original.length };
          out.signals = [
            ...c.signals,
            {
              id: 'abuse',
              span: where,
              text: original.slice(where.start, where.end),
              confidence: out.model!.abuse,
              severity: out.model!.abuse,
              source: 'model',
            },
          ];
          out.model!.reasons.push(original.slice(where.start, where.end));
        }
      }
    }
    return out;
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
      const fz = featurize(task, row, buckets, explain);
      const model = models.pick(task, fz.lang);
      if (!model) return undefined;
      const p = predictProba(model, model.buckets === buckets ? fz.x : featurize(task, row, model.buckets, explain).x, fz.dense);
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
      const examples: Example[] = rows.map(({ row, label }) => {
        const fz = featurize(task, row, buckets, false);
        return { x: fz.x, dense: fz.dense, y: labels.indexOf(label) };
      });
      return trainLinear(examples, {
        task,
        labels,
        buckets,
        dense: [...densePerKind[featureKind(task)]],
        epochs: options.epochs ?? 8,
        seed: options.seed ?? 1,
        meta: { ...(options.langs ? { langs: options.langs } : {}), examples: rows.length, ...options.meta },
      });
    },
  };
}

export type LearnedLayer = ReturnType<typeof createLearnedLayer>;
