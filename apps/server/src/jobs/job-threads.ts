import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/config.js';
import type { EventBus, PlatformEvent } from '../realtime/bus.js';
import type { JobRunner } from './runner.js';

/** What a job thread is started with (`workerData`). */
export interface JobThreadData {
  config: Config;
  pollMs: number;
  models: boolean;
  /** Which of the threads this is; a restarted thread takes the slot of the one that died. */
  slot: number;
  /** One Int32: 1 while the thread wants a wake (see `wakeFlag`). */
  wakeWanted: SharedArrayBuffer;
}

/**
 * The flag by which a job thread tells the server whether a wake would change anything: it sets it as each claim
 * starts; the server posts a wake only when it takes the flag from 1 to 0. Between two claims the
 * thread already has a wake on its way, so the server skips the rest. Measured at 1,000 messages / s on PostgreSQL:
 * about 23 wakes a second, where one per event-loop turn with a commit had posted about 480, each waking the other
 * thread on busy cores.
 */
export function wakeFlag(buffer: SharedArrayBuffer): { want(): void; take(): boolean } {
  const flag = new Int32Array(buffer);
  return { want: () => void Atomics.store(flag, 0, 1), take: () => Atomics.exchange(flag, 0, 0) === 1 };
}

/** The name a job thread's claims carry: unique among live runners, and the same for a thread restarted in its slot. */
export function jobThreadWorker(slot: number): string {
  return `${hostname()}:${process.pid}:thread-${slot}`;
}

/** Job threads, with the workers themselves for health reports and tests. */
export interface JobThreads extends JobRunner {
  workers(): readonly Worker[];
}

/** Messages between the server and a job thread. */
export type ToJobThread = { kind: 'wake' } | { kind: 'drain'; id: number } | { kind: 'stop' };
export type FromJobThread =
  { kind: 'ready' } | { kind: 'failed'; message: string } | { kind: 'events'; events: PlatformEvent[] } | { kind: 'drained'; id: number };

/** A thread that died unexpectedly is started again in its slot after this long (and frees what it had claimed). */
const RESTART_MS = 1_000;

/**
 * A job thread's young generation: 192 MB (64 MB semi-spaces, V8's default is 16). An analysis batch keeps its rows and
 * documents alive for tens of milliseconds, long enough to survive the default's frequent scavenges, which then copy
 * them: at full load the job thread spent 2.7–2.8 s of a 45 s benchmark in 227 scavenges, and 1.7–1.8 s in 73 with
 * this (384 MB saved nothing more). Only here: the server's own thread would trade its short pauses for longer ones.
 */
const LIMITS = { resourceLimits: { maxYoungGenerationSizeMb: 192 } };

/** Starts one thread on the built entry beside this file, or (under the test runner, from sources) through tsx. */
function spawnThread(data: JobThreadData): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./job-thread-main.js', import.meta.url), { workerData: data, ...LIMITS });
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const entry = new URL('./job-thread-main.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(code, { eval: true, workerData: data, ...LIMITS });
}

/**
 * Runs the background jobs in `threads` worker threads, each with its own engine and database pool, so analysis never
 * holds up the HTTP event loop. Events the jobs publish (analyses, alerts, assignments) come back to `bus`. Resolves
 * once every thread is ready; rejects with the first thread's start-up error.
 * @example
 * const runner = await startJobThreads({ config, threads: 1, pollMs: 500, bus, models: true });
 */
export async function startJobThreads(options: {
  config: Config;
  threads: number;
  pollMs: number;
  bus: EventBus;
  models: boolean;
}): Promise<JobThreads> {
  const data = { config: options.config, pollMs: options.pollMs, models: options.models };
  let stopping = false;
  let nextId = 0;
  const waiting = new Map<number, () => void>();
  const threads: Worker[] = [];

  const flags: ReturnType<typeof wakeFlag>[] = [];
  const start = (slot: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const wakeWanted = new SharedArrayBuffer(4);
      flags[slot] = wakeFlag(wakeWanted);
      // A new thread has claimed nothing yet: its first claim must see what was committed before it started.
      flags[slot].want();
      const worker = spawnThread({ ...data, slot, wakeWanted });
      threads[slot] = worker;
      let ready = false;
      worker.on('message', (message: FromJobThread) => {
        if (message.kind === 'events') for (const event of message.events) options.bus.publish(event);
        else if (message.kind === 'drained') waiting.get(message.id)?.();
        else if (message.kind === 'ready') {
          ready = true;
          resolve();
        } else if (message.kind === 'failed') reject(new Error(message.message));
      });
      worker.on('error', (error) => {
        if (!ready) reject(error);
        else console.error(`tongli: job thread failed (${error.message}); restarting`);
      });
      worker.on('exit', () => {
        if (!ready || stopping) return;
        setTimeout(() => {
          if (!stopping) start(slot).catch((error: Error) => console.error(`tongli: job thread cannot restart (${error.message})`));
        }, RESTART_MS).unref();
      });
    });

  // A thread that died and waits for its restart (threadId -1) would never answer a drain or a stop.
  const running = (): Worker[] => threads.filter((worker) => worker.threadId !== -1);
  try {
    await Promise.all(Array.from({ length: options.threads }, (_, slot) => start(slot)));
  } catch (error) {
    stopping = true;
    await Promise.all(threads.map((worker) => worker.terminate()));
    throw error;
  }

  return {
    workers: () => threads,
    wake: () => {
      threads.forEach((worker, slot) => {
        if (worker.threadId !== -1 && flags[slot]?.take()) worker.postMessage({ kind: 'wake' } satisfies ToJobThread);
      });
    },
    drain: async () => {
      await Promise.all(
        running().map(
          (worker) =>
            new Promise<void>((resolve) => {
              const id = ++nextId;
              waiting.set(id, () => {
                waiting.delete(id);
                resolve();
              });
              worker.postMessage({ kind: 'drain', id } satisfies ToJobThread);
            }),
        ),
      );
    },
    stop: async () => {
      stopping = true;
      await Promise.all(
        running().map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker.once('exit', () => resolve());
              worker.postMessage({ kind: 'stop' } satisfies ToJobThread);
            }),
        ),
      );
    },
  };
}
