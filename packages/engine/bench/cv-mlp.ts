/**
 * Cross-validation of a hidden layer against the linear model, on `train` rows only (never `test`): for
 * each set, 3 folds over a seeded shuffle; the linear arm is `trainLinear` with its inner CV (as
 * `tongli train` runs it), the MLP arm is a one-hidden-layer network over the same hashed n-grams and
 * rule features (sparse input → dense ReLU or tanh layer → softmax; AdaGrad, class-balanced, seeded,
 * dropout; temperature chosen on a held-back tenth, then refitted on all rows, as the linear trainer
 * does), and `avg` averages the two arms' calibrated probabilities. Prints macro-F1 per arm (docs/adr/0004-learned-layer.md has the figures).
 *
 *   npx tsx packages/engine/bench/cv-mlp.ts zh_sentiment_waimai en_support_strategy_esconv
 *   MLP='h=64,act=relu,drop=0.5,lr=0.05,ep=10;h=128' SHUFFLES=2 SHUFFLE0=100 npx tsx packages/engine/bench/cv-mlp.ts SET…
 *
 * The linear arm's out-of-fold probabilities are cached under $CACHE (default /tmp/tongli-cv-mlp), keyed
 * by set, shuffle and fold, so several MLP settings can be compared on the same folds.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { score } from '../src/index.js';
import { createFeaturizer } from '../src/model/features.js';
import { predictProba } from '../src/model/linear.js';
import { FEATURE_SEED } from '../src/model/models.js';
import { trainLinear, type Example } from '../src/model/train.js';
import { createRandom } from '../src/model/random.js';
import { BUCKETS, loadTrainRows, shuffledFolds } from './cv-data.js';

const cacheDir = process.env.CACHE ?? '/tmp/tongli-cv-mlp';

const featurize = createFeaturizer({ buckets: BUCKETS });

function load(setKey: string) {
  const { spec, labels, items, denseNames } = loadTrainRows(setKey);
  const examples: Example[] = items.map((it) => ({ x: featurize(it.norm, FEATURE_SEED, undefined, it.ctx), dense: it.dense, y: it.y }));
  return { spec, labels, examples, denseNames: [...denseNames] };
}

interface MlpOptions {
  /** Hidden units. */
  h: number;
  act: 'relu' | 'tanh';
  /** Dropout on the hidden layer while training. */
  drop: number;
  /** AdaGrad step. */
  lr: number;
  /** Epochs. */
  ep: number;
  /** L2 on the weights touched by an example (lazy, like the linear trainer). */
  l2: number;
  /** Half-width of the uniform initialisation of the input weights. */
  init: number;
  /** Dropout on the input n-grams while training (each n-gram left out with this probability). */
  idrop: number;
  /** 1: a linear part beside the hidden layer (wide and deep), trained jointly with its own step and L2. */
  wide: number;
  lrw: number;
  l2w: number;
  /** Networks averaged (seeds seed, seed + 10, …). */
  n: number;
  seed: number;
}

const DEFAULTS: MlpOptions = {
  h: 64,
  act: 'relu',
  drop: 0.5,
  lr: 0.05,
  ep: 10,
  l2: 1e-5,
  init: 0.1,
  idrop: 0,
  wide: 0,
  lrw: 0.1,
  l2w: 1e-2,
  n: 1,
  seed: 1,
};

interface Mlp {
  h: number;
  classes: number;
  buckets: number;
  denseCount: number;
  act: 'relu' | 'tanh';
  /** buckets × h, then dense × h (feature-major). */
  input: Float32Array;
  hiddenBias: Float32Array;
  /** h × classes. */
  output: Float32Array;
  outputBias: Float32Array;
  /** (buckets + dense) × classes when the model has a linear part. */
  wide?: Float32Array;
  temperature: number;
}

