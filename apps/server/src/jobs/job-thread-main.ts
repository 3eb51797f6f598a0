/**
 * A job thread (see `startJobThreads`): opens its own PostgreSQL pool and engine, runs every module's background jobs
 * and sends the events they publish to the server's thread.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/database.js';
import { PLATFORM_MODULES } from '../modules.js';
import type { EventBus, PlatformEvent } from '../realtime/bus.js';
import { attachJobRunner, createDeps } from '../services.js';
import { jobThreadWorker, wakeFlag, type FromJobThread, type JobThreadData, type ToJobThread } from './job-threads.js';

const port = parentPort;
if (!port) throw new Error('tongli: job-thread-main runs as a worker thread');
let events: PlatformEvent[] = [];
/** Sends the events published since the last send in one message (a batch publishes one per analysed message). */
const sendEvents = (): void => {
  if (events.length === 0) return;
  port.postMessage({ kind: 'events', events } satisfies FromJobThread);
  events = [];
};
const publish = (event: PlatformEvent): void => {
  if (events.push(event) === 1) setImmediate(sendEvents);
};
/** Anything else goes after the events published before it (a `drained` must follow the drain's events). */
const send = (message: FromJobThread): void => {
  sendEvents();
  port.postMessage(message);
};
const { config, pollMs, models, slot, wakeWanted } = workerData as JobThreadData;

/** Nice value of a job thread: when the cores are busy, requests waiting for an acknowledgement go first. */
const JOB_THREAD_NICE = 10;
try {
  // Linux schedules threads as tasks, so a thread's own id takes its own priority.
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').at(-1)), JOB_THREAD_NICE);
} catch {
  // Elsewhere the thread keeps the process's priority.
}

try {
  const db = await openDatabase({ url: config.databaseUrl, poolSize: 4, applicationName: 'tongli-jobs' });
  const bus: EventBus = {
    publish,
    // Jobs only publish; listeners live in the server's thread.
    subscribe: () => () => undefined,
    close: async () => undefined,
  };
  const deps = await createDeps(config, db, bus, PLATFORM_MODULES, { models });
  // Named by slot: a thread restarted in the slot of one that died frees the jobs that one had claimed.
  const wake = wakeFlag(wakeWanted);
  const runner = attachJobRunner(deps, PLATFORM_MODULES, { pollMs, worker: jobThreadWorker(slot), onWakeWanted: wake.want });
  port.on('message', (message: ToJobThread) => {
    if (message.kind === 'wake') runner.wake();
    else if (message.kind === 'drain') void runner.drain().then(() => send({ kind: 'drained', id: message.id }));
    else if (message.kind === 'stop') {
      void runner
        .stop()
        .then(() => db.close())
        .finally(() => {
          sendEvents();
          port.close();
        });
    }
  });
  send({ kind: 'ready' });
} catch (error) {
  send({ kind: 'failed', message: (error as Error).message });
  port.close();
}
