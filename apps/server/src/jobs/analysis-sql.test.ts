import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../commands/conversations.js';
import { postMessage } from '../commands/messages.js';
import type { Message } from '../db/schema.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { conversationAnalysisRow, messageAnalysisRow, type MessageResult } from './analysis-rows.js';
import { readSaidMessages, saveConversationAnalyses, saveMessageAnalyses } from './analysis-sql.js';

describe.each(DATABASES.flatMap((database) => (['text', 'bytes'] as const).map((as) => [database, as] as const)))(
  'analysis statements on %s, documents as %s',
  (database, as) => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await createTestPlatform(database, { jobs: false });
    });
    afterAll(async () => {
      await t.close();
    });
    const stamp = { version: 'test', lexiconHash: 'h' };

    it('stores documents whatever their text holds: quotes, backslashes, control characters, markup, nulls, emoji', async () => {
      const inboxId = await t.inbox('api');
      const conversation = await createConversation(t.deps, {
        inboxId,
        customer: { identities: [{ kind: 'external', value: randomUUID() }] },
      });
      const hostile = [
        'say "hi" \\ back\\slash',
        'ctrl \u0001\u0002\u001f end',
        '<script>alert(1)</script>',
        '换行\n制表\t',
        '',
        '{"a":[1,',
        '太过分了 😡 \u00e9',
      ];
      const said: Message[] = [];
      for (const body of hostile) {
        said.push((await postMessage(t.deps, { conversationId: conversation.id, type: 'incoming', senderType: 'customer', body })).message);
      }
      const results = said.map((m): MessageResult => ({ role: 'customer', customer: t.deps.engine.analyzer.analyzeCustomer(m.body) }));
      const db = t.deps.db.kysely;
      await db.transaction().execute((trx) =>
        saveMessageAnalyses(
          trx,
          said.map((m, i) => messageAnalysisRow(m, results[i]!, stamp)),
          as,
        ),
      );
      const stored = await db
        .selectFrom('message_analyses')
        .select(['message_id', 'result', 'intensity', 'empathy'])
        .where('conversation_id', '=', conversation.id)
        .execute();
      expect(stored).toHaveLength(hostile.length);
      for (const row of stored) {
        const i = said.findIndex((m) => m.id === row.message_id);
        // Through JSON, as a reader gets it back (undefined fields drop out).
        expect(row.result).toEqual(JSON.parse(JSON.stringify(results[i])));
        expect(row.empathy).toBeNull();
      }
      // Read back in conversation order, the bodies intact.
      expect((await readSaidMessages(db, said.map((m) => m.id).reverse())).map((m) => m.body)).toEqual(hostile);

      const whole = t.deps.engine.analyzeConversation(
        conversation.id,
        hostile.map((text) => ({ role: 'customer' as const, text })),
      );
      const row = conversationAnalysisRow(conversation.id, whole, stamp, said.at(-1)!.seq);
      expect(await saveConversationAnalyses(db, [row], as)).toEqual(new Set([conversation.id]));
      // An older refresh (fewer messages read) does not replace it.
      expect(await saveConversationAnalyses(db, [{ ...row, through_seq: said[0]!.seq, lang: 'older' }], as)).toEqual(new Set());
      const kept = await db
        .selectFrom('conversation_analyses')
        .select(['result', 'lang', 'through_seq'])
        .where('conversation_id', '=', conversation.id)
        .executeTakeFirstOrThrow();
      expect(kept.through_seq).toBe(said.at(-1)!.seq);
      expect(kept.lang).toBe(whole.lang);
      expect(kept.result).toEqual(JSON.parse(JSON.stringify({ ...whole, messages: undefined })));
    });
  },
);
