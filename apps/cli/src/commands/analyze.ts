import { availableParallelism } from 'node:os';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { stringify } from 'csv-stringify/sync';
import { CATALOGUE } from '@tongli/engine';
import { createCliAnalyzer, validateEngineFiles, type EngineFiles } from '../engine.js';
import { CliError, inputError, usageError } from '../errors.js';
import { openText } from '../io/decode.js';
import { guessFormat, readDialogues, type InputDialogue, type InputFormat, type RawLine } from '../io/dialogues.js';
import { createProgress } from '../io/progress.js';
import { Skips } from '../io/skips.js';
import { CSV_COLUMNS } from '../analyze/present.js';
import { processBatch, type BatchResult, type OutputFormat, type ProcessOptions } from '../analyze/process.js';
import { Summary } from '../analyze/summary.js';
import type { WorkerTask } from '../analyze/worker.js';
import { renderHtmlReport } from '../report/html.js';
import { renderTextReport } from '../report/text.js';

export interface AnalyzeOptions {
  file: string;
  format: OutputFormat;
  out?: string;
  inputFormat?: InputFormat;
  workers?: number;
  worst: number;
  lang?: 'zh' | 'en';
  quiet: boolean;
  files: EngineFiles;
}

const BATCH = 128;
const BATCH_CHARS = 1_000_000;
/** Inputs smaller than this are analysed on the main thread: starting workers costs more than it saves. */
const WORKER_THRESHOLD_BYTES = 4 * 1024 * 1024;

