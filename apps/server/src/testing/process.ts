import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Db } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { createApiToken } from '../repositories/sessions.js';

const BIN = fileURLToPath(new URL('../../../cli/bin/tongli.js', import.meta.url));

/** A TCP port free right now on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Where a separate server process keeps its data: a PGlite folder, or a PostgreSQL schema of DATABASE_URL. */
export interface ProcessDatabase {
  env: Record<string, string>;
  open(): Promise<Db>;
  /** Removes the folder or drops the schema. */
  dispose(): Promise<void>;
}

/**
 * A throw-away database for a server process: a fresh PGlite folder, or (for `postgres`, with DATABASE_URL set) a
 * fresh schema in that database.
 */
export function scratchDatabase(kind: 'pglite' | 'postgres', prefix = 'tongli'): ProcessDatabase {
  const base = process.env.DATABASE_URL;
  if (kind === 'pglite' || !base) {
    const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    return {
      env: { TONGLI_DATA_DIR: dir, DATABASE_URL: '' },
      open: () => openDatabase({ dataDir: dir }),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `${prefix.replace(/\W/g, '_')}_${randomBytes(5).toString('hex')}`;
  const url = `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    env: { DATABASE_URL: url },
    open: async () => {
      await (await openDatabase({ url: base, schema })).close();
      return openDatabase({ url });
    },
    dispose: async () => {
      const db = await openDatabase({ url: base });
      await db.execScript(`drop schema if exists ${schema} cascade`);
      await db.close();
    },
  };
}

/** Migrates the database and creates an admin API token and an API inbox for a client to use. */
export async function prepareDatabase(database: ProcessDatabase): Promise<{ token: string; inboxId: string }> {
  const db = await database.open();
  try {
    await migrate(db);
    const { token } = await createApiToken(db.kysely, { name: 'load client', role: 'admin', createdBy: null });
    const inbox = await db.kysely.insertInto('inboxes').values({ name: 'api', channel: 'api' }).returning('id').executeTakeFirstOrThrow();
    return { token, inboxId: inbox.id };
  } finally {
    await db.close();
  }
}

/**
 * Starts the built `tongli serve --no-demo` as a child process; resolves once it listens.
 * @example
 * const child = await startServerProcess(database.env, await freePort());
 */
export function startServerProcess(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.TONGLI_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.TONGLI_PROFILE] : []),
      ...(process.env.TONGLI_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      BIN,
      'serve',
      '--no-demo',
      '--port',
      String(port),
    ],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // TONGLI_SERVER_LOG=FILE keeps what the server prints (e.g. with TONGLI_NODE_FLAGS=--trace-gc) after it is up.
  const log = process.env.TONGLI_SERVER_LOG ? createWriteStream(process.env.TONGLI_SERVER_LOG, { flags: 'a' }) : undefined;
  return new Promise((resolve, reject) => {
    let out = '';
    let up = false;
    const onExit = (code: number | null): void => reject(new Error(`server exited (${code}): ${out.slice(-2000)}`));
    const onOutput = (chunk: Buffer): void => {
      log?.write(chunk);
      // Only the start is kept for the error above: a benchmark's server can print for minutes.
      if (up) return;
      out += chunk.toString();
      if (out.includes('is running at')) {
        up = true;
        child.off('exit', onExit);
        resolve(child);
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('exit', onExit);
    child.once('close', () => log?.end());
  });
}

/** Stops a child process and waits for it to exit. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function processCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** User + system CPU seconds from a /proc `stat` file (a process's or a thread's). */
function statCpuSeconds(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds (user + system) each thread of a process has used so far, by thread id, from /proc (Linux). */
export function threadCpuSeconds(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      threads.set(Number(tid), statCpuSeconds(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return threads;
}

/** CPU seconds used so far by every process of this machine with this command name (e.g. `postgres`), from /proc. */
export function commandCpuSeconds(command: string): Map<number, number> {
  const found = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== command) continue;
      found.set(Number(entry), processCpuSeconds(Number(entry)));
    } catch {
      // The process ended between listing and reading.
    }
  }
  return found;
}

/** CPU seconds between two readings of `threadCpuSeconds` or `commandCpuSeconds` (new entries count from zero). */
export function cpuSecondsBetween(
  before: Map<number, number>,
  after: Map<number, number>,
  keep: (id: number) => boolean = () => true,
): number {
  let sum = 0;
  for (const [id, seconds] of after) if (keep(id)) sum += seconds - (before.get(id) ?? 0);
  return sum;
}

/** A process's peak resident memory in MB, from /proc (Linux). */
export function processPeakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match?.[1] ?? 0) / 1024);
}
