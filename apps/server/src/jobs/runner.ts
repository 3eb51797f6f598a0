import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { Job } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { claimJobs, completeJobs, enqueueJob, failJob, releaseClaims, releaseOrphanedJobs, renewClaims } from '../repositories/jobs.js';
import { analysisJobMessageIds, analyzeMessages } from './analyze.js';
import { evaluateConversation } from './evaluate.js';
import { deliverWebhook, fanOutWebhookEvent } from './webhooks.js';

/** Whether a process of this machine still runs (EPERM: it does, under another user). */
function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * How long new work waits to gather a batch, by default: a job thread's batches cost little each, so analysis follows
 * the messages closely (at a steady 1,000 / s on PostgreSQL, 100 ms saved no CPU and tripled the delay).
 */
const GATHER_MS = 20;

export type JobHandler = (deps: Deps, payload: Record<string, unknown>, job: Job) => Promise<void>;

/** How long a claim holds its jobs before another worker may take them. */
const LEASE_SECONDS = 60;

/**
 * Handles many jobs of one kind at once (fewer queries); a failure fails the whole batch, which is retried. A long
 * batch calls `renew` between its parts, which extends the lease once a third of it has passed.
 */
export type BatchJobHandler = (deps: Deps, jobs: readonly Job[], renew: () => Promise<void>) => Promise<void>;

const BATCH_HANDLERS: Record<string, BatchJobHandler> = {
  // One job holds a whole ingest statement's messages, so a claim can hold thousands.
  analyze_message: (deps, jobs, renew) =>
    analyzeMessages(
      deps,
      jobs.flatMap((job) => analysisJobMessageIds(job.payload)),
      renew,
    ),
};

const CORE_HANDLERS: Record<string, JobHandler> = {
  evaluate_conversation: (deps, p) => evaluateConversation(deps, String(p.conversationId)),
  webhook_event: (deps, p) => fanOutWebhookEvent(deps, String(p.event), p.data),
  deliver_webhook: (deps, p, job) => deliverWebhook(deps, String(p.deliveryId), job.attempts >= job.max_attempts),
  backfill: (deps) => backfillAnalyses(deps),
};