function forward(
  m: Mlp,
  e: Example,
  z: Float64Array,
  hid: Float64Array,
  p: Float64Array,
  mask?: Float64Array,
  keepInput?: Uint8Array,
): void {
  const { h, classes, buckets } = m;
  for (let j = 0; j < h; j++) z[j] = m.hiddenBias[j]!;
  for (let k = 0; k < e.x.length; k++) {
    if (keepInput && !keepInput[k]) continue;
    const at = e.x.indices[k]! * h;
    const v = e.x.values[k]!;
    for (let j = 0; j < h; j++) z[j]! += v * m.input[at + j]!;
  }
  for (let d = 0; d < m.denseCount; d++) {
    const v = e.dense[d] ?? 0;
    if (v === 0) continue;
    const at = (buckets + d) * h;
    for (let j = 0; j < h; j++) z[j]! += v * m.input[at + j]!;
  }
  for (let j = 0; j < h; j++) {
    const a = m.act === 'relu' ? (z[j]! > 0 ? z[j]! : 0) : Math.tanh(z[j]!);
    hid[j] = mask ? a * mask[j]! : a;
  }
  for (let c = 0; c < classes; c++) p[c] = m.outputBias[c]!;
  for (let j = 0; j < h; j++) {
    const a = hid[j]!;
    if (a === 0) continue;
    const at = j * classes;
    for (let c = 0; c < classes; c++) p[c]! += a * m.output[at + c]!;
  }
  const wide = m.wide;
  if (!wide) return;
  for (let k = 0; k < e.x.length; k++) {
    if (keepInput && !keepInput[k]) continue;
    const at = e.x.indices[k]! * classes;
    const v = e.x.values[k]!;
    for (let c = 0; c < classes; c++) p[c]! += v * wide[at + c]!;
  }
  for (let d = 0; d < m.denseCount; d++) {
    const v = e.dense[d] ?? 0;
    if (v === 0) continue;
    const at = (buckets + d) * classes;
    for (let c = 0; c < classes; c++) p[c]! += v * wide[at + c]!;
  }
}

function softmax(p: Float64Array, classes: number, temperature: number): void {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) if (p[c]! > max) max = p[c]!;
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    p[c] = Math.exp((p[c]! - max) / temperature);
    sum += p[c]!;
  }
  for (let c = 0; c < classes; c++) p[c]! /= sum;
}

