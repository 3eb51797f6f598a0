import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { createConversation } from './conversations.js';
import { analysisJobMessageIds } from '../jobs/analyze.js';
import { postMessage } from './messages.js';
import { createMessageBatcher, type BatchedMessage } from './message-batch.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';

/** The database as given, counting the statements sent through it. */
function countingStatements(db: Kysely<Database>): { counted: Kysely<Database>; statements: () => number } {
  let n = 0;
  const counted = db.withPlugin({
    transformQuery: ({ node }) => {
      n++;
      return node;
    },
    transformResult: ({ result }) => Promise.resolve(result),
  });
  return { counted, statements: () => n };
}

describe.each(DATABASES)('group commit of messages on %s', (database) => {
  let t: TestPlatform;
  let inboxId: string;
  beforeAll(async () => {
    t = await createTestPlatform(database, { jobs: false });
    inboxId = await t.inbox('api');
  });
  afterAll(async () => {
    await t.close();
  });

  const open = async () =>
    (await createConversation(t.deps, { inboxId, customer: { identities: [{ kind: 'external', value: randomUUID() }] } })).id;

  it('stores concurrent messages exactly once each, in order, every one queued for analysis', async () => {
    const conversations = [await open(), await open(), await open()];
    // Every fifth message is a retry of the one before it, racing in the same batch.
    const original = (i: number) => i - (i % 5 === 4 ? 1 : 0);
    const posts = Array.from({ length: 90 }, (_, i) =>
      postMessage(t.deps, {
        conversationId: conversations[original(i) % 3] ?? '',
        type: 'incoming',
        senderType: 'customer',
        body: `第${original(i)}条`,
        idempotencyKey: `batch-${original(i)}`,
      }),
    );
    const results = await Promise.all(posts);
    expect(results.filter((r) => r.created)).toHaveLength(72);
    for (let i = 4; i < 90; i += 5) expect(results[i]?.message.id).toBe(results[i - 1]?.message.id);
    const stored = await t.deps.db.kysely
      .selectFrom('messages')
      .select(['id', 'seq', 'body'])
      .where('conversation_id', 'in', conversations)
      .execute();
    expect(stored).toHaveLength(72);
    const jobs = await t.deps.db.kysely.selectFrom('jobs').select('payload').where('kind', '=', 'analyze_message').execute();
    const queued = jobs.flatMap((j) => analysisJobMessageIds(j.payload));
    expect(queued.sort()).toEqual(stored.map((row) => row.id).sort());
    // One job per statement, not per message: the concurrent posts were written in a few statements.
    expect(jobs.length).toBeLessThan(stored.length / 4);
    // Sequence follows the order the messages were posted in.
    const bySeq = [...stored].sort((a, b) => Number(a.seq) - Number(b.seq)).map((m) => Number(/\d+/.exec(m.body)?.[0]));
    expect(bySeq).toEqual([...bySeq].sort((a, b) => a - b));
  });

  it('moves each conversation’s clocks as if its messages had been written one by one', async () => {
    const id = await open();
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 9, minute));
    const post = (type: 'incoming' | 'outgoing' | 'note', minute: number) =>
      postMessage(t.deps, {
        conversationId: id,
        type,
        senderType: type === 'incoming' ? 'customer' : 'agent',
        body: type,
        createdAt: at(minute),
      });
    // One batch: customer, agent reply, customer twice, a note — the customer waits since the first unanswered one.
    await Promise.all([post('incoming', 0), post('outgoing', 2), post('incoming', 5), post('incoming', 7), post('note', 8)]);
    const row = await t.deps.db.kysely.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.first_response_at?.toISOString()).toBe(at(2).toISOString());
    expect(row.waiting_since?.toISOString()).toBe(at(5).toISOString());
    expect(row.last_message_at?.toISOString()).toBe(at(7).toISOString());
    await Promise.all([post('outgoing', 9), post('note', 10)]);
    const answered = await t.deps.db.kysely.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(answered.waiting_since).toBeNull();
    expect(answered.first_response_at?.toISOString()).toBe(at(2).toISOString());
  });

  it('reopens a resolved conversation on a customer message', async () => {
    const id = await open();
    await t.deps.db.kysely.updateTable('conversations').set({ status: 'resolved', resolved_at: new Date() }).where('id', '=', id).execute();
    await postMessage(t.deps, { conversationId: id, type: 'incoming', senderType: 'customer', body: '又坏了' });
    const row = await t.deps.db.kysely.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('open');
    expect(row.resolved_at).toBeNull();
  });

  it('fails only the message for an unknown conversation, not the batch it shared', async () => {
    const id = await open();
    const results = await Promise.allSettled([
      postMessage(t.deps, { conversationId: id, type: 'incoming', senderType: 'customer', body: 'a' }),
      postMessage(t.deps, { conversationId: randomUUID(), type: 'incoming', senderType: 'customer', body: 'b' }),
      postMessage(t.deps, { conversationId: id, type: 'incoming', senderType: 'customer', body: 'c', idempotencyKey: 'lonely-1' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const error = (results[1] as PromiseRejectedResult).reason as { status: number; code: string };
    expect(error.status).toBe(404);
    const bodies = await t.deps.db.kysely.selectFrom('messages').select('body').where('conversation_id', '=', id).orderBy('seq').execute();
    expect(bodies.map((b) => b.body)).toEqual(['a', 'c']);
  });

  it('writes messages that arrive in the same turn of the event loop with one statement', async () => {
    const conversationId = await open();
    const { counted, statements } = countingStatements(t.deps.db.kysely);
    const batcher = createMessageBatcher(counted);
    const message = (i: number): BatchedMessage => ({
      conversationId,
      type: 'incoming',
      senderType: 'customer',
      senderId: null,
      body: `第${i}条`,
      contentType: 'text',
      idempotencyKey: null,
      emailMessageId: null,
      metadata: {},
      createdAt: null,
    });
    const rows = await Promise.all(Array.from({ length: 20 }, (_, i) => batcher.write(message(i))));
    expect(rows.map((row) => row?.body)).toEqual(Array.from({ length: 20 }, (_, i) => `第${i}条`));
    expect(statements()).toBe(1);
  });

  it.runIf(database === 'postgres')('keeps ingesting on a connection that prepared the statement before a column was added', async () => {
    const conversationId = await open();
    // One connection, so the second write runs the statement the first one prepared there.
    const single = await openDatabase({ url: t.deps.config.databaseUrl, poolSize: 1 });
    try {
      const batcher = createMessageBatcher(single.kysely);
      const message = (body: string): BatchedMessage => ({
        conversationId,
        type: 'incoming',
        senderType: 'customer',
        senderId: null,
        body,
        contentType: 'text',
        idempotencyKey: null,
        emailMessageId: null,
        metadata: {},
        createdAt: null,
      });
      expect((await batcher.write(message('before')))?.body).toBe('before');
      // A newer server's migration during a rolling upgrade: the prepared statement's result must not change shape.
      await sql`alter table messages add column rolling_upgrade text`.execute(t.deps.db.kysely);
      try {
        expect((await batcher.write(message('after')))?.body).toBe('after');
      } finally {
        await sql`alter table messages drop column rolling_upgrade`.execute(t.deps.db.kysely);
      }
    } finally {
      await single.close();
    }
  });

  it('stores replies in chat inboxes by the group commit; an email inbox’s reply still goes through its channel hook', async () => {
    const { counted, statements } = countingStatements(t.deps.db.kysely);
    const deps = { ...t.deps, db: { ...t.deps.db, kysely: counted } };
    expect(deps.messageHooks?.length).toBeGreaterThan(0);
    const chat = await open();
    const reply = (conversationId: string, i: number) =>
      postMessage(deps, { conversationId, type: 'outgoing', senderType: 'agent', body: `回复${i}` });
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => reply(chat, i)));
    // One channel lookup per reply, then group-committed inserts (how many batches depends on when the lookups return);
    // the hooks' transaction would take about six statements each.
    expect(statements()).toBeLessThan(20);
    expect(replies.map((r) => r.message.email_message_id)).toEqual(Array.from({ length: 10 }, () => null));

    const emailInbox = await t.inbox('email');
    const mail = (
      await createConversation(t.deps, { inboxId: emailInbox, customer: { identities: [{ kind: 'email', value: 'li@example.com' }] } })
    ).id;
    const sent = await reply(mail, 99);
    expect(sent.message.email_message_id).toMatch(/^<.+@.+>$/);
    const job = await t.deps.db.kysely
      .selectFrom('jobs')
      .select('payload')
      .where('kind', '=', 'send_email')
      .where(sql<boolean>`payload->>'messageId' = ${sent.message.id}`)
      .executeTakeFirst();
    expect(job).toBeDefined();
  });
});
