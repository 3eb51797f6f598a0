/**
 * Scratch: does a set gain from another set's `train` rows of the same task added to its training folds?
 *   EXTRA=zh_sentiment_hotel,zh_sentiment_shopping VIEWS=base,words npx tsx packages/engine/bench/cv-more.ts zh_sentiment_waimai
 */
import { score } from '../src/index.js';
import { createFeaturizer } from '../src/model/features.js';
import { predictProba } from '../src/model/linear.js';
import { FEATURE_SEED } from '../src/model/models.js';
import { trainLinear, type Example } from '../src/model/train.js';
import { BUCKETS, loadTrainRows, shuffledFolds } from './cv-data.js';

const views = { base: createFeaturizer({ buckets: BUCKETS }), words: createFeaturizer({ buckets: BUCKETS, view: 'words' }) };
const VIEWS = (process.env.VIEWS ?? 'base').split(',') as ('base' | 'words')[];
const setKey = process.argv[2]!;
const target = loadTrainRows(setKey);
const extras = (process.env.EXTRA ?? '')
  .split(',')
  .filter(Boolean)
  .map((s) => loadTrainRows(s));
const labels = target.labels;
const toEx = (it: { norm: string; dense: number[]; ctx?: string }, y: number, v: 'base' | 'words'): Example => ({
  x: views[v](it.norm, FEATURE_SEED, undefined, it.ctx),
  dense: it.dense,
  y,
});
const ex = Object.fromEntries(VIEWS.map((v) => [v, target.items.map((it) => toEx(it, it.y, v))]));
const more = Object.fromEntries(
  VIEWS.map((v) => [
    v,
    extras.flatMap((e) =>
      e.items.flatMap((it) => (labels.includes(e.labels[it.y]!) ? [toEx(it, labels.indexOf(e.labels[it.y]!), v)] : [])),
    ),
  ]),
);
console.log(`${setKey}: ${target.items.length} rows, extra ${more[VIEWS[0]!]!.length}`);
const shuffles = Number(process.env.SHUFFLES ?? 1);
const sums = { base: 0, extra: 0 };
for (let s = 0; s < shuffles; s++)
  for (const { held, rest } of shuffledFolds(target.items.length, 100 + s, 3))
    for (const arm of ['base', 'extra'] as const) {
      const probs = held.map(() => new Float64Array(labels.length));
      for (const v of VIEWS) {
        const train = rest.map((i) => ex[v]![i]!).concat(arm === 'extra' ? more[v]! : []);
        const model = trainLinear(train, {
          task: target.spec.model,
          labels,
          buckets: BUCKETS,
          dense: [...target.denseNames],
          epochs: 8,
          seed: 1,
        });
        held.forEach((i, k) => predictProba(model, ex[v]![i]!.x, ex[v]![i]!.dense).forEach((p, y) => (probs[k]![y]! += p)));
      }
      const pred = probs.map((p) => labels[p.indexOf(Math.max(...p))]!);
      const f1 = score(
        held.map((i) => labels[target.items[i]!.y]!),
        pred,
      ).macroF1;
      sums[arm] += f1;
      console.log(`shuffle ${s} ${arm}: ${f1.toFixed(3)}`);
    }
console.log(`${setKey} mean base ${(sums.base / 3 / shuffles).toFixed(3)} extra ${(sums.extra / 3 / shuffles).toFixed(3)}`);
