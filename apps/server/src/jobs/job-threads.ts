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

  const start = (slot: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const worker = spawnThread({ ...data, slot });
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
  const post = (message: ToJobThread): void => {
    for (const worker of running()) worker.postMessage(message);
  };
  try {
    await Promise.all(Array.from({ length: options.threads }, (_, slot) => start(slot)));
  } catch (error) {
    stopping = true;
    await Promise.all(threads.map((worker) => worker.terminate()));
    throw error;
  }

  let wakePending = false;
  return {
    workers: () => threads,
    // One wake per turn of the event loop, however many messages it stored.
    wake: () => {
      if (wakePending) return;
      wakePending = true;
      setImmediate(() => {
        wakePending = false;
        post({ kind: 'wake' });
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
