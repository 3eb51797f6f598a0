import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { json, type Database, type Job } from '../db/schema.js';

export type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Adds work to the outbox; call it inside the transaction that writes the data the job is about.
 * @example
 * await enqueueJob(trx, 'analyze_message', { messageId });
 */
export async function enqueueJob(db: Executor, kind: string, payload: unknown, runAt?: Date): Promise<void> {
  await db
    .insertInto('jobs')
    .values({ kind, payload: json(payload), ...(runAt ? { run_at: runAt } : {}) })
    .execute();
}

/**
 * Frees jobs claimed by a process of this machine that no longer runs (killed mid-batch), so a restart picks them up
 * at once instead of after their lease. Workers are named `host:pid:…`; other machines' claims are left alone.
 */
export async function releaseOrphanedJobs(db: Executor, host: string, isAlive: (pid: number) => boolean): Promise<number> {
  const claims = await sql<{ locked_by: string }>`
    select distinct locked_by from jobs where done_at is null and locked_until > now() and locked_by like ${`${host}:%`}`.execute(db);
  const orphans = claims.rows
    .map((row) => row.locked_by)
    .filter((worker) => {
      const pid = Number(worker.slice(host.length + 1).split(':')[0]);
      return Number.isInteger(pid) && pid > 0 && !isAlive(pid);
    });
  return releaseClaims(db, orphans);
}

/** Frees the unfinished jobs claimed by these workers (known to be gone), so they run now rather than after their lease. */
export async function releaseClaims(db: Executor, workers: readonly string[]): Promise<number> {
  if (workers.length === 0) return 0;
  const result = await db
    .updateTable('jobs')
    .set({ locked_until: null })
    .where('locked_by', 'in', workers)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Claims up to `limit` due jobs for `worker` for `leaseSeconds`; other processes skip them (SKIP LOCKED). The scan of
 * the due index is kept in order (no bitmap scan), so it stops at `limit` and marks finished jobs' dead index entries
 * for the next claim to skip (migration 0016).
 */
export async function claimJobs(db: Kysely<Database>, worker: string, limit: number, leaseSeconds = 60): Promise<Job[]> {
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_bitmapscan = off`.execute(trx);
    const result = await sql<Job>`
      update jobs set locked_by = ${worker}, locked_until = now() + make_interval(secs => ${leaseSeconds}), attempts = attempts + 1
      where id in (
        select id from jobs
        where done_at is null and run_at <= now() and (locked_until is null or locked_until < now())
        order by run_at, id
        limit ${limit}
        for update skip locked
      )
      returning *`.execute(trx);
    return result.rows;
  });
}

/** Extends `worker`'s lease on jobs it still holds: a long batch must not let another worker claim them meanwhile. */
export async function renewClaims(db: Executor, worker: string, ids: readonly number[], leaseSeconds = 60): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('jobs')
    .set({ locked_until: sql`now() + make_interval(secs => ${leaseSeconds})` })
    .where('id', 'in', ids)
    .where('locked_by', '=', worker)
    .where('done_at', 'is', null)
    .execute();
}

/**
 * Marks jobs done, all in one commit that does not wait for the disk: if that commit is lost in a crash the jobs simply
 * run again, and every handler is idempotent.
 */
export async function completeJobs(db: Kysely<Database>, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await relaxDurability(trx);
    await trx
      .updateTable('jobs')
      .set({ done_at: sql`now()`, locked_until: null, last_error: null })
      .where('id', 'in', ids)
      .execute();
  });
}

/**
 * Lets the current transaction commit without waiting for its WAL flush. Only for writes that can be recomputed
 * (analyses, job bookkeeping) — never for what is acknowledged to a client.
 */
export async function relaxDurability(trx: Transaction<Database>): Promise<void> {
  await sql`set local synchronous_commit = off`.execute(trx);
}

/** Records a failure; retries later with exponential backoff until `max_attempts`, then parks the job as dead. */
export async function failJob(db: Executor, job: Job, error: string): Promise<void> {
  const dead = job.attempts >= job.max_attempts;
  const delay = Math.min(3600, 2 ** job.attempts);
  await db
    .updateTable('jobs')
    .set({
      last_error: error.slice(0, 2000),
      locked_until: null,
      run_at: sql`now() + make_interval(secs => ${delay})`,
      ...(dead ? { done_at: sql`now()` } : {}),
    })
    .where('id', '=', job.id)
    .execute();
}

/** Jobs not yet done, by kind (for /readyz, metrics and import progress). */
export async function countPendingJobs(db: Executor): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('done_at', 'is', null)
    .groupBy('kind')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.n)]));
}

/** Deletes finished jobs older than `days` so the outbox stays small. */
export async function pruneJobs(db: Executor, days = 7): Promise<void> {
  await db
    .deleteFrom('jobs')
    .where('done_at', '<', sql<Date>`now() - make_interval(days => ${days})`)
    .execute();
}

/** SQL condition: an active webhook subscribes to `event` (or to every event). */
export function webhookSubscribes(event: string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from webhooks where active and (events ? ${event} or events ? '*'))`;
}

/**
 * Queues a webhook event only when an active webhook subscribes to it (one statement, so the common case of no
 * webhooks costs no job).
 */
export async function enqueueWebhookEvent(db: Executor, event: string, data: unknown): Promise<void> {
  await sql`
    insert into jobs (kind, payload)
    select 'webhook_event', ${json({ event, data })}::jsonb
    where ${webhookSubscribes(event)}`.execute(db);
}

/** `enqueueWebhookEvent` for many events of one type in one statement. */
export async function enqueueWebhookEvents(db: Executor, event: string, data: readonly unknown[]): Promise<void> {
  if (data.length === 0) return;
  // A batch of analyses is hundreds of KB of JSON: ask first instead of sending it for nothing when no one subscribes.
  if (data.length > 1 && !(await hasWebhookFor(db, event))) return;
  await sql`
    insert into jobs (kind, payload)
    select 'webhook_event', jsonb_build_object('event', ${event}::text, 'data', item)
    from jsonb_array_elements(${json(data)}::jsonb) as item
    where ${webhookSubscribes(event)}`.execute(db);
}

async function hasWebhookFor(db: Executor, event: string): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    select ${webhookSubscribes(event)} as found`.execute(db);
  return rows[0]?.found === true;
}
