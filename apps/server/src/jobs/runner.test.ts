import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConversation } from '../commands/conversations.js';
import { postMessage } from '../commands/messages.js';
import { enqueueJob } from '../repositories/jobs.js';
import { createTestPlatform, type TestPlatform } from '../testing/platform.js';
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
});
