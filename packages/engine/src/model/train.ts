import { MAX_FEATURES, type SparseVector } from './features.js';
import { predictProba, type LinearModel } from './linear.js';
import { createRandom } from './random.js';

export interface Example {
  x: SparseVector;
  dense: ArrayLike<number>;
  /** Index into labels. */
  y: number;
}

export interface TrainOptions {
  task: string;
  labels: string[];
  buckets: number;
  dense: string[];
  epochs?: number;
  learningRate?: number;
  l2?: number;
  /** Power of the naive-Bayes feature scaling (0 = none); chosen by cross-validation when not given. */
  nb?: number;
  seed?: number;
  /** Weight examples so every label counts equally (what macro-F1 rewards). */
  balance?: boolean;
  /** Folds of cross-validation that choose the L2 strength and NB scaling when not given (default 3). */
  folds?: number;
  meta?: Record<string, unknown>;
}

/** Macro-F1 of a model on some examples (for choosing settings on held-back rows). */
function macroF1(model: LinearModel, examples: readonly Example[], rows: readonly number[]): number {
  const classes = model.labels.length;
  const tp = new Array<number>(classes).fill(0);
  const fp = new Array<number>(classes).fill(0);
  const fn = new Array<number>(classes).fill(0);
  const p = new Float64Array(classes);
  for (const i of rows) {
    const e = examples[i];
    if (!e) continue;
    predictProba(model, e.x, e.dense, p);
    let best = 0;
    for (let c = 1; c < classes; c++) if ((p[c] ?? 0) > (p[best] ?? 0)) best = c;
    if (best === e.y) tp[best]!++;
    else {
      fp[best]!++;
      fn[e.y]!++;
    }
  }
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const precision = tp[c]! + fp[c]! === 0 ? 0 : tp[c]! / (tp[c]! + fp[c]!);
    const recall = tp[c]! + fn[c]! === 0 ? 0 : tp[c]! / (tp[c]! + fn[c]!);
    sum += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
  return sum / classes;
}

/**
 * Settings tried by cross-validation when none is given: L2 strengths, and the power of the
 * naive-Bayes feature scaling (0 = none). With these and the step of 0.1 (was 0.5 with L2 3e-4…3e-3),
 * cross-validating `tongli train` on train rows raised macro-F1 on 14 of 15 sets and held it on one
 * (COLD .765 → .785, ESConv .434 → .461, waimai .866 → .879; docs/adr/0004-learned-layer.md).
 */
const L2_CHOICES = [1e-4, 1e-3, 3e-3, 1e-2, 3e-2];
const NB_CHOICES = [0, 0.5];

/**
 * Trains multinomial logistic regression with AdaGrad and L2, on a seeded shuffle. The L2 strength and
 * the naive-Bayes scaling are chosen (unless given) by k-fold cross-validation on macro-F1 — a single
 * held-back tenth was too noisy a judge for small classes. One tenth is held back to choose the softmax
 * temperature (calibration); then the model is refitted on everything.
 */
export function trainLinear(examples: readonly Example[], options: TrainOptions): LinearModel {
  if (examples.length === 0) throw new Error('tongli: nothing to train on');
  const epochs = options.epochs ?? 8;
  const random = createRandom(options.seed ?? 1);
  const order = examples.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const holdout = Math.floor(order.length / 10);
  const calibrate = order.slice(0, holdout);
  const fitOrder = order.slice(holdout);
  const enough = calibrate.length >= 20;

  let chosen = { l2: options.l2 ?? 1e-3, nb: options.nb ?? 0 };
  const folds = Math.max(2, options.folds ?? 3);
  if (enough && (options.l2 === undefined || options.nb === undefined)) {
    let bestF1 = -1;
    for (const nb of options.nb === undefined ? NB_CHOICES : [options.nb]) {
      for (const l2 of options.l2 === undefined ? L2_CHOICES : [options.l2]) {
        let sum = 0;
        for (let f = 0; f < folds; f++) {
          const held = order.filter((_, i) => i % folds === f);
          const rest = order.filter((_, i) => i % folds !== f);
          const model = fit(examples, rest, { ...options, l2, nb }, epochs, createRandom((options.seed ?? 1) + 7));
          sum += macroF1(model, examples, held);
        }
        if (sum / folds > bestF1) {
          bestF1 = sum / folds;
          chosen = { l2, nb };
        }
      }
    }
  }
  const first = fit(examples, fitOrder, { ...options, ...chosen }, epochs, random);
  let temperature = 1;
  if (enough) {
    let best = Infinity;
    for (const t of [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.2, 1.4, 1.7, 2, 2.5, 3]) {
      first.temperature = t;
      let nll = 0;
      for (const i of calibrate) {
        const e = examples[i];
        if (!e) continue;
        nll -= Math.log(Math.max(1e-12, predictProba(first, e.x, e.dense)[e.y] ?? 0));
      }
      if (nll < best) {
        best = nll;
        temperature = t;
      }
    }
  }
  const model = fit(examples, order, { ...options, ...chosen }, epochs, createRandom((options.seed ?? 1) + 1));
  model.temperature = temperature;
  model.meta = { ...model.meta, ...chosen, temperature };
  return model;
}

