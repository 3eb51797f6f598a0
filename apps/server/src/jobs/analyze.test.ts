import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../commands/conversations.js';
import { postMessage } from '../commands/messages.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { analyzeMessages } from './analyze.js';

describe.each(DATABASES)('analysis batches on %s', (database) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await createTestPlatform(database, { jobs: false });
  });
  afterAll(async () => {
    await t.close();
  });

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

  it('refreshes a conversation from its stored message analyses, and re-analyses those another engine made', async () => {
    const inboxId = await t.inbox('api');
    const conversation = await createConversation(t.deps, {
      inboxId,
      customer: { identities: [{ kind: 'external', value: randomUUID() }] },
    });
    const post = async (type: 'incoming' | 'outgoing', body: string) =>
      (
        await postMessage(t.deps, {
          conversationId: conversation.id,
          type,
          senderType: type === 'incoming' ? 'customer' : 'agent',
          body,
        })
      ).message.id;
    const first = await post('incoming', '你们的客服态度太差了，我要投诉！');
    const reply = await post('outgoing', '非常抱歉让您久等了，我马上帮您查询。');
    await analyzeMessages(t.deps, [first, reply]);
    const db = t.deps.db.kysely;
    const stored = await db.selectFrom('message_analyses').select('result').where('message_id', '=', first).executeTakeFirstOrThrow();
    const angry = stored.result as { role: 'customer'; customer: { emotion: string; intensity: number; sentiment: number } };
    const upset = t.deps.engine.analyzer.analyzeCustomer('你们的客服态度太差了，我要投诉！').emotion;
    expect(angry.customer.emotion).toBe(upset);
    expect(upset).not.toBe('neutral');
    // Stand-in for an analysis made earlier: the refresh must take the stored one, not analyse the text again.
    const calm = { ...angry, customer: { ...angry.customer, emotion: 'neutral', intensity: 0, sentiment: 0.25 } };
    await db
      .updateTable('message_analyses')
      .set({ result: JSON.stringify(calm) })
      .where('message_id', '=', first)
      .execute();
    await analyzeMessages(t.deps, [await post('incoming', '好的，谢谢')]);
    const trajectory = async () =>
      (
        (
          await db
            .selectFrom('conversation_analyses')
            .select('result')
            .where('conversation_id', '=', conversation.id)
            .executeTakeFirstOrThrow()
        ).result as { trajectory: { emotion: string; sentiment: number }[] }
      ).trajectory;
    expect((await trajectory())[0]).toMatchObject({ emotion: 'neutral', sentiment: 0.25 });

    // Made by another engine version: analysed again from the text.
    await db.updateTable('message_analyses').set({ engine_version: '0.0.0-old' }).where('message_id', '=', first).execute();
    await analyzeMessages(t.deps, [await post('incoming', '好的')]);
    expect((await trajectory())[0]).toMatchObject({ emotion: upset });
    const row = await db
      .selectFrom('conversation_analyses')
      .select(['lang', 'turnaround', 'peak_emotion', 'peak_sentiment', 'satisfaction_label'])
      .where('conversation_id', '=', conversation.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ lang: 'zh', peak_emotion: upset, satisfaction_label: expect.any(String) as unknown });
    expect(row.peak_sentiment).toBeLessThan(0);
    expect(row.turnaround).toBeGreaterThan(0);
  });
});
