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
});