/**
 * Naive-Bayes feature scaling (after Wang & Manning's NB-SVM, 2012, for any number of classes): each
 * bucket's training value is multiplied by the spread of its smoothed per-class log-likelihoods, to the
 * power `power`, so n-grams that separate the classes are held back less by L2. Computed from the rows
 * being fitted only.
 */
function nbScale(examples: readonly Example[], order: readonly number[], classes: number, buckets: number, power: number): Float32Array {
  const counts = new Float32Array(buckets * classes);
  const totals = new Float64Array(classes);
  for (const i of order) {
    const e = examples[i]!;
    for (let k = 0; k < e.x.length; k++) counts[e.x.indices[k]! * classes + e.y]! += 1;
    totals[e.y]! += e.x.length;
  }
  const logTotals = Array.from(totals, (t) => Math.log(t + buckets));
  const scale = new Float32Array(buckets);
  for (let f = 0; f < buckets; f++) {
    let min = Infinity;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      const l = Math.log(counts[f * classes + c]! + 1) - logTotals[c]!;
      if (l < min) min = l;
      if (l > max) max = l;
    }
    scale[f] = Math.pow(max - min, power);
  }
  return scale;
}

function fit(
  examples: readonly Example[],
  order: number[],
  options: TrainOptions & { l2: number; nb: number },
  epochs: number,
  random: () => number,
): LinearModel {
  const classes = options.labels.length;
  const buckets = options.buckets;
  const denseCount = options.dense.length;
  const width = buckets + denseCount;
  const weights = new Float32Array(classes * width);
  const bias = new Float32Array(classes);
  const g2 = new Float32Array(classes * width);
  const b2 = new Float32Array(classes);
  const lr = options.learningRate ?? 0.1;
  const l2 = options.l2;
  const scale = options.nb > 0 ? nbScale(examples, order, classes, buckets, options.nb) : undefined;
  const counts = new Array<number>(classes).fill(0);
  for (const i of order) counts[examples[i]?.y ?? 0]!++;
  const classWeight = counts.map((n) => (options.balance === false || n === 0 ? 1 : order.length / (classes * n)));
  const p = new Float64Array(classes);
  const xs = new Float64Array(MAX_FEATURES);
  const sequence = [...order];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = sequence.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [sequence[i], sequence[j]] = [sequence[j] ?? 0, sequence[i] ?? 0];
    }
    for (const i of sequence) {
      const e = examples[i]!;
      const n = e.x.length;
      const indices = e.x.indices;
      // Forward pass on the (scaled) values, then a softmax.
      for (let c = 0; c < classes; c++) p[c] = bias[c]!;
      for (let k = 0; k < n; k++) {
        const index = indices[k]!;
        const v = e.x.values[k]! * (scale ? scale[index]! : 1);
        xs[k] = v;
        const at = index * classes;
        for (let c = 0; c < classes; c++) p[c]! += v * weights[at + c]!;
      }
      for (let d = 0; d < denseCount; d++) {
        const v = e.dense[d] ?? 0;
        if (v === 0) continue;
        const at = (buckets + d) * classes;
        for (let c = 0; c < classes; c++) p[c]! += v * weights[at + c]!;
      }
      let max = -Infinity;
      for (let c = 0; c < classes; c++) if (p[c]! > max) max = p[c]!;
      let sum = 0;
      for (let c = 0; c < classes; c++) {
        p[c] = Math.exp(p[c]! - max);
        sum += p[c]!;
      }
      const w = classWeight[e.y] ?? 1;
      for (let c = 0; c < classes; c++) {
        const grad = w * (p[c]! / sum - (c === e.y ? 1 : 0));
        if (grad === 0) continue;
        for (let k = 0; k < n; k++) {
          const at = indices[k]! * classes + c;
          const g = grad * xs[k]! + l2 * weights[at]!;
          g2[at]! += g * g;
          weights[at]! -= (lr * g) / Math.sqrt(g2[at]! + 1e-8);
        }
        for (let d = 0; d < denseCount; d++) {
          const at = (buckets + d) * classes + c;
          const g = grad * (e.dense[d] ?? 0) + l2 * weights[at]!;
          if (g === 0) continue;
          g2[at]! += g * g;
          weights[at]! -= (lr * g) / Math.sqrt(g2[at]! + 1e-8);
        }
        b2[c]! += grad * grad;
        bias[c]! -= (lr * grad) / Math.sqrt(b2[c]! + 1e-8);
      }
    }
  }
  // The model reads unscaled values: fold the scaling into the weights.
  if (scale) for (let f = 0; f < buckets; f++) for (let c = 0; c < classes; c++) weights[f * classes + c]! *= scale[f]!;
  return {
    format: 'tongli-model',
    version: 1,
    task: options.task,
    labels: options.labels,
    buckets,
    dense: options.dense,
    weights,
    bias,
    temperature: 1,
    meta: options.meta ?? {},
  };
}
