/**
 * Scratch: does ESConv strategy gain from the dialogue set's other labelled agent turns (train dialogues only)?
 * Folds by dialogue over the strategy set's `train` rows; extra turns from the held dialogues are never used.
 * ARMS: `base`, `extra` (with those turns), `failed` (also the `train` dialogues of en_esconv_failed_dialogues).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAnalyzer, labelledTurns, score } from '../src/index.js';
import { createFeaturizer } from '../src/model/features.js';
import { predictProba } from '../src/model/linear.js';
import { FEATURE_SEED } from '../src/model/models.js';
import { agentDense, agentDenseNames } from '../src/model/task-features.js';
import { contextTurns } from '../src/tasks/predict.js';
import { trainLinear, type Example } from '../src/model/train.js';
import { BUCKETS, shuffledFolds } from './cv-data.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir = `${root}../shared/data`;
const analyzer = createAnalyzer({});
const techniqueIds = analyzer.catalogue.techniques.map((t) => t.id);
const views = { base: createFeaturizer({ buckets: BUCKETS }), words: createFeaturizer({ buckets: BUCKETS, view: 'words' }) };
type Row = { id: string; text: string; label: string; context: { role: string; text: string }[]; group: string; split: string };
const read = (f: string) =>
  readFileSync(`${dataDir}/${f}`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
const rows = (read('en_support_strategy_esconv.jsonl') as Row[]).filter((r) => r.split === 'train');
const ids = new Set((read('en_support_strategy_esconv.jsonl') as Row[]).map((r) => r.id));
/** The labelled agent turns of a dialogue file's `train` dialogues, as rows grouped by dialogue. */
const trainTurns = (file: string): Row[] =>
  (read(file) as { id: string; split: string; turns: Parameters<typeof labelledTurns>[0]['turns'] }[])
    .filter((d) => d.split === 'train')
    .flatMap((d) => labelledTurns(d, 'strategy').map((t) => ({ ...(t.row as Row), label: t.label, group: d.id, split: 'train' })));
const extra = trainTurns('en_esconv_dialogues.jsonl').filter((r) => !ids.has(r.id));
const labels = [...new Set(rows.map((r) => r.label))].sort();
// Dialogues the ESConv authors dropped (separate conversations, never held out here); turns with another class skipped.
const failed = trainTurns('en_esconv_failed_dialogues.jsonl').filter((r) => labels.includes(r.label));
const denseNames = agentDenseNames(techniqueIds);
function featurize(r: Row, spec: string): Example {
  const [view, flag] = spec.split(':') as ['base' | 'words', string | undefined];
  const context = contextTurns(r.context as never);
  const customer = context.customer !== undefined ? analyzer.analyzeCustomer(context.customer) : undefined;
  const a = analyzer.analyzeAgent(r.text, customer ? { ...context, customerAnalysis: customer } : context);
  let ctx: string | undefined;
  if (flag === 'ctx' && context.customer !== undefined) ctx = analyzer.normalize(context.customer).text;
  if (flag === 'prev') ctx = analyzer.normalize(context.previousAgentTurns.at(-1) ?? '').text;
  if (flag === 'all') ctx = analyzer.normalize(r.context.map((t) => t.text).join(' ')).text;
  return {
    x: views[view](analyzer.normalize(r.text).text, FEATURE_SEED, undefined, ctx),
    dense: agentDense(techniqueIds, a, customer),
    y: labels.indexOf(r.label),
  };
}
const VIEWS = (process.env.VIEWS ?? 'base').split(',');
const ex = Object.fromEntries(VIEWS.map((v) => [v, rows.map((r) => featurize(r, v))]));
const exExtra = Object.fromEntries(VIEWS.map((v) => [v, extra.map((r) => featurize(r, v))]));
const exFailed = Object.fromEntries(VIEWS.map((v) => [v, failed.map((r) => featurize(r, v))]));
console.log(`rows ${rows.length}, extra ${extra.length}, failed ${failed.length}`);
const groups = [...new Set(rows.map((r) => r.group))].sort();
const shuffles = Number(process.env.SHUFFLES ?? 1);
const ARMS = (process.env.ARMS ?? 'base;extra').split(';');
const sums: Record<string, number> = Object.fromEntries(ARMS.map((a) => [a, 0]));
for (let s = 0; s < shuffles; s++) {
  const folds = shuffledFolds(groups.length, 100 + s, 3);
  const foldOf = new Map(folds.flatMap(({ held }, f) => held.map((g) => [groups[g]!, f] as const)));
  for (let f = 0; f < 3; f++) {
    const held = rows.flatMap((r, i) => (foldOf.get(r.group) === f ? [i] : []));
    const rest = rows.flatMap((r, i) => (foldOf.get(r.group) !== f ? [i] : []));
    const restExtra = extra.flatMap((r, i) => (foldOf.get(r.group) !== f ? [i] : []));
    for (const arm of ARMS) {
      const probs = held.map(() => new Float64Array(labels.length));
      // An arm is `base` / `extra` (every view in VIEWS, without / with the extra turns) or `=` and `+`-joined views, with them.
      const armViews = arm.startsWith('=') ? arm.slice(1).split('+') : VIEWS;
      for (const v of armViews) {
        const train = rest
          .map((i) => ex[v]![i]!)
          .concat(arm !== 'base' ? restExtra.map((i) => exExtra[v]![i]!) : [])
          .concat(arm === 'failed' ? exFailed[v]! : []);
        const model = trainLinear(train, { task: 'strategy', labels, buckets: BUCKETS, dense: [...denseNames], epochs: 8, seed: 1 });
        held.forEach((i, k) => predictProba(model, ex[v]![i]!.x, ex[v]![i]!.dense).forEach((p, y) => (probs[k]![y]! += p)));
      }
      const pred = probs.map((p) => labels[p.indexOf(Math.max(...p))]!);
      const f1 = score(
        held.map((i) => rows[i]!.label),
        pred,
      ).macroF1;
      sums[arm] = (sums[arm] ?? 0) + f1;
      console.log(`shuffle ${s} fold ${f} ${arm}: ${f1.toFixed(3)}`);
    }
  }
}
console.log(ARMS.map((a) => `${a} ${(sums[a]! / 3 / shuffles).toFixed(3)}`).join('  '));
