import type { AnalyzeCustomer } from '../emotion/customer.js';
import type { AgentAnalyzer } from '../techniques/agent.js';
import { contextTurns, type TaskRow } from '../tasks/predict.js';
import type { Normalize, NormalizedText } from '../text/normalize.js';
import type { ConversationAnalysis, CustomerAnalysis, Dialogue, Emotion, Lang } from '../types.js';
import { originalSpan } from '../text/normalize.js';
import { createFeaturizer, MAX_FEATURES, type FeatureView, type SparseVector } from './features.js';
import { predictProba, topContribution, topContributions, type LinearModel } from './linear.js';
import {
  ensembles,
  FEATURE_SEED,
  featureKind,
  loadModels,
  readsContext,
  type FeatureKind,
  type ModelSet,
  type ModelTask,
} from './models.js';
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

/** A row read once for a task: its normalised text (and context), rule features and language. */
interface Prepared {
  norm: string;
  /** The customer's message a reply answers (normalised), when the model reads it. */
  said: string;
  dense: number[];
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

/** A model and its ensemble members (a plain model is an ensemble of one). */
const membersOf = (model: LinearModel): LinearModel[] => [model, ...(model.members ?? [])];

export interface TrainModelOptions {
  epochs?: number;
  seed?: number;
  buckets?: number;
  langs?: ('zh' | 'en')[];
  /** Add a model over the `words` view and average the two (default: the tasks where cross-validation chose it, `ensembles` in models.ts). */
  ensemble?: boolean;
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
  const featurizers = new Map<string, ReturnType<typeof createFeaturizer>>();
  const featurizerFor = (buckets: number, view: FeatureView) => {
    const key = `${view}:${buckets}`;
    let f = featurizers.get(key);
    if (!f) {
      f = createFeaturizer({ buckets, view });
      featurizers.set(key, f);
    }
    return f;
  };

  /** `withContext`: keep the customer's message a reply answers, as a second n-gram group (agent tasks whose model reads it). */
  function prepare(task: ModelTask, row: TaskRow, withContext: boolean): Prepared {
    const kind = featureKind(task);
    if (kind === 'customer') {
      const text = row.text ?? '';
      const c = deps.analyzeCustomer(text);
      return { norm: deps.normalize(text).text, said: '', dense: customerDense(c), lang: c.lang };
    }
    if (kind === 'agent') {
      const text = row.text ?? '';
      const context = contextTurns(row.context);
      const customer = context.customer !== undefined ? deps.analyzeCustomer(context.customer) : undefined;
      const a = deps.agent.analyzeAgent(text, customer ? { ...context, customerAnalysis: customer } : context);
      // The customer's message the reply answers is a second n-gram group (what a reply does depends on
      // what it answers: a question after a question is not a restatement).
      const said = withContext && context.customer !== undefined ? deps.normalize(context.customer).text : '';
      return { norm: deps.normalize(text).text, said, dense: agentDense(deps.techniqueIds, a, customer), lang: a.lang };
    }
    const turns = row.turns ?? [];
    const c = deps.analyzeConversation({ id: row.id, turns });
    return { norm: deps.normalize(dialogueText(turns)).text, said: '', dense: dialogueDense(c), lang: c.lang };
  }

  /** The hashed n-grams of a prepared row in one view (with their spans when explaining). */
  function vectorize(p: Prepared, buckets: number, view: FeatureView, explain: boolean): Featurized {
    const ngrams = new Map<number, [number, number]>();
    const sink = explain ? (index: number, start: number, end: number) => void ngrams.set(index, [start, end]) : undefined;
    const x = featurizerFor(buckets, view)(p.norm, FEATURE_SEED, sink, p.said);
    return {
      x,
      dense: p.dense,
      lang: p.lang,
      text: p.said ? `${p.norm}\n${p.said}` : p.norm,
      contextFrom: p.said ? p.norm.length + 1 : undefined,
      ngrams,
    };
  }

