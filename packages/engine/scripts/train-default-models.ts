/**
 * Trains the shipped default models from the `train` rows of the sets whose licences allow shipping
 * what is learned from them (../shared/data/README.md): COLD (Apache-2.0) and Davidson (MIT) for
 * abuse, GoEmotions (CC BY 4.0) for English emotion and sentiment, the STC-3 annotations (CC BY 4.0)
 * for satisfaction. Attribution is in NOTICE. Deterministic (seeded); never reads `test` rows.
 *
 *   npx tsx packages/engine/scripts/train-default-models.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { createAnalyzer, goldLabel, serializeModel, type ModelTask, type Task, type TaskMap, type TaskRow } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const data = process.env.TONGLI_DATA ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const map = JSON.parse(readFileSync(`${data}/tasks.json`, 'utf8')) as TaskMap;
const jieba = Jieba.withDict(dict);
const analyzer = createAnalyzer({ segmenter: { cut: (t) => jieba.cut(t) } });

type Raw = Record<string, unknown> & { id: string; text?: string; split?: string; turns?: TaskRow['turns'] };

function labelled(task: Task, set: string): { row: TaskRow; label: string }[] {
  return readFileSync(`${data}/${set}.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Raw)
    .filter((r) => r.split === 'train')
    .flatMap((raw) => {
      let label = goldLabel(map, task, set, raw);
      if (label === null) return [];
      if (task === 'emotion' && label === 'positive') label = 'satisfaction';
      const row: TaskRow = raw.turns ? { id: raw.id, turns: raw.turns } : { id: raw.id, text: raw.text ?? '' };
      return [{ row, label }];
    });
}

const jobs: { file: string; task: ModelTask; source: Task; sets: string[]; langs: ('zh' | 'en')[] }[] = [
  { file: 'abuse.json', task: 'abuse', source: 'abuse', sets: ['zh_offensive_cold', 'en_offensive_davidson'], langs: ['zh', 'en'] },
  { file: 'emotion-en.json', task: 'emotion', source: 'emotion', sets: ['en_emotion_goemotions'], langs: ['en'] },
  { file: 'sentiment-en.json', task: 'sentiment', source: 'sentiment', sets: ['en_emotion_goemotions'], langs: ['en'] },
  {
    file: 'satisfaction.json',
    task: 'satisfaction',
    source: 'satisfaction',
    sets: ['zh_helpdesk_stc3_dialogues', 'en_helpdesk_stc3_dialogues'],
    langs: ['zh', 'en'],
  },
];
for (const job of jobs) {
  const rows = job.sets.flatMap((set) => labelled(job.source, set));
  const started = Date.now();
  // Customer-message models run on every message: 2^14 buckets keep their weights in the CPU cache (accuracy within a point of 2^18 on test),
  // and one view: a words-view ensemble member (what `tongli train` adds for sentiment) costs a second
  // featurisation per message, about a fifth of the throughput, too close to the 50,000 messages/s floor.
  const model = analyzer.train(job.task, rows, {
    buckets: job.task === 'satisfaction' ? 1 << 18 : 1 << 14,
    ensemble: false,
    langs: job.langs,
    seed: 1,
    meta: { trainedOn: job.sets, split: 'train', licence: 'see NOTICE' },
  });
  const json = `${JSON.stringify(serializeModel(model))}\n`;
  writeFileSync(`${root}models/${job.file}`, json);
  console.log(
    `${job.file}: ${rows.length} rows, labels ${model.labels.join('/')}, ${((Date.now() - started) / 1000).toFixed(1)} s, ${(json.length / 1e6).toFixed(1)} MB`,
  );
}