function fitMlp(
  examples: readonly Example[],
  order: readonly number[],
  classes: number,
  buckets: number,
  denseCount: number,
  o: MlpOptions,
): Mlp {
  const random = createRandom(o.seed);
  const h = o.h;
  const rows = buckets + denseCount;
  const input = new Float32Array(rows * h);
  for (let i = 0; i < input.length; i++) input[i] = (random() * 2 - 1) * o.init;
  const output = new Float32Array(h * classes);
  const limit = Math.sqrt(6 / (h + classes));
  for (let i = 0; i < output.length; i++) output[i] = (random() * 2 - 1) * limit;
  const m: Mlp = {
    h,
    classes,
    buckets,
    denseCount,
    act: o.act,
    input,
    hiddenBias: new Float32Array(h),
    output,
    outputBias: new Float32Array(classes),
    wide: o.wide ? new Float32Array(rows * classes) : undefined,
    temperature: 1,
  };
  const gWide = o.wide ? new Float32Array(rows * classes) : undefined;
  const keepInput = new Uint8Array(4096);
  const gInput = new Float32Array(rows * h);
  const gHiddenBias = new Float32Array(h);
  const gOutput = new Float32Array(h * classes);
  const gOutputBias = new Float32Array(classes);
  const counts = new Array<number>(classes).fill(0);
  for (const i of order) counts[examples[i]!.y]!++;
  const classWeight = counts.map((n) => (n === 0 ? 1 : order.length / (classes * n)));
  const z = new Float64Array(h);
  const hid = new Float64Array(h);
  const mask = new Float64Array(h);
  const p = new Float64Array(classes);
  const gz = new Float64Array(h);
  const keep = 1 - o.drop;
  const sequence = [...order];
  const step = (w: Float32Array, g2: Float32Array, at: number, grad: number) => {
    const g = grad + o.l2 * w[at]!;
    if (g === 0) return;
    g2[at]! += g * g;
    w[at]! -= (o.lr * g) / Math.sqrt(g2[at]! + 1e-8);
  };
  const stepWide = (w: Float32Array, g2: Float32Array, at: number, grad: number) => {
    const g = grad + o.l2w * w[at]!;
    if (g === 0) return;
    g2[at]! += g * g;
    w[at]! -= (o.lrw * g) / Math.sqrt(g2[at]! + 1e-8);
  };
  for (let epoch = 0; epoch < o.ep; epoch++) {
    for (let i = sequence.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [sequence[i], sequence[j]] = [sequence[j]!, sequence[i]!];
    }
    for (const i of sequence) {
      const e = examples[i]!;
      for (let j = 0; j < h; j++) mask[j] = o.drop > 0 ? (random() < keep ? 1 / keep : 0) : 1;
      for (let k = 0; k < e.x.length; k++) keepInput[k] = o.idrop > 0 && random() < o.idrop ? 0 : 1;
      forward(m, e, z, hid, p, mask, keepInput);
      softmax(p, classes, 1);
      const w = classWeight[e.y]!;
      for (let c = 0; c < classes; c++) p[c] = w * (p[c]! - (c === e.y ? 1 : 0));
      // Back through the output layer (gradient to the hidden units first, with the old weights).
      for (let j = 0; j < h; j++) {
        let s = 0;
        const at = j * classes;
        for (let c = 0; c < classes; c++) s += p[c]! * output[at + c]!;
        const deriv = m.act === 'relu' ? (z[j]! > 0 ? 1 : 0) : 1 - Math.tanh(z[j]!) ** 2;
        gz[j] = s * deriv * mask[j]!;
      }
      for (let j = 0; j < h; j++) {
        const a = hid[j]!;
        if (a === 0) continue;
        const at = j * classes;
        for (let c = 0; c < classes; c++) step(output, gOutput, at + c, a * p[c]!);
      }
      for (let c = 0; c < classes; c++) {
        gOutputBias[c]! += p[c]! * p[c]!;
        m.outputBias[c]! -= (o.lr * p[c]!) / Math.sqrt(gOutputBias[c]! + 1e-8);
      }
      for (let k = 0; k < e.x.length; k++) {
        if (!keepInput[k]) continue;
        const at = e.x.indices[k]! * h;
        const v = e.x.values[k]!;
        for (let j = 0; j < h; j++) if (gz[j] !== 0) step(input, gInput, at + j, v * gz[j]!);
      }
      if (m.wide && gWide) {
        for (let k = 0; k < e.x.length; k++) {
          if (!keepInput[k]) continue;
          const at = e.x.indices[k]! * classes;
          const v = e.x.values[k]!;
          for (let c = 0; c < classes; c++) stepWide(m.wide, gWide, at + c, v * p[c]!);
        }
        for (let d = 0; d < denseCount; d++) {
          const v = e.dense[d] ?? 0;
          if (v === 0) continue;
          const at = (buckets + d) * classes;
          for (let c = 0; c < classes; c++) stepWide(m.wide, gWide, at + c, v * p[c]!);
        }
      }
      for (let d = 0; d < denseCount; d++) {
        const v = e.dense[d] ?? 0;
        if (v === 0) continue;
        const at = (buckets + d) * h;
        for (let j = 0; j < h; j++) if (gz[j] !== 0) step(input, gInput, at + j, v * gz[j]!);
      }
      for (let j = 0; j < h; j++) {
        const g = gz[j]!;
        if (g === 0) continue;
        gHiddenBias[j]! += g * g;
        m.hiddenBias[j]! -= (o.lr * g) / Math.sqrt(gHiddenBias[j]! + 1e-8);
      }
    }
  }
  return m;
}

function predictMlp(m: Mlp, e: Example): Float64Array {
  const z = new Float64Array(m.h);
  const hid = new Float64Array(m.h);
  const p = new Float64Array(m.classes);
  forward(m, e, z, hid, p);
  softmax(p, m.classes, m.temperature);
  return p;
}

