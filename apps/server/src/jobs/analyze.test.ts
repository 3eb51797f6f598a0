import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../commands/conversations.js';
import { postMessage } from '../commands/messages.js';
import type { Deps } from '../deps.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { analysisJobMessageIds, analyzeMessages } from './analyze.js';

describe.each(DATABASES)('analysis batches on %s', (database) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await createTestPlatform(database, { jobs: false });
  });
  afterAll(async () => {
    await t.close();
  });

  const open = async () => {
    const inboxId = await t.inbox('api');
    return (await createConversation(t.deps, { inboxId, customer: { identities: [{ kind: 'external', value: randomUUID() }] } })).id;
  };
  const say = async (conversationId: string, body: string) =>
    (await postMessage(t.deps, { conversationId, type: 'incoming', senderType: 'customer', body })).message;

  it('stores every analysis of a batch, and each conversation once, from its latest message', async () => {
    const inboxId = await t.inbox('api');
    const ids: string[] = [];
    const conversations: string[] = [];
    for (let i = 0; i < 45; i++) {
      const conversation = await createConversation(t.deps, {
        inboxId,
        customer: { identities: [{ kind: 'external', value: randomUUID() }] },
      });
      conversations.push(conversation.id);
      for (const body of ['快递三天了还没到', '你们到底管不管？太过分了！']) {
        const posted = await postMessage(t.deps, { conversationId: conversation.id, type: 'incoming', senderType: 'customer', body });
        ids.push(posted.message.id);
      }
    }
    await analyzeMessages(t.deps, ids);
    const db = t.deps.db.kysely;
    const analysed = await db.selectFrom('message_analyses').select('message_id').where('message_id', 'in', ids).execute();
    expect(analysed).toHaveLength(90);
    const whole = await db
      .selectFrom('conversation_analyses')
      .select(['conversation_id', 'last_emotion', 'result'])
      .where('conversation_id', 'in', conversations)
      .execute();
    expect(whole).toHaveLength(45);
    for (const row of whole) {
      const result = row.result as { trajectory: unknown[]; messages?: unknown };
      expect(result.trajectory).toHaveLength(2);
      // Each message keeps its own analysis; the conversation's does not repeat them.
      expect(result.messages).toBeUndefined();
      expect(row.last_emotion).toBe('anger');
    }
  });

  it('analyses a claim larger than one transaction holds, each conversation through its latest message', async () => {
    const inboxId = await t.inbox('api');
    const conversation = await createConversation(t.deps, {
      inboxId,
      customer: { identities: [{ kind: 'external', value: randomUUID() }] },
    });
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const body = i === 299 ? '太过分了！我要投诉！' : `第${i}次问：快递到哪了？`;
      const posted = await postMessage(t.deps, { conversationId: conversation.id, type: 'incoming', senderType: 'customer', body });
      ids.push(posted.message.id);
    }
    let renewals = 0;
    await analyzeMessages(t.deps, ids, async () => {
      renewals++;
    });
    // Two transactions, with a chance to renew the claim's lease between them.
    expect(renewals).toBe(1);
    const db = t.deps.db.kysely;
    const analysed = await db.selectFrom('message_analyses').select('message_id').where('message_id', 'in', ids).execute();
    expect(analysed).toHaveLength(300);
    const whole = await db
      .selectFrom('conversation_analyses')
      .select(['through_seq', 'last_emotion'])
      .where('conversation_id', '=', conversation.id)
      .executeTakeFirstOrThrow();
    const last = await db
      .selectFrom('messages')
      .select('seq')
      .where('id', '=', ids[299] ?? '')
      .executeTakeFirstOrThrow();
    expect(Number(whole.through_seq)).toBe(Number(last.seq));
    expect(whole.last_emotion).toBe('anger');
  });

  it('refreshes a conversation reusing the analyses it made of the earlier turns, not those of another analyser', async () => {
    const inboxId = await t.inbox('api');
    const conversation = await createConversation(t.deps, {
      inboxId,
      customer: { identities: [{ kind: 'external', value: randomUUID() }] },
    });
    const post = async (type: 'incoming' | 'outgoing', body: string) =>
      (await postMessage(t.deps, { conversationId: conversation.id, type, senderType: type === 'incoming' ? 'customer' : 'agent', body }))
        .message.id;
    // The platform's engine, counting the turns each refresh is handed already analysed.
    const engine = t.deps.engine;
    const reused: number[] = [];
    const normalized: number[] = [];
    const counting = (lexiconHash: string): Deps['engine'] => ({
      ...engine,
      analyzer: engine.analyzer,
      lexiconHash,
      analyzeConversation: (id, turns, name) => {
        reused.push(turns.filter((turn) => turn.analysis).length);
        normalized.push(turns.filter((turn) => turn.normalized).length);
        return engine.analyzeConversation(id, turns, name);
      },
    });
    const deps = { ...t.deps, engine: counting(engine.lexiconHash) };
    await analyzeMessages(deps, [await post('incoming', '你们的客服态度太差了，我要投诉！')]);
    await analyzeMessages(deps, [await post('outgoing', '非常抱歉让您久等了，我马上帮您查询。')]);
    const third = await post('incoming', '好的，谢谢');
    await analyzeMessages(deps, [third]);
    // Every turn is analysed once: the refresh takes the newest turn's analysis from this batch, the others from before.
    expect(reused).toEqual([1, 2, 3]);
    // …and normalised once: each turn's normalised text is kept with its analysis.
    expect(normalized).toEqual([1, 2, 3]);
    const whole = async () =>
      (
        await t.deps.db.kysely
          .selectFrom('conversation_analyses')
          .selectAll()
          .where('conversation_id', '=', conversation.id)
          .executeTakeFirstOrThrow()
      ).result;
    const incremental = await whole();

    // Another analyser (a guidelines change gives a new lexicon hash) analyses every turn again, to the same result.
    await analyzeMessages({ ...t.deps, engine: counting('another-hash') }, [third]);
    expect(reused.at(-1)).toBe(1);
    expect(normalized.at(-1)).toBe(1);
    expect(await whole()).toEqual(incremental);
    const row = await t.deps.db.kysely
      .selectFrom('conversation_analyses')
      .select(['lang', 'turnaround', 'peak_emotion', 'peak_sentiment', 'satisfaction_label'])
      .where('conversation_id', '=', conversation.id)
      .executeTakeFirstOrThrow();
    const upset = engine.analyzer.analyzeCustomer('你们的客服态度太差了，我要投诉！');
    expect(row).toMatchObject({ lang: 'zh', peak_emotion: upset.emotion, satisfaction_label: expect.any(String) as unknown });
    expect(row.peak_sentiment).toBeCloseTo(upset.sentiment, 5);
    expect(row.turnaround).toBeGreaterThan(0);
  });

  it('reads only new turns after the first batch, and still counts a turn committed after a later one', async () => {
    const [a, b] = [await open(), await open()];
    const db = t.deps.db.kysely;
    const first = await say(a, '快递三天了还没到');
    // A message of another conversation holds a seq between a's two: freed, it is where a late commit would land.
    const between = await say(b, '在吗');
    const second = await say(a, '到底怎么回事？');
    await analyzeMessages(t.deps, [first.id, second.id]);
    await db.deleteFrom('messages').where('id', '=', between.id).execute();
    const late = await db
      .insertInto('messages')
      .values({ conversation_id: a, type: 'incoming', sender_type: 'customer', body: '我已经打了三次电话了！', seq: between.seq })
      .returningAll()
      .executeTakeFirstOrThrow();
    const third = await say(a, '太过分了，我要投诉！');
    await analyzeMessages(t.deps, [late.id, third.id]);
    const whole = await db
      .selectFrom('conversation_analyses')
      .select(['result', 'through_seq'])
      .where('conversation_id', '=', a)
      .executeTakeFirstOrThrow();
    expect(whole.through_seq).toBe(third.seq);
    expect((whole.result as { trajectory: unknown[] }).trajectory).toHaveLength(4);
  });

  it('deletes a message’s analysis with its conversation (through the message: 0019 dropped the direct key)', async () => {
    const conversationId = await open();
    const said = await say(conversationId, '太过分了！');
    await analyzeMessages(t.deps, [said.id]);
    const db = t.deps.db.kysely;
    const stored = () => db.selectFrom('message_analyses').select('message_id').where('message_id', '=', said.id).execute();
    expect(await stored()).toHaveLength(1);
    await db.deleteFrom('conversations').where('id', '=', conversationId).execute();
    expect(await stored()).toHaveLength(0);
  });

  it('keeps a conversation analysis that read further than a refresh committing after it', async () => {
    const inboxId = await t.inbox('api');
    const conversation = await createConversation(t.deps, {
      inboxId,
      customer: { identities: [{ kind: 'external', value: randomUUID() }] },
    });
    const said = await postMessage(t.deps, {
      conversationId: conversation.id,
      type: 'incoming',
      senderType: 'customer',
      body: '你们的客服态度太差了，我要投诉！',
    });
    await analyzeMessages(t.deps, [said.message.id]);
    const db = t.deps.db.kysely;
    const stored = () =>
      db
        .selectFrom('conversation_analyses')
        .select(['through_seq', 'last_emotion'])
        .where('conversation_id', '=', conversation.id)
        .executeTakeFirstOrThrow();
    const first = await stored();
    expect(first.through_seq).toBe(said.message.seq);
    expect(first.last_emotion).not.toBe('joy');

    // Another thread's refresh that read a later message committed first; this one's retry read less and must not win.
    const later = said.message.seq + 1000;
    await db
      .updateTable('conversation_analyses')
      .set({ through_seq: later, last_emotion: 'joy' })
      .where('conversation_id', '=', conversation.id)
      .execute();
    const events: { type: string; data: unknown }[] = [];
    const unsubscribe = t.deps.bus.subscribe((event) => events.push(event));
    await analyzeMessages(t.deps, [said.message.id]);
    unsubscribe();
    expect(await stored()).toEqual({ through_seq: later, last_emotion: 'joy' });
    // The message's own analysis is still stored and sent; the stale conversation summary is not.
    const analyzed = events.find((event) => event.type === 'message.analyzed');
    expect(analyzed?.data).toMatchObject({ messageId: said.message.id, conversation: null });

    // A refresh that read as far or further replaces it.
    await db
      .updateTable('conversation_analyses')
      .set({ through_seq: said.message.seq })
      .where('conversation_id', '=', conversation.id)
      .execute();
    await analyzeMessages(t.deps, [said.message.id]);
    expect(await stored()).toEqual(first);
  });
});

describe('analysis job payloads', () => {
  it('name one message or many; anything else names none', () => {
    expect(analysisJobMessageIds({ messageIds: ['a', 'b'], importBatchId: 'x' })).toEqual(['a', 'b']);
    expect(analysisJobMessageIds({ messageId: 'a' })).toEqual(['a']);
    expect(analysisJobMessageIds({ messageId: 5 })).toEqual([]);
    expect(analysisJobMessageIds(null)).toEqual([]);
  });
});
