import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { goldLabel, predictedLabel, score, spearman, setsOf, type Task, type TaskMap } from '@tongli/engine';
import { createCliAnalyzer, type EngineFiles } from '../engine.js';
import { inputError } from '../errors.js';
import { openText } from '../io/decode.js';
import { readTaskRows } from '../io/rows.js';
import { Skips } from '../io/skips.js';

export interface EvalOptions {
  task: Task;
  file: string;
  map?: string;
  set?: string;
  split: 'test' | 'train' | 'all';
  json: boolean;
  files: EngineFiles;
}

function loadMap(options: EvalOptions): TaskMap {
  const candidates = options.map
    ? [options.map]
    : [join(dirname(options.file), 'tasks.json'), join(process.cwd(), '../shared/data/tasks.json')];
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw inputError(`no label mapping found: pass --map path/to/tasks.json`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as TaskMap;
  } catch (error) {
    throw inputError(`${path}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

/** `tongli eval TASK FILE`: predicts every row of the chosen split and scores it against the gold labels. */
export async function runEval(options: EvalOptions, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const map = loadMap(options);
  const set = options.set ?? basename(options.file).replace(/\.(jsonl|json|ndjson)$/i, '');
  const sets = setsOf(map, options.task);
  if (!sets.includes(set))
    throw inputError(`set "${set}" has no ${options.task} mapping in tasks.json (known: ${sets.join(', ')}); name it with --set`);
  const analyzer = createCliAnalyzer(options.files);
  const source = await openText(options.file);
  const skips = new Skips((m) => io.stderr.write(`tongli: skipped ${m}\n`));
  const binary = options.task === 'sentiment' && set !== 'en_emotion_goemotions';
  const gold: string[] = [];
  const predicted: string[] = [];
  const scores: number[] = [];
  const means: number[] = [];
  let elapsed = 0n;
  let messages = 0;
  for await (const { row, raw } of readTaskRows(source, options.task === 'satisfaction', skips)) {
    if (options.split !== 'all' && raw.split !== undefined && raw.split !== options.split) continue;
    const g = goldLabel(map, options.task, set, raw);
    if (g === null) continue;
    const t0 = process.hrtime.bigint();
    const prediction = analyzer.predict(options.task, row) as unknown as Record<string, unknown>;
    elapsed += process.hrtime.bigint() - t0;
    messages += row.turns ? row.turns.length : 1;
    gold.push(g);
    predicted.push(predictedLabel(map, options.task, set, prediction, binary));
    if (options.task === 'satisfaction') {
      scores.push(Number(prediction.score));
      const quality = raw.quality as { S?: { mean?: number } } | undefined;
      means.push(Number(quality?.S?.mean ?? 0));
    }
  }
  if (gold.length === 0)
    throw inputError(`${source.name}: no labelled ${options.split === 'all' ? '' : `${options.split} `}rows for ${options.task}`);
  const labels =
    options.task === 'empathy' ? ['0', '1', '2'] : options.task === 'sentiment' && binary ? ['negative', 'positive'] : undefined;
  const figures = score(gold, predicted, labels);
  const seconds = Number(elapsed) / 1e9;
  const result: Record<string, unknown> = {
    task: options.task,
    set,
    split: options.split,
    n: figures.n,
    accuracy: figures.accuracy,
    macroF1: figures.macroF1,
    perLabel: figures.perLabel,
    msgsPerSec: seconds > 0 ? Math.round(messages / seconds) : 0,
  };
  if (options.task === 'satisfaction') result.spearman = spearman(scores, means);
  if (options.json) io.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    io.stdout.write(
      `${options.task} on ${set} (${options.split}, n=${figures.n}): macro-F1 ${figures.macroF1.toFixed(3)}, accuracy ${figures.accuracy.toFixed(3)}${result.spearman !== undefined ? `, Spearman ρ ${Number(result.spearman).toFixed(3)}` : ''}, ${String(result.msgsPerSec)} msgs/s\n`,
    );
    for (const [label, f] of Object.entries(figures.perLabel))
      io.stdout.write(
        `  ${label.padEnd(30)} P ${f.precision.toFixed(3)}  R ${f.recall.toFixed(3)}  F1 ${f.f1.toFixed(3)}  n ${f.support}\n`,
      );
  }
  return 0;
}