/** Fits on nine tenths to choose the temperature, then refits on everything (as `trainLinear` does). */
function trainMlp(examples: readonly Example[], rows: readonly number[], classes: number, denseCount: number, o: MlpOptions): Mlp {
  const random = createRandom(o.seed + 3);
  const order = [...rows];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const holdout = Math.floor(order.length / 10);
  const first = fitMlp(examples, order.slice(holdout), classes, BUCKETS, denseCount, o);
  let temperature = 1;
  let best = Infinity;
  for (const t of [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.2, 1.4, 1.7, 2, 2.5, 3]) {
    first.temperature = t;
    let nll = 0;
    for (const i of order.slice(0, holdout)) nll -= Math.log(Math.max(1e-12, predictMlp(first, examples[i]!)[examples[i]!.y]!));
    if (nll < best) [best, temperature] = [nll, t];
  }
  const model = fitMlp(examples, order, classes, BUCKETS, denseCount, { ...o, seed: o.seed + 1 });
  model.temperature = temperature;
  return model;
}

function parseOptions(spec: string): MlpOptions {
  const o: Record<string, unknown> = { ...DEFAULTS };
  for (const kv of spec.split(',').filter(Boolean)) {
    const [k, v] = kv.split('=') as [string, string];
    o[k] = k === 'act' ? v : Number(v);
  }
  return o as unknown as MlpOptions;
}

function argmaxLabels(probs: readonly ArrayLike<number>[][], labels: readonly string[]): string[] {
  return probs[0]!.map((_, k) => {
    let best = 0;
    let top = -1;
    for (let y = 0; y < labels.length; y++) {
      let s = 0;
      for (const arm of probs) s += arm[k]![y]!;
      if (s > top) [top, best] = [s, y];
    }
    return labels[best]!;
  });
}

const sets = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const settings = (process.env.MLP ?? '').split(';');
const shuffles = Number(process.env.SHUFFLES ?? 1);
const FOLDS = 3;
mkdirSync(cacheDir, { recursive: true });
for (const setKey of sets) {
  const { spec, labels, examples, denseNames } = load(setKey);
  const arms = ['linear', ...settings.flatMap((s) => [`mlp[${s}]`, `avg[${s}]`])];
  const sums: Record<string, number> = Object.fromEntries(arms.map((a) => [a, 0]));
  const t0 = Date.now();
  for (let s = 0; s < shuffles; s++) {
    const shuffle = Number(process.env.SHUFFLE0 ?? 100) + s;
    for (const [f, { held, rest }] of shuffledFolds(examples.length, shuffle, FOLDS).entries()) {
      const gold = held.map((i) => labels[examples[i]!.y]!);
      const cached = `${cacheDir}/${setKey}-${shuffle}-${f}.json`;
      let linear: number[][];
      if (existsSync(cached)) linear = JSON.parse(readFileSync(cached, 'utf8')) as number[][];
      else {
        const model = trainLinear(
          rest.map((i) => examples[i]!),
          { task: spec.model, labels, buckets: BUCKETS, dense: denseNames, epochs: 8, seed: 1 },
        );
        linear = held.map((i) => Array.from(predictProba(model, examples[i]!.x, examples[i]!.dense)));
        writeFileSync(cached, JSON.stringify(linear));
      }
      sums.linear! += score(gold, argmaxLabels([linear], labels)).macroF1;
      for (const setting of settings) {
        const o = parseOptions(setting);
        const mlp = held.map(() => new Float64Array(labels.length));
        for (let r = 0; r < o.n; r++) {
          const model = trainMlp(examples, rest, labels.length, denseNames.length, { ...o, seed: o.seed + 10 * r });
          held.forEach((i, k) => predictMlp(model, examples[i]!).forEach((v, y) => (mlp[k]![y]! += v / o.n)));
        }
        sums[`mlp[${setting}]`]! += score(gold, argmaxLabels([mlp], labels)).macroF1;
        sums[`avg[${setting}]`]! += score(gold, argmaxLabels([linear, mlp], labels)).macroF1;
      }
    }
  }
  const line = arms.map((a) => `${a} ${(sums[a]! / (FOLDS * shuffles)).toFixed(3)}`).join('  ');
  console.log(`${setKey} (${examples.length} rows, ${((Date.now() - t0) / 1000).toFixed(0)} s): ${line}`);
}