export interface JobRunner {
  wake(): void;
  /** Runs until no due job is left (tests and imports use it). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Works through the outbox: claims due jobs (SKIP LOCKED, so several processes share the work), runs them, retries
 * failures with backoff. Polls every `pollMs` and wakes early when told there is new work.
 */
export function createJobRunner(
  deps: Pick<Deps, 'db'> & { getDeps: () => Deps },
  options: {
    pollMs?: number;
    batch?: number;
    handlers?: Record<string, JobHandler>;
    /**
     * This runner's name in job claims, unique among live runners (default: host, pid and a random part). A runner
     * restarted under the same name frees its predecessor's claims at once (a job thread that died and was restarted).
     */
    worker?: string;
    /** How long new work waits to gather a batch (`GATHER_MS`). */
    gatherMs?: number;
    /** Run once before each batch with the kinds it holds (e.g. to pick up guidelines saved by another process). */
    beforeJobs?: ((deps: Deps, kinds: ReadonlySet<string>) => Promise<void>)[];
    /**
     * Called as each claim starts: work committed after it needs a wake (before, the claim sees it). Until then a wake
     * already sent will run another claim, so a job thread uses this to let the server skip wakes that change nothing.
     */
    onWakeWanted?: () => void;
  } = {},
): JobRunner {
  const handlers = { ...CORE_HANDLERS, ...options.handlers };
  const worker = options.worker ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const pollMs = options.pollMs ?? 500;
  const batch = options.batch ?? 128;
  const gatherMs = options.gatherMs ?? GATHER_MS;
  let stopped = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let again = false;

  let orphansReleased = false;
  const runBatch = async (): Promise<number> => {
    if (!orphansReleased) {
      // Jobs a killed process of this machine had claimed would otherwise wait out their lease.
      await releaseOrphanedJobs(deps.db.kysely, hostname(), isPidAlive);
      if (options.worker) await releaseClaims(deps.db.kysely, [options.worker]);
      orphansReleased = true;
    }
    const jobs = await claimJobs(deps.db.kysely, worker, batch, LEASE_SECONDS);
    if (jobs.length === 0) return 0;
    let leased = performance.now();
    const renew = async (): Promise<void> => {
      if (performance.now() - leased < (LEASE_SECONDS * 1000) / 3) return;
      await renewClaims(
        deps.db.kysely,
        worker,
        jobs.map((job) => job.id),
        LEASE_SECONDS,
      );
      leased = performance.now();
    };
    const kinds = new Set(jobs.map((job) => job.kind));
    for (const before of options.beforeJobs ?? []) await before(deps.getDeps(), kinds);
    const done: number[] = [];
    for (const kind of kinds) {
      const batchHandler = BATCH_HANDLERS[kind];
      if (!batchHandler || options.handlers?.[kind]) continue;
      const group = jobs.filter((job) => job.kind === kind);
      try {
        await batchHandler(deps.getDeps(), group, renew);
        done.push(...group.map((job) => job.id));
      } catch (error) {
        for (const job of group) await failJob(deps.db.kysely, job, (error as Error).message).catch(() => undefined);
      }
    }
    for (const job of jobs) {
      if (BATCH_HANDLERS[job.kind] && !options.handlers?.[job.kind]) continue;
      const handler = handlers[job.kind];
      try {
        if (!handler) throw new Error(`unknown job kind ${job.kind}`);
        await handler(deps.getDeps(), (job.payload ?? {}) as Record<string, unknown>, job);
        done.push(job.id);
      } catch (error) {
        await failJob(deps.db.kysely, job, (error as Error).message).catch(() => undefined);
      }
    }
    await completeJobs(deps.db.kysely, done);
    return jobs.length;
  };

  // A full claim means more is waiting: claim again at once. A partial one emptied the queue, so what arrives next
  // (new work, or jobs the batch itself queued, such as webhook deliveries) waits `gatherMs` to gather into one batch
  // instead of being claimed a few messages at a time. Returns the last claim's size.
  const loop = async (): Promise<number> => {
    let claimed = 0;
    try {
      while (!stopped) {
        options.onWakeWanted?.();
        if ((claimed = await runBatch()) < batch) break;
      }
    } catch {
      // The database may be briefly unavailable; the next tick retries.
      claimed = 0;
    }
    return claimed;
  };

  let timerDue = Infinity;
  /** Runs a tick in `ms` unless one is already due sooner: wakes throttle, they never push a due tick back. */
  const schedule = (ms: number): void => {
    const due = performance.now() + ms;
    if (timer && timerDue <= due) return;
    if (timer) clearTimeout(timer);
    timerDue = due;
    timer = setTimeout(() => {
      timer = undefined;
      timerDue = Infinity;
      tick();
    }, ms);
  };

  const tick = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = loop().then((claimed) => {
      running = undefined;
      if (stopped) return;
      schedule(again || claimed > 0 ? gatherMs : pollMs);
      again = false;
    });
  };

  schedule(0);
  return {
    wake: () => {
      if (running) again = true;
      else schedule(gatherMs);
    },
    drain: async () => {
      while (!stopped) {
        if (running) await running;
        const n = await runBatch();
        if (n === 0 && !running) return;
      }
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** Re-analyses messages analysed by another engine version or lexicon (or never analysed), in batches. */
export async function backfillAnalyses(deps: Deps, batch = 500): Promise<void> {
  const db = deps.db.kysely;
  const stale = await db
    .selectFrom('messages')
    .leftJoin('message_analyses', 'message_analyses.message_id', 'messages.id')
    .select('messages.id')
    .where('messages.type', 'in', ['incoming', 'outgoing'])
    .where((eb) =>
      eb.or([
        eb('message_analyses.message_id', 'is', null),
        eb('message_analyses.engine_version', '!=', deps.engine.version),
        eb('message_analyses.lexicon_hash', '!=', deps.engine.lexiconHash),
      ]),
    )
    // Not already queued (the outbox may still hold an earlier backfill's jobs).
    .where(
      sql<boolean>`not exists (
        select 1 from jobs where jobs.kind = 'analyze_message' and jobs.done_at is null
        and (jobs.payload->>'messageId' = messages.id::text or jobs.payload->'messageIds' ? messages.id::text))`,
    )
    .orderBy('messages.seq')
    .limit(batch)
    .execute();
  if (stale.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await enqueueJob(trx, 'analyze_message', { messageIds: stale.map((row) => row.id) });
    if (stale.length === batch) await enqueueJob(trx, 'backfill', {});
  });
  deps.wakeJobs();
}
