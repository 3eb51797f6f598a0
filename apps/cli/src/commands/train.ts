import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { goldLabel, labelledTurns, serializeModel, setsOf, type ModelTask, type Task, type TaskMap, type TaskRow } from '@tongli/engine';
import { MAX_TEXT_LENGTH } from '@tongli/shared';
import { createCliAnalyzer } from '../engine.js';
import { CliError, inputError, usageError } from '../errors.js';
import { openText } from '../io/decode.js';
import { readTaskRows } from '../io/rows.js';
import { toRole } from '../io/roles.js';
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

/** A dialogue's agent turns labelled with `strategy`; with a label mapping, only its strategy classes are taught. */
function strategyTurns(raw: Record<string, unknown>, map: TaskMap | undefined): ({ row: TaskRow; label: string } | { skip: string })[] {
  const turns = (raw.turns as { role: string; text: string }[]).flatMap((t) => {
    const role = toRole(t.role);
    return role ? [{ ...t, role, text: t.text.slice(0, MAX_TEXT_LENGTH) }] : [];
  });
  const classes = map ? new Set(Object.values(map.strategy.product_to_class)) : undefined;
  return labelledTurns({ id: String(raw.id), turns }, 'strategy').map((t) =>
    classes && !classes.has(t.label) ? { skip: `strategy "${t.label}" is not one of ${[...classes].join(', ')}` } : t,
  );
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
  // A set cut out of dialogues (ESConv's strategy rows) and the dialogues themselves give a turn the same id and text.
  const seenIds = new Map<ModelTask, Set<string>>();
  let repeated = 0;
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
    const seen = seenIds.get(modelTask) ?? new Set<string>();
    seenIds.set(modelTask, seen);
    const source = await openText(file);
    const add = (row: TaskRow, label: string) => {
      // Same id and same text: the same row again. A shared id alone is not enough (exports often repeat a conversation's id).
      const key = `${row.id}\u0000${row.text ?? ''}`;
      if (seen.has(key)) repeated++;
      else {
        seen.add(key);
        rows.push({ row, label });
      }
    };
    // Strategy may also be learned from whole dialogues whose agent turns carry their own `strategy`.
    const dialogues = options.task === 'satisfaction' ? true : options.task === 'strategy' ? 'either' : false;
    for await (const { row, raw } of readTaskRows(source, dialogues, skips)) {
      if (options.split === 'train' && raw.split !== undefined && raw.split !== 'train') continue;
      if (options.task === 'strategy' && row.turns) {
        for (const turn of strategyTurns(raw, map)) {
          if ('skip' in turn) skips.add(`${source.name}: dialogue ${row.id}: ${turn.skip}`);
          else add(turn.row, turn.label);
        }
        continue;
      }
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
      if (label !== null) add(row, label);
    }
    byTask.set(modelTask, rows);
  }
  if (repeated > 0) io.stderr.write(`tongli: ${repeated} rows repeat the id and text of a row already read and were used once\n`);
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