interface Sink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens the output up front, so an unwritable --out fails before any work with a one-line reason. */
async function createSink(out: string | undefined, stdout: NodeJS.WritableStream): Promise<Sink> {
  let stream: NodeJS.WritableStream | WriteStream = stdout;
  let failure: Error | undefined;
  if (out) {
    const file = createWriteStream(out);
    file.on('error', (error) => (failure = error));
    try {
      await once(file, 'open');
    } catch (error) {
      throw new CliError('bad_output', `${out}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 2);
    }
    stream = file;
  }
  const check = () => {
    if (failure) throw new CliError('bad_output', `${out ?? 'stdout'}: write failed (${failure.message})`, 1);
  };
  return {
    async write(text: string) {
      check();
      if (!stream.write(text)) await once(stream, 'drain');
    },
    async close() {
      if (out) {
        (stream as WriteStream).end();
        await once(stream, 'finish');
      }
      check();
    },
  };
}

function workerUrl(): string | undefined {
  const url = new URL('../analyze/worker.js', import.meta.url);
  // Under tsx/vitest this module is TypeScript source and there is no built worker next to it.
  return import.meta.url.endsWith('.js') ? fileURLToPath(url) : undefined;
}

/** `tongli analyze FILE`: streams conversations, scores them (in worker threads for large inputs), writes a report. */
export async function runAnalyze(
  options: AnalyzeOptions,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WriteStream },
): Promise<number> {
  const source = await openText(options.file);
  if (source.encoding === 'gb18030' && !options.quiet) io.stderr.write(`tongli: ${source.name}: decoding as GB18030 (GBK)\n`);
  if (options.format === 'html' && !options.out && (io.stdout as NodeJS.WriteStream).isTTY) {
    throw usageError('--format html writes a file: add --out report.html');
  }
  const skips = new Skips((message) => {
    if (!options.quiet) io.stderr.write(`tongli: skipped ${message}\n`);
  });
  const format = options.inputFormat ?? guessFormat(source.name, source.firstChar);
  const lang = options.lang ?? 'zh';
  const processOptions: ProcessOptions = {
    format: options.format,
    worst: options.format === 'html' || options.format === 'text' ? options.worst : 0,
    lang,
  };
  const summary = new Summary(CATALOGUE, options.worst);
  const sink = await createSink(options.out, io.stdout);
  const progress = createProgress(io.stderr, !options.quiet);

  const threads = options.workers ?? Math.max(1, availableParallelism());
  const url = workerUrl();
  const useWorkers =
    url !== undefined &&
    threads > 1 &&
    (options.workers !== undefined || source.size === undefined || source.size > WORKER_THRESHOLD_BYTES);
  if (useWorkers) validateEngineFiles(options.files);
  // A capped heap per worker makes V8 collect early, which keeps the whole run well under 500 MB.
  const pool = useWorkers
    ? new Piscina<WorkerTask, BatchResult>({
        filename: url,
        minThreads: threads,
        maxThreads: threads,
        resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 24 },
      })
    : undefined;
  // Built only when this thread analyses; with workers each thread has its own.
  const analyzer = pool ? undefined : createCliAnalyzer(options.files);

  let first = true;
  async function emit(result: BatchResult): Promise<void> {
    for (const message of result.skipped) skips.add(message);
    for (const s of result.stats) summary.add(s);
    summary.addWorst(result.worst);
    if (options.format === 'json') {
      for (const row of result.output) {
        await sink.write(first ? `{"conversations":[\n${row}` : `,\n${row}`);
        first = false;
      }
    } else if (options.format === 'csv') {
      for (const chunk of result.output) await sink.write(chunk);
    }
    progress.update(summary.count, source.bytesRead(), source.size);
  }

  if (options.format === 'csv') await sink.write(stringify([[...CSV_COLUMNS]]));
  type Outcome = { ok: true; value: BatchResult } | { ok: false; error: unknown };
  const inFlight: Promise<Outcome>[] = [];
  const settle = async (outcome: Promise<Outcome>) => {
    const result = await outcome;
    if (!result.ok) {
      const message = result.error instanceof Error ? result.error.message.split('\n')[0] : String(result.error);
      throw new CliError('worker_failed', `analysis failed in a worker thread: ${message}`, 1);
    }
    await emit(result.value);
  };
  let batch: (InputDialogue | RawLine)[] = [];
  let batchChars = 0;
  const submit = async (items: (InputDialogue | RawLine)[]) => {
    if (pool) {
      // Settled at once into a value, so a failing worker is reported once and never left unhandled.
      inFlight.push(
        pool.run({ items, source: source.name, options: processOptions, files: options.files }).then(
          (value): Outcome => ({ ok: true, value }),
          (error: unknown): Outcome => ({ ok: false, error }),
        ),
      );
      // Bounded in-flight batches keep memory constant and output in input order.
      if (inFlight.length >= threads * 2) await settle(inFlight.shift() as Promise<Outcome>);
    } else {
      await emit(processBatch(items, analyzer ?? createCliAnalyzer(options.files), processOptions, source.name));
    }
  };
  try {
    for await (const item of readDialogues(source, format, skips, pool !== undefined)) {
      batch.push(item);
      batchChars += 'line' in item ? item.text.length : item.turns.reduce((n, t) => n + t.text.length, 0);
      // Close a batch by count or by size: a few very long conversations must not exhaust a worker's heap.
      if (batch.length >= BATCH || batchChars >= BATCH_CHARS) {
        await submit(batch);
        batch = [];
        batchChars = 0;
      }
    }
    if (batch.length > 0) await submit(batch);
    while (inFlight.length > 0) await settle(inFlight.shift() as Promise<Outcome>);
  } finally {
    progress.end();
    if (pool) await pool.destroy();
  }

  const report = summary.report({
    source: source.name,
    skipped: skips.count,
    lang: options.lang ?? summary.majorityLang,
    generatedAt: new Date().toISOString(),
  });
  if (options.format === 'json')
    await sink.write(
      `${first ? '{"conversations":[' : ''}\n],"summary":${JSON.stringify({ ...report, worst: report.worst.map((w) => w.id) })}}\n`,
    );
  else if (options.format === 'html') await sink.write(renderHtmlReport(report));
  else if (options.format === 'text') await sink.write(renderTextReport(report));
  await sink.close();

  if (skips.count > 0 && !options.quiet)
    io.stderr.write(`tongli: ${source.name}: ${summary.count} conversations analysed, ${skips.count} rows skipped\n`);
  if (summary.count === 0) {
    throw skips.count > 0
      ? inputError(`${source.name}: nothing usable was read (${skips.count} rows skipped)`)
      : inputError(`${source.name}: no conversations found`);
  }
  if (options.out && !options.quiet) io.stderr.write(`tongli: wrote ${options.out}\n`);
  return 0;
}
