import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { goldLabel, serializeModel, setsOf, type ModelTask, type Task, type TaskMap, type TaskRow } from '@tongli/engine';
import { createCliAnalyzer } from '../engine.js';
import { CliError, inputError, usageError } from '../errors.js';
import { openText } from '../io/decode.js';
import { readTaskRows } from '../io/rows.js';
import { Skips } from '../io/skips.js';

export interface TrainOptions {
  task: Task;
  files: string[];
  out: string;
  map?: string;
  split: 'train' | 'all';
  epochs?: number;
  seed?: number;
  langs?: ('zh' | 'en')[];
}

/** Labels a centre may use for its own rows, per task (evaluation sets are mapped through tasks.json instead). */
const PRODUCT_LABELS: Partial<Record<Task, readonly string[]>> = {
  emotion: ['anger', 'frustration', 'anxiety', 'sadness', 'confusion', 'satisfaction', 'neutral'],
  sentiment: ['positive', 'negative', 'neutral'],
  abuse: ['abusive', 'clean'],
  satisfaction: ['dissatisfied', 'neutral', 'satisfied'],
};

function loadMap(path: string | undefined, files: string[]): TaskMap | undefined {
  const candidates = path ? [path] : files.map((f) => join(dirname(f), 'tasks.json'));
  const found = candidates.find((p) => existsSync(p));
  if (path && !found) throw inputError(`${path}: no such label mapping file`);
  return found ? (JSON.parse(readFileSync(found, 'utf8')) as TaskMap) : undefined;
}

/** `tongli train TASK FILE… --out MODEL`: learns a model from labelled rows (deterministic for a seed). */
export async function runTrain(
  options: TrainOptions,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  const map = loadMap(options.map, options.files);
  // Train without the shipped models: their outputs are not features, and a fresh model must not depend on them.
  const analyzer = createCliAnalyzer({ noDefaultModels: true });
  const byTask = new Map<ModelTask, { row: TaskRow; label: string }[]>();
  const skips = new Skips((m) => io.stderr.write(`tongli: skipped ${m}\n`));
  const started = Date.now();
  for (const file of options.files) {
    const set = basename(file).replace(/\.(jsonl|json|ndjson)$/i, '');
    const known = map !== undefined && setsOf(map, options.task).includes(set);
    const modelTask: ModelTask =
      options.task === 'empathy'
        ? (`empathy:${known && map ? (map.empathy.mechanisms[set] ?? '') : ''}` as ModelTask)
        : (options.task as ModelTask);
    if (options.task === 'empathy' && (modelTask as string) === 'empathy:')
      throw usageError(
        `${file}: empathy training needs an EPITOME set named in tasks.json (emotional_reactions, interpretations or explorations)`,
      );
    const rows = byTask.get(modelTask) ?? [];
    const source = await openText(file);
    for await (const { row, raw } of readTaskRows(source, options.task === 'satisfaction', skips)) {
      if (options.split === 'train' && raw.split !== undefined && raw.split !== 'train') continue;
      let label: string | null;
      if (known && map) {
        label = goldLabel(map, options.task, set, raw);
        if (options.task === 'emotion' && label === 'positive') label = 'satisfaction';
      } else {
        const value = options.task === 'satisfaction' ? raw.satisfaction : raw.label;
        label = typeof value === 'string' ? value : null;
        const allowed = PRODUCT_LABELS[options.task];
        if (label !== null && allowed && !allowed.includes(label)) {
          skips.add(`${source.name}: label "${label}" is not a ${options.task} label (${allowed.join(', ')})`);
          label = null;
        }
      }
      if (label !== null) rows.push({ row, label });
    }
    byTask.set(modelTask, rows);
  }
  const outputs: object[] = [];
  for (const [task, rows] of byTask) {
    if (rows.length === 0)
      throw inputError(`no labelled ${options.split === 'train' ? 'train ' : ''}rows for ${task} in ${options.files.join(', ')}`);
    try {
      const model = analyzer.train(task, rows, {
        ...(options.epochs ? { epochs: options.epochs } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.langs ? { langs: options.langs } : {}),
        meta: { trainedOn: options.files.map((f) => basename(f)), split: options.split, created: new Date().toISOString().slice(0, 10) },
      });
      outputs.push(serializeModel(model));
      io.stderr.write(
        `tongli: trained ${task} on ${rows.length} rows (${model.labels.join(', ')}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    } catch (error) {
      throw new CliError('bad_input', (error as Error).message, 2);
    }
  }
  // One task → one model object; several (empathy over three sets) → a list the loaders also accept.
  const json = JSON.stringify(outputs.length === 1 ? outputs[0] : outputs);
  try {
    writeFileSync(options.out, `${json}\n`);
  } catch (error) {
    throw new CliError('bad_output', `${options.out}: cannot write (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 2);
  }
  io.stdout.write(`wrote ${options.out} (${(json.length / 1024 / 1024).toFixed(1)} MB)\n`);
  return 0;
}
