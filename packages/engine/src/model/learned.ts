import type { AnalyzeCustomer } from '../emotion/customer.js';
import type { AgentAnalyzer } from '../techniques/agent.js';
import { contextTurns, type TaskRow } from '../tasks/predict.js';
import type { Normalize } from '../text/normalize.js';
import type { ConversationAnalysis, Dialogue, Lang } from '../types.js';
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

  return {
    models,

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
