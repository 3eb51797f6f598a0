import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { printable } from '@tongli/shared';
import { CliError, inputError, usageError } from '../errors.js';

export interface ImportOptions {
  file: string;
  url: string;
  token: string;
  inbox: string;
  format?: 'jsonl' | 'csv';
  /** How often progress is asked for (ms). */
  pollMs?: number;
  /** Give up waiting for the analysis after this many seconds (0: do not wait). */
  waitSeconds?: number;
  quiet?: boolean;
}

interface Progress {
  id: string;
  status: 'running' | 'done' | 'failed';
  total: number;
  imported: number;
  analyzed: number;
  skipped: { line: number; reason: string }[];
}

interface ApiError {
  error?: { code?: string; message?: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An HTTP failure as a CLI error: the server refused the input (2) or something went wrong (1). */
async function failure(res: Response, what: string): Promise<CliError> {
  const body = (await res.json().catch(() => ({}))) as ApiError;
  const message = `${what}: ${res.status} ${printable(body.error?.message ?? res.statusText).slice(0, 300)}`;
  return new CliError(body.error?.code ?? 'http_error', message, res.status === 400 || res.status === 404 || res.status === 413 ? 2 : 1);
}

/**
 * Posts a JSONL or CSV file to a Tongli server's batch import and prints progress until every stored conversation is
 * analysed. Exit codes: 0 done, 1 failure (server, network, timeout), 2 bad usage or input.
 * @example
 * await runImport({ file: 'chats.jsonl', url: 'http://127.0.0.1:3000', token: 'tl_…', inbox: inboxId }, io);
 */
export async function runImport(
  options: ImportOptions,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    throw usageError(`--url is not a URL: "${printable(options.url)}"`);
  }
  const size = await stat(options.file).catch(() => undefined);
  if (!size?.isFile()) throw inputError(`cannot read ${printable(options.file)}`);
  const format = options.format ?? (/\.(csv|tsv)$/i.test(options.file) ? 'csv' : 'jsonl');
  const headers = {
    authorization: `Bearer ${options.token}`,
    'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    'content-length': String(size.size),
  };
  const post = new URL('/api/imports', base);
  post.searchParams.set('inboxId', options.inbox);
  post.searchParams.set('format', format);
  let res: Response;
  try {
    res = await fetch(post, {
      method: 'POST',
      headers,
      body: Readable.toWeb(createReadStream(options.file)) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);
  } catch (error) {
    throw new CliError('network_error', `cannot reach ${base.origin}: ${(error as Error).message}`, 1);
  }
  if (res.status !== 202) throw await failure(res, 'import refused');
  let progress = (await res.json()) as Progress;
  const say = (line: string): void => {
    if (!options.quiet) io.stderr.write(`${line}\n`);
  };
  io.stdout.write(
    `import ${progress.id}: ${progress.imported} of ${progress.total} conversations stored, ${progress.skipped.length} rows skipped\n`,
  );
  for (const s of progress.skipped.slice(0, 20)) say(`  skipped ${s.line > 0 ? `line ${s.line}` : ''}: ${printable(s.reason)}`);
  const deadline = Date.now() + (options.waitSeconds ?? 600) * 1000;
  let last = -1;
  while (progress.status === 'running' && progress.analyzed < progress.imported) {
    if (Date.now() > deadline)
      throw new CliError('timeout', `analysis not finished in time (${progress.analyzed}/${progress.imported}); check again later`, 1);
    await sleep(options.pollMs ?? 500);
    const poll = await fetch(new URL(`/api/imports/${progress.id}`, base), { headers: { authorization: headers.authorization } }).catch(
      (error: Error) => {
        throw new CliError('network_error', `cannot reach ${base.origin}: ${error.message}`, 1);
      },
    );
    if (!poll.ok) throw await failure(poll, 'progress');
    progress = (await poll.json()) as Progress;
    if (progress.analyzed !== last) say(`analysed ${progress.analyzed}/${progress.imported}`);
    last = progress.analyzed;
  }
  if (progress.status === 'failed') throw new CliError('import_failed', `import ${progress.id} failed`, 1);
  io.stdout.write(`import ${progress.id}: ${progress.analyzed} of ${progress.imported} conversations analysed\n`);
  return 0;
}
