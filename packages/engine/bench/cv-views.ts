/**
 * Cross-validation of featuriser views and their ensembles, on `train` rows only (never `test`): for
 * each set, k folds over a seeded shuffle; every view is trained by `trainLinear` (with its own inner
 * CV) on the other folds, and each combination averages its views' calibrated probabilities. Prints
 * macro-F1 per combination. `base` and `words` are the engine's featuriser views; `char`, `word`,
 * `word2` and `wordc` are probes written here (docs/adr/0004-learned-layer.md has the figures).
 *
 *   npx tsx packages/engine/bench/cv-views.ts en_emotion_goemotions zh_sentiment_waimai
 *   COMBOS='base;words;base+words' SHUFFLES=2 SHUFFLE0=100 npx tsx packages/engine/bench/cv-views.ts SET…
 *   (a view may carry trainer options: COMBOS='base@nb=0;base@nb=0.5;base@nb=0+base@nb=0.5')
 */
import { score } from '../src/index.js';
import { createFeaturizer, type SparseVector } from '../src/model/features.js';
import { predictProba, type LinearModel } from '../src/model/linear.js';
import { FEATURE_SEED } from '../src/model/models.js';
import { trainLinear, type Example } from '../src/model/train.js';
import { BUCKETS, jieba, loadTrainRows, shuffledFolds } from './cv-data.js';

const FNV = 0x811c9dc5;
const P = 0x01000193;
const hashStr = (s: string, seed: number) => {
  let h = Math.imul(FNV ^ seed, P);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), P);
  return h >>> 0;
};
const isHan = (c: number) => c >= 0x3400 && c <= 0x9fff;

function toVector(counts: Map<number, number>): SparseVector {
  const n = counts.size;
  const indices = new Int32Array(n);
  const values = new Float32Array(n);
  let k = 0;
  let norm = 0;
  for (const [i, v] of counts) {
    indices[k] = i;
    values[k++] = v;
    norm += v * v;
  }
  const s = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let j = 0; j < n; j++) values[j]! *= s;
  return { indices, values, length: n };
}

/** char view: Latin char_wb 2–5-grams, Han 1–3-grams, punctuation. */
function charView(text: string, lo = 2, hi = 5, hanHi = 3): SparseVector {
  const counts = new Map<number, number>();
  const add = (s: string, seed: number) => {
    const i = hashStr(s, seed) & (BUCKETS - 1);
    counts.set(i, (counts.get(i) ?? 0) + 1);
  };
  const t = text.slice(0, 5000);
  // Han runs
  for (let i = 0; i < t.length; i++) {
    if (!isHan(t.charCodeAt(i))) continue;
    for (let k = 1; k <= hanHi && i + k <= t.length; k++) {
      if (!isHan(t.charCodeAt(i + k - 1))) break;
      add(t.slice(i, i + k), 11);
    }
  }
  for (const m of t.matchAll(/[a-z0-9']+/g)) {
    const w = ` ${m[0]} `;
    for (let n = lo; n <= hi; n++) for (let i = 0; i + n <= w.length; i++) add(w.slice(i, i + n), 13);
  }
  for (const m of t.matchAll(/[!?]|[^\x00-\u2000\u3400-\u9fffa-z0-9'\s]/gu)) add(m[0], 17);
  return toVector(counts);
}

/** word view: Latin word 1–3-grams, Han jieba words 1–2-grams, punctuation. */
function wordView(text: string, tri = true, seg = true): SparseVector {
  const counts = new Map<number, number>();
  const add = (s: string, seed: number) => {
    const i = hashStr(s, seed) & (BUCKETS - 1);
    counts.set(i, (counts.get(i) ?? 0) + 1);
  };
  const t = text.slice(0, 5000);
  const toks: string[] = [];
  for (const m of t.matchAll(/[a-z0-9']+|[\u3400-\u9fff]+|[!?]|[^\x00-\u2000\u3400-\u9fffa-z0-9'\s]/gu)) {
    if (isHan(m[0].charCodeAt(0)) && seg) for (const w of jieba.cut(m[0])) toks.push(w);
    else if (isHan(m[0].charCodeAt(0))) for (let i = 0; i < m[0].length; i++) toks.push(m[0][i]!);
    else toks.push(m[0]);
  }
  for (let i = 0; i < toks.length; i++) {
    add(toks[i]!, 21);
    if (i > 0) add(`${toks[i - 1]} ${toks[i]}`, 23);
    if (tri && i > 1) add(`${toks[i - 2]} ${toks[i - 1]} ${toks[i]}`, 29);
  }
  if (toks.length) {
    add(`^${toks[0]}`, 31);
    add(`$${toks[toks.length - 1]}`, 37);
  }
  return toVector(counts);
}

const base = createFeaturizer({ buckets: BUCKETS });
const wordsEngine = createFeaturizer({ buckets: BUCKETS, view: 'words' });
const VIEWS: Record<string, (text: string, ctx?: string) => SparseVector> = {
  base: (t, ctx) => base(t, FEATURE_SEED, undefined, ctx),
  char: (t) => charView(t),
  word: (t) => wordView(t),
  word2: (t) => wordView(t, false),
  words: (t, ctx) => wordsEngine(t, FEATURE_SEED, undefined, ctx),
  wordc: (t) => wordView(t, true, false),
};

const sets = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const combos = (process.env.COMBOS ?? 'base;char;word;base+char;base+word;char+word;base+char+word').split(';');
const shuffles = Number(process.env.SHUFFLES ?? 1);
const FOLDS = 3;
for (const setKey of sets) {
  const { spec, labels, items, denseNames } = loadTrainRows(setKey);
  const needed = [...new Set(combos.flatMap((c) => c.split('+')))];
  const examples: Record<string, Example[]> = {};
  for (const v of needed) {
    const view = v.split('@')[0]!;
    examples[view] ??= items.map((it) => ({ x: VIEWS[view]!(it.norm, it.ctx), dense: it.dense, y: it.y }));
    examples[v] = examples[view]!;
  }
  const sums: Record<string, number> = Object.fromEntries(combos.map((c) => [c, 0]));
  const t0 = Date.now();
  for (let s = 0; s < shuffles; s++) {
    for (const { held, rest } of shuffledFolds(items.length, Number(process.env.SHUFFLE0 ?? 100) + s, FOLDS)) {
      const probs: Record<string, Float64Array[]> = {};
      for (const v of needed) {
        const model: LinearModel = trainLinear(
          rest.map((i) => examples[v]![i]!),
          {
            task: spec.model,
            labels,
            buckets: BUCKETS,
            dense: [...denseNames],
            epochs: 8,
            seed: 1,
            ...Object.fromEntries(
              v
                .split('@')
                .slice(1)
                .map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])]),
            ),
          },
        );
        probs[v] = held.map((i) => predictProba(model, examples[v]![i]!.x, examples[v]![i]!.dense));
      }
      for (const c of combos) {
        const parts = c.split('+');
        const pred = held.map((_, k) => {
          let best = 0;
          let top = -1;
          for (let y = 0; y < labels.length; y++) {
            let p = 0;
            for (const v of parts) p += probs[v]![k]![y]!;
            if (p > top) [top, best] = [p, y];
          }
          return labels[best]!;
        });
        sums[c]! += score(
          held.map((i) => labels[items[i]!.y]!),
          pred,
        ).macroF1;
      }
    }
  }
  const line = combos.map((c) => `${c} ${(sums[c]! / (FOLDS * shuffles)).toFixed(3)}`).join('  ');
  console.log(`${setKey} (${items.length} rows, ${((Date.now() - t0) / 1000).toFixed(0)} s): ${line}`);
}
