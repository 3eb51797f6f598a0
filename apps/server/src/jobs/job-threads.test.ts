import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConversation } from '../commands/conversations.js';
import { postMessage } from '../commands/messages.js';
import type { PlatformEvent } from '../realtime/bus.js';
import { createTestPlatform, type TestPlatform } from '../testing/platform.js';
import { jobThreadWorker, type JobThreads } from './job-threads.js';

describe.runIf(process.env.DATABASE_URL)('job threads on PostgreSQL', () => {
  let t: TestPlatform;
  const events: PlatformEvent[] = [];
  beforeAll(async () => {
    t = await createTestPlatform('postgres', { jobThreads: 1 });
    t.deps.bus.subscribe((event) => events.push(event));
  });
  afterAll(async () => {
    await t.close();
  });

  /** Posts a message in a new conversation. */
  const post = async (type: 'incoming' | 'outgoing', body: string) => {
    const inboxId = await t.inbox('api');
    const conversation = await createConversation(t.deps, {
      inboxId,
      customer: { identities: [{ kind: 'external', value: randomUUID() }] },
    });
    const { message } = await postMessage(t.deps, {
      conversationId: conversation.id,
      type,
      senderType: type === 'incoming' ? 'customer' : 'agent',
      body,
    });
    return { inboxId, conversationId: conversation.id, messageId: message.id };
  };

  /** Posts a message in a new conversation, lets the job thread work, and returns what it stored. */
  const postAndAnalyse = async (type: 'incoming' | 'outgoing', body: string) => {
    const posted = await post(type, body);
    await t.runner.drain();
    const stored = await t.deps.db.kysely
      .selectFrom('message_analyses')
      .select(['emotion', 'engine_version', 'lexicon_hash', 'result'])
      .where('message_id', '=', posted.messageId)
      .executeTakeFirstOrThrow();
    return { ...posted, stored };
  };

  it('analyses messages off the event loop and brings their events back to the server', async () => {
    const { inboxId, conversationId, messageId, stored } = await postAndAnalyse(
      'incoming',
      '我已经打了三次电话了，每次都让我等，太过分了！',
    );
    expect(stored.emotion).toBe('anger');
    expect(stored.engine_version).toBe(t.deps.engine.version);
    const analysed = events.find((e) => e.type === 'message.analyzed' && (e.data as { messageId: string }).messageId === messageId);
    expect(analysed?.conversationId).toBe(conversationId);
    expect(analysed?.inboxId).toBe(inboxId);
    // The work was done over the thread's own pool, not the server's.
    const pools = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name = 'tongli-jobs'`.execute(
      t.deps.db.kysely,
    );
    expect(pools.rows[0]?.n).toBeGreaterThan(0);
  });

  it('analyses with the organisation guidelines saved after it started', async () => {
    const admin = await t.login('admin');
    const saved = await t.request('/api/guidelines', {
      method: 'PUT',
      headers: admin.headers,
      body: { dontSay: [{ phrase: 'no worries mate', rewrite: 'I understand how frustrating this is' }] },
    });
    expect(saved.status).toBe(200);
    const { stored } = await postAndAnalyse('outgoing', 'OK no worries mate.');
    expect(stored.lexicon_hash).toBe(t.deps.engine.lexiconHash);
    expect(JSON.stringify(stored.result)).toContain('guideline_violation');
  });

  it('restarts a thread that died, and the new one takes over the jobs the dead one had claimed at once', async () => {
    const threads = t.runner as JobThreads;
    const [dead] = threads.workers();
    await dead?.terminate();
    const { messageId } = await post('incoming', '你们的客服态度太差了，我要投诉！');
    // As if the thread had claimed the job just before it died: its lease would hold the job for a minute.
    const db = t.deps.db.kysely;
    const claimed = await db
      .updateTable('jobs')
      .set({ locked_by: jobThreadWorker(0), locked_until: sql<Date>`now() + interval '60 seconds'` })
      .where('kind', '=', 'analyze_message')
      .where(sql<boolean>`payload->'messageIds' ? ${messageId}`)
      .executeTakeFirst();
    expect(Number(claimed.numUpdatedRows)).toBe(1);
    await vi.waitFor(() => expect(threads.workers()[0]?.threadId ?? -1).not.toBe(-1), { timeout: 10_000, interval: 100 });
    expect(threads.workers()[0]).not.toBe(dead);
    // The restarted thread keeps the young generation analysis batches are sized for (job-threads.ts).
    expect(threads.workers()[0]?.resourceLimits?.maxYoungGenerationSizeMb).toBe(192);
    await t.runner.drain();
    const stored = await db.selectFrom('message_analyses').select('emotion').where('message_id', '=', messageId).executeTakeFirst();
    expect(stored?.emotion).toBeTruthy();
  });
});

describe.runIf(process.env.DATABASE_URL)('job threads woken only by new messages', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    // No poll in the test's time: a wake the server wrongly skipped would leave messages unanalysed.
    t = await createTestPlatform('postgres', { jobThreads: 1, pollMs: 60_000 });
  });
  afterAll(async () => {
    await t.close();
  });

  it('analyses every message of bursts that arrive while a claim runs, without a drain', async () => {
    const conversation = await createConversation(t.deps, {
      inboxId: await t.inbox('api'),
      customer: { identities: [{ kind: 'external', value: randomUUID() }] },
    });
    const ids: string[] = [];
    for (let round = 0; round < 20; round++) {
      const burst = await Promise.all(
        Array.from({ length: 1 + (round % 5) * 4 }, (_, i) =>
          postMessage(t.deps, {
            conversationId: conversation.id,
            type: 'incoming',
            senderType: 'customer',
            // Calm text: an alert would wake the thread from inside, hiding a wake the server skipped.
            body: i % 2 ? '请问你们周末营业吗？' : 'What are your opening hours on Sunday?',
          }),
        ),
      );
      ids.push(...burst.map((posted) => posted.message.id));
      // Every third pause is long enough for the thread to find the queue empty and go idle.
      await new Promise((resolve) => setTimeout(resolve, round % 3 === 2 ? 100 : round % 7));
    }
    await vi.waitFor(
      async () => {
        const row = await t.deps.db.kysely
          .selectFrom('message_analyses')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('message_id', 'in', ids)
          .executeTakeFirstOrThrow();
        expect(Number(row.n)).toBe(ids.length);
      },
      { timeout: 15_000, interval: 100 },
    );
  });
});

describe('job threads on the embedded database', () => {
  it('are refused with a readable error: one thread owns the embedded database', async () => {
    await expect(createTestPlatform('pglite', { jobThreads: 1 })).rejects.toThrow(/job threads need PostgreSQL/);
  });
});
