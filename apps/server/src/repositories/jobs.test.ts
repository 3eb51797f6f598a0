import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { json } from '../db/schema.js';
import { claimJobs, enqueueJob, enqueueWebhookEvents, releaseOrphanedJobs, renewClaims } from './jobs.js';

describe.each(DATABASES)('job claims on %s', (database) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await createTestPlatform(database, { jobs: false });
  });
  afterAll(async () => {
    await t.close();
  });

  it('frees only the claims of dead processes of this machine after a crash', async () => {
    const db = t.deps.db.kysely;
    for (let i = 0; i < 3; i++) await enqueueJob(db, 'probe', { i });
    const [dead] = await claimJobs(db, 'host-a:4001:x', 1);
    const [alive] = await claimJobs(db, 'host-a:4002:y', 1);
    const [elsewhere] = await claimJobs(db, 'host-b:4001:z', 1);
    expect([dead, alive, elsewhere].every(Boolean)).toBe(true);
    // Leased jobs are not claimable again …
    expect(await claimJobs(db, 'host-a:5000:w', 10)).toEqual([]);
    const released = await releaseOrphanedJobs(db, 'host-a', (pid) => pid === 4002);
    expect(released).toBe(1);
    // … until the dead process's claim is released; the live one and the other machine's stay leased.
    const again = await claimJobs(db, 'host-a:5000:w', 10);
    expect(again.map((job) => job.id)).toEqual([dead?.id]);
  });

  it('renews a lease only for the worker holding the jobs', async () => {
    const db = t.deps.db.kysely;
    await enqueueJob(db, 'renewal', { n: 1 });
    await enqueueJob(db, 'renewal', { n: 2 });
    // A lease of 0 s runs out at once: without renewal, any worker may claim the jobs again.
    const held = (await claimJobs(db, 'w1', 10, 0)).filter((job) => job.kind === 'renewal');
    expect(held).toHaveLength(2);
    const [kept, lost] = held;
    await renewClaims(db, 'w1', [kept?.id ?? 0], 60);
    await renewClaims(db, 'w2', [lost?.id ?? 0], 60);
    const taken = await claimJobs(db, 'w3', 10);
    expect(taken.map((job) => job.id)).toEqual([lost?.id]);
  });

  it('queues one webhook event per item only while an active webhook subscribes to the event', async () => {
    const db = t.deps.db.kysely;
    const events = async () =>
      (await db.selectFrom('jobs').select('payload').where('kind', '=', 'webhook_event').execute()).map(
        (job) => job.payload as { event: string; data: { n: number } },
      );
    const before = (await events()).length;
    await enqueueWebhookEvents(db, 'message.analyzed', [{ n: 1 }, { n: 2 }]);
    expect(await events()).toHaveLength(before);
    const hook = await db
      .insertInto('webhooks')
      .values({ url: 'https://example.com/hook', secret: 's', events: json(['message.analyzed']) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await enqueueWebhookEvents(db, 'message.analyzed', [{ n: 1 }, { n: 2 }]);
    await enqueueWebhookEvents(db, 'alert.raised', [{ n: 3 }, { n: 4 }]);
    const queued = (await events()).slice(before);
    expect(queued.map((job) => [job.event, job.data.n]).sort()).toEqual([
      ['message.analyzed', 1],
      ['message.analyzed', 2],
    ]);
    await db.updateTable('webhooks').set({ active: false }).where('id', '=', hook.id).execute();
    await enqueueWebhookEvents(db, 'message.analyzed', [{ n: 5 }, { n: 6 }]);
    expect(await events()).toHaveLength(before + 2);
  });
});
