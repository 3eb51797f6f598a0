/**
 * The labelled sets the cross-validation harnesses (`cv-views.ts`, `cv-mlp.ts`) read: `train` rows only, each
 * normalised, with the rule layer's dense features and (for EPITOME explorations) the customer's message as context.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { createAnalyzer, goldLabel, type Task, type TaskMap } from '../src/index.js';
import { agentDense, agentDenseNames, CUSTOMER_DENSE, customerDense } from '../src/model/task-features.js';
import { createRandom } from '../src/model/random.js';
import { contextTurns } from '../src/tasks/predict.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir = process.env.TONGLI_DATA ?? `${root}../shared/data`;
const map = JSON.parse(readFileSync(`${dataDir}/tasks.json`, 'utf8')) as TaskMap;
export const jieba = Jieba.withDict(dict);
const analyzer = createAnalyzer({ segmenter: { cut: (t) => jieba.cut(t) } });
const techniqueIds = analyzer.catalogue.techniques.map((t) => t.id);
export const BUCKETS = 1 << 18;

export const SETS: Record<string, { task: Task; model: string; kind: 'customer' | 'agent'; context?: boolean }> = {
  en_emotion_goemotions: { task: 'sentiment', model: 'sentiment', kind: 'customer' },
  goemo_emotion: { task: 'emotion', model: 'emotion', kind: 'customer' },
  zh_sentiment_waimai: { task: 'sentiment', model: 'sentiment', kind: 'customer' },
  zh_sentiment_hotel: { task: 'sentiment', model: 'sentiment', kind: 'customer' },
  zh_sentiment_shopping: { task: 'sentiment', model: 'sentiment', kind: 'customer' },
  zh_offensive_cold: { task: 'abuse', model: 'abuse', kind: 'customer' },
  zh_toxic_toxicn: { task: 'abuse', model: 'abuse', kind: 'customer' },
  en_offensive_davidson: { task: 'abuse', model: 'abuse', kind: 'customer' },
  zh_emotion_clue: { task: 'emotion', model: 'emotion', kind: 'customer' },
  en_support_strategy_esconv: { task: 'strategy', model: 'strategy', kind: 'agent' },
  en_empathy_epitome_interpretations: { task: 'empathy', model: 'empathy:interpretations', kind: 'agent' },
  en_empathy_epitome_emotional_reactions: { task: 'empathy', model: 'empathy:emotional_reactions', kind: 'agent' },
  en_empathy_epitome_explorations: { task: 'empathy', model: 'empathy:explorations', kind: 'agent', context: true },
};

type Raw = Record<string, unknown> & { id: string; text?: string; split?: string; context?: unknown };

/** A set's `train` rows, labelled, normalised and with their rule features. */
export function loadTrainRows(setKey: string) {
  const set = setKey === 'goemo_emotion' ? 'en_emotion_goemotions' : setKey;
  const spec = SETS[setKey]!;
  const rows = readFileSync(`${dataDir}/${set}.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Raw)
    .filter((r) => r.split === 'train')
    .flatMap((raw) => {
      const gold = goldLabel(map, spec.task, set, raw);
      return gold === null ? [] : [{ raw, gold }];
    });
  const labels = [...new Set(rows.map((r) => r.gold))].sort();
  const items = rows.map(({ raw, gold }) => {
    const text = raw.text ?? '';
    const norm = analyzer.normalize(text).text;
    let dense: number[];
    let ctx: string | undefined;
    if (spec.kind === 'customer') dense = customerDense(analyzer.analyzeCustomer(text));
    else {
      const context = contextTurns(raw.context as never);
      const customer = context.customer !== undefined ? analyzer.analyzeCustomer(context.customer) : undefined;
      const a = analyzer.analyzeAgent(text, customer ? { ...context, customerAnalysis: customer } : context);
      dense = agentDense(techniqueIds, a, customer);
      if (spec.context && context.customer !== undefined) ctx = analyzer.normalize(context.customer).text;
    }
    return { norm, dense, ctx, y: labels.indexOf(gold) };
  });
  const denseNames = spec.kind === 'customer' ? CUSTOMER_DENSE : agentDenseNames(techniqueIds);
  return { spec, labels, items, denseNames };
}

/** `folds` folds of `count` rows over the seeded shuffle `shuffle`: each fold's held rows and the rest. */
export function shuffledFolds(count: number, shuffle: number, folds: number): { held: number[]; rest: number[] }[] {
  const random = createRandom(shuffle);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return Array.from({ length: folds }, (_, f) => ({
    held: order.filter((_, i) => i % folds === f),
    rest: order.filter((_, i) => i % folds !== f),
  }));
}