  /** The n-grams and rule features that pushed a label up the most, over every member of an ensemble. */
  function explainWith(members: readonly { model: LinearModel; fz: Featurized }[], label: number): string[] {
    const dense = densePerKind[featureKind(members[0]!.model.task as ModelTask)];
    const all: [string, number][] = [];
    for (const { model, fz } of members) {
      for (const [index, v] of topContributions(model, fz.x, fz.dense, label, 5)) {
        let name: string;
        if (index >= model.buckets) name = dense[index - model.buckets] ?? 'rule';
        else {
          const at = fz.ngrams.get(index);
          if (!at) name = `#${index}`;
          else {
            const ngram = fz.text.slice(at[0], at[1]);
            name = fz.contextFrom !== undefined && at[0] >= fz.contextFrom ? `context:${ngram}` : ngram;
          }
        }
        // Contributions are averaged like the members' probabilities; a name two members share adds up.
        const seen = all.find((e) => e[0] === name);
        if (seen) seen[1] += v / members.length;
        else all.push([name, v / members.length]);
      }
    }
    return all
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name]) => name);
  }

  const hasCustomerModels = models.all.some((m) => m.task === 'emotion' || m.task === 'sentiment' || m.task === 'abuse');

  /**
   * The customer-message models of one language fused into a single feature-major matrix (emotion,
   * sentiment and abuse columns side by side): one memory fetch per n-gram serves all three, which
   * keeps the per-message cost inside the speed budget. Ensemble members over the `words` view get a
   * second bank of their own (`members`), read from a second featurisation.
   */
  interface Bank {
    buckets: number;
    view: FeatureView;
    /** `owner`: in a members bank, the part of the main bank whose model this member belongs to. */
    parts: { model: LinearModel; offset: number; owner: number }[];
    width: number;
    /** int8, one scale per column: a quarter of the memory traffic (the model files are int8 already). */
    weights: Int8Array;
    scales: Float64Array;
    bias: Float64Array;
    members?: Bank | null;
  }
  function fuse(view: FeatureView, buckets: number, usable: readonly { model: LinearModel; owner: number }[]): Bank {
    const parts: Bank['parts'] = [];
    let width = 0;
    for (const { model, owner } of usable) {
      parts.push({ model, offset: width, owner });
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
    return { buckets, view, parts, width, weights, scales, bias };
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
    const bank = fuse(
      'ngrams',
      buckets,
      usable.map((model, owner) => ({ model, owner })),
    );
    const members = usable.flatMap((model, owner) => (model.members ?? []).map((m) => ({ model: m, owner })));
    const memberBuckets = members[0]?.model.buckets;
    if (memberBuckets !== undefined)
      bank.members = fuse(
        'words',
        memberBuckets,
        members.filter((m) => m.model.buckets === memberBuckets),
      );
    banks[key] = bank;
    return bank;
  }
  const logits = new Float64Array(64);
  const rows = new Int32Array(MAX_FEATURES + CUSTOMER_DENSE.length);
  const denseValues = new Float64Array(CUSTOMER_DENSE.length);
  const probs = new Float64Array(64);
  const memberProbs = new Float64Array(64);
  const denseBuffer = new Float64Array(CUSTOMER_DENSE.length);
  const reusable = new Map<string, ReturnType<typeof createFeaturizer>>();
  /** The per-message featuriser of a view: its vector views buffers that its next call overwrites. */
  const reusingFeaturizerFor = (buckets: number, view: FeatureView) => {
    const key = `${view}:${buckets}`;
    let f = reusable.get(key);
    if (!f) {
      f = createFeaturizer({ buckets, view }, { reuse: true });
      reusable.set(key, f);
    }
    return f;
  };

  /** Softmax over one model's columns of the fused logits, into `out` at the same offsets. */
  function softmax(model: LinearModel, offset: number, out: Float64Array): void {
    const classes = model.labels.length;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[offset + c]! / model.temperature);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[offset + c]! / model.temperature - max);
      out[offset + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) out[offset + c] = out[offset + c]! / sum;
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
    const dense = writeCustomerDense(c, denseBuffer);
    // Ensemble members first (their featuriser is another instance, so `x` below stays valid): each
    // member's probabilities land in `memberProbs` at its owner's offset in the main bank.
    const extra = bank.members;
    if (extra) {
      accumulate(extra, reusingFeaturizerFor(extra.buckets, 'words')(norm.text, FEATURE_SEED), dense, logits, rows, denseValues);
      for (const { model: m, offset } of extra.parts) softmax(m, offset, memberProbs);
    }
    const featurizeMessage = reusingFeaturizerFor(bank.buckets, 'ngrams');
    const x = featurizeMessage(norm.text, FEATURE_SEED);
    accumulate(bank, x, dense, logits, rows, denseValues);
    const model: NonNullable<CustomerAnalysis['model']> = { reasons: [] };
    let emotion = c.emotion;
    let intensity = c.intensity;
    let sentiment = c.sentiment;
    let signals = c.signals;
    for (let part = 0; part < bank.parts.length; part++) {
      const { model: m, offset } = bank.parts[part]!;
      softmax(m, offset, probs);
      const classes = m.labels.length;
      // An ensemble averages its members' calibrated probabilities.
      if (extra) {
        let count = 1;
        for (const member of extra.parts) {
          if (member.owner !== part) continue;
          count++;
          for (let k = 0; k < classes; k++) probs[offset + k]! += memberProbs[member.offset + k]!;
        }
        if (count > 1) for (let k = 0; k < classes; k++) probs[offset + k]! /= count;
      }
      let best = 0;
      for (let k = 1; k < classes; k++) if (probs[offset + k]! > probs[offset + best]!) best = k;
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
      const withContext = candidates[0]?.meta.context === true;
      let prepared = prepare(task, row, withContext);
      const model = models.pick(task, prepared.lang);
      if (!model) return undefined;
      if ((model.meta.context === true) !== withContext) prepared = prepare(task, row, model.meta.context === true);
      // An ensemble averages its members' calibrated probabilities, each member reading its own view.
      const members = membersOf(model).map((m) => ({ model: m, fz: vectorize(prepared, m.buckets, m.view ?? 'ngrams', explain) }));
      const classes = model.labels.length;
      const p = new Float64Array(classes);
      const one = new Float64Array(classes);
      for (const { model: m, fz } of members) {
        predictProba(m, fz.x, fz.dense, one);
        for (let c = 0; c < classes; c++) p[c]! += one[c]! / members.length;
      }
      let best = 0;
      for (let c = 1; c < classes; c++) if ((p[c] ?? 0) > (p[best] ?? 0)) best = c;
      const probabilities: Record<string, number> = {};
      model.labels.forEach((l, i) => (probabilities[l] = Math.round((p[i] ?? 0) * 1000) / 1000));
      return { label: model.labels[best] ?? '', probabilities, reasons: explain ? explainWith(members, best) : [], lang: prepared.lang };
    },

    /** Trains a model for a task on labelled rows (deterministic for a seed). */
    train(task: ModelTask, rows: readonly { row: TaskRow; label: string }[], options: TrainModelOptions = {}): LinearModel {
      const buckets = options.buckets ?? DEFAULT_BUCKETS;
      const labels = [...new Set(rows.map((r) => r.label))].sort();
      if (labels.length < 2)
        throw new Error(`tongli: training ${task} needs at least two different labels (found ${labels.join(', ') || 'none'})`);
      const withContext = readsContext(task);
      const prepared = rows.map(({ row }) => prepare(task, row, withContext));
      const trainView = (view: FeatureView, seed: number): LinearModel => {
        const examples: Example[] = prepared.map((p, i) => ({
          x: vectorize(p, buckets, view, false).x,
          dense: p.dense,
          y: labels.indexOf(rows[i]!.label),
        }));
        const model = trainLinear(examples, {
          task,
          labels,
          buckets,
          dense: [...densePerKind[featureKind(task)]],
          epochs: options.epochs ?? 8,
          seed,
          meta: {
            ...(options.langs ? { langs: options.langs } : {}),
            examples: rows.length,
            ...(withContext ? { context: true } : {}),
            ...options.meta,
          },
        });
        if (view !== 'ngrams') model.view = view;
        return model;
      };
      const model = trainView('ngrams', options.seed ?? 1);
      if (options.ensemble ?? ensembles(task)) {
        const words = trainView('words', options.seed ?? 1);
        model.members = [{ ...words, meta: {} }];
        model.meta = {
          ...model.meta,
          ensemble: ['ngrams', 'words'],
          words: { l2: words.meta.l2, nb: words.meta.nb, temperature: words.temperature },
        };
      }
      return model;
    },
  };
}

export type LearnedLayer = ReturnType<typeof createLearnedLayer>;
