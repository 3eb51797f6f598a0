import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConversation } from '../commands/conversations.js';
import { postMessage } from '../commands/messages.js';
import { enqueueJob } from '../repositories/jobs.js';
import { createTestPlatform, type TestPlatform } from '../testing/platform.js';
import { wakeFlag } from './job-threads.js';
import { createJobRunner } from './runner.js';

describe('job runner', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    // A poll too slow to matter: only wakes can start the work.
    t = await createTestPlatform('pglite', { pollMs: 60_000 });
  });
  afterAll(async () => {
    await t.close();
  });

  it('still works while new work keeps waking it more often than it waits to gather a batch', async () => {
    const conversation = await createConversation(t.deps, {
      inboxId: await t.inbox('api'),
      customer: { identities: [{ kind: 'external', value: randomUUID() }] },
    });
    const { message } = await postMessage(t.deps, {
      conversationId: conversation.id,
      type: 'incoming',
      senderType: 'customer',
      body: '快递三天了还没到，到底怎么回事？',
    });
    // A steady stream of messages wakes the runner every few milliseconds; a wake must not postpone the one before.
    const waking = setInterval(() => t.deps.wakeJobs(), 5);
    try {
      await vi.waitFor(
        async () => {
          const row = await t.deps.db.kysely
            .selectFrom('message_analyses')
            .select('message_id')
            .where('message_id', '=', message.id)
            .executeTakeFirst();
          expect(row).toBeDefined();
        },
        { timeout: 3000, interval: 20 },
      );
    } finally {
      clearInterval(waking);
    }
  });

  it('runs the jobs a batch queued (e.g. webhook deliveries) without waiting for the next poll', async () => {
    // Only this runner may claim the test's job kinds.
    await t.runner.stop();
    const ran: string[] = [];
    const runner = createJobRunner(
      { db: t.deps.db, getDeps: () => t.deps },
      {
        pollMs: 60_000,
        handlers: {
          test_first: async (deps) => {
            ran.push('first');
            await enqueueJob(deps.db.kysely, 'test_second', {});
          },
          test_second: async () => {
            ran.push('second');
          },
        },
      },
    );
    try {
      await enqueueJob(t.deps.db.kysely, 'test_first', {});
      runner.wake();
      await vi.waitFor(() => expect(ran).toEqual(['first', 'second']), { timeout: 3000, interval: 20 });
    } finally {
      await runner.stop();
    }
  });

  it("misses no work when wakes are skipped while one is on its way (the job threads' wake flag)", async () => {
    await t.runner.stop();
    const flag = wakeFlag(new SharedArrayBuffer(4));
    flag.want();
    const ran = new Set<number>();
    const runner = createJobRunner(
      { db: t.deps.db, getDeps: () => t.deps },
      {
        pollMs: 60_000,
        gatherMs: 2,
        onWakeWanted: flag.want,
        handlers: {
          // Slow enough that new jobs arrive while a claim runs, which is when a wake must not be skipped.
          test_burst: async (_deps, payload) => {
            await new Promise((resolve) => setTimeout(resolve, 3));
            ran.add(Number(payload.n));
          },
        },
      },
    );
    let posted = 0;
    let woken = 0;
    try {
      for (let round = 0; round < 24; round++) {
        for (let i = 0; i < 1 + (round % 4); i++) {
          await enqueueJob(t.deps.db.kysely, 'test_burst', { n: posted++ });
          // As the server does after each commit: post a wake only when the runner asked for one.
          if (flag.take()) {
            woken++;
            runner.wake();
          }
        }
        // Every third pause is long enough for the runner to find the queue empty and go idle.
        await new Promise((resolve) => setTimeout(resolve, round % 3 === 2 ? 40 : round % 5));
      }
      await vi.waitFor(() => expect(ran.size).toBe(posted), { timeout: 5000, interval: 20 });
      // Skipping is the point: far fewer wakes than commits.
      expect(woken).toBeLessThan(posted / 2);
    } finally {
      await runner.stop();
    }
  });
});
