import { TASKS, type Task } from '@tongli/engine';
import { createCliAnalyzer, type EngineFiles } from '../engine.js';
import { inputError, usageError } from '../errors.js';
import { openText } from '../io/decode.js';
import { readTaskRows } from '../io/rows.js';
import { Skips } from '../io/skips.js';

export function parseTask(value: string | undefined): Task {
  if (!value || !(TASKS as readonly string[]).includes(value))
    throw usageError(`TASK must be one of ${TASKS.join(', ')}${value ? ` (got "${value}")` : ''}`);
  return value as Task;
}

/** `tongli predict TASK FILE`: one JSON line per input row with its id and the product's label and score. */
export async function runPredict(
  task: Task,
  file: string,
  files: EngineFiles,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
  quiet = false,
  explain = false,
): Promise<number> {
  const analyzer = createCliAnalyzer(files);
  const source = await openText(file);
  const skips = new Skips((m) => {
    if (!quiet) io.stderr.write(`tongli: skipped ${m}\n`);
  });
  let n = 0;
  let buffer = '';
  for await (const { row } of readTaskRows(source, task === 'satisfaction', skips)) {
    buffer += `${JSON.stringify(analyzer.predict(task, row, { explain }))}\n`;
    n++;
    if (buffer.length > 65536) {
      io.stdout.write(buffer);
      buffer = '';
    }
  }
  io.stdout.write(buffer);
  if (skips.count > 0 && !quiet) io.stderr.write(`tongli: ${source.name}: ${n} rows predicted, ${skips.count} rows skipped\n`);
  if (n === 0) throw inputError(`${source.name}: nothing usable was read${skips.count ? ` (${skips.count} rows skipped)` : ''}`);
  return 0;
}
