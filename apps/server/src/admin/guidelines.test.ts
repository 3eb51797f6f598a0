import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { json } from '../db/schema.js';
import { enqueueJob } from '../repositories/jobs.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';

const PHRASE = 'no worries mate';
const violates = (result: unknown): boolean => JSON.stringify(result).includes('guideline_violation');

describe.each(DATABASES)('guidelines API on %s', (database) => {
  let t: TestPlatform;
  let supervisor: { id: string; headers: Record<string, string> };
  let admin: { id: string; headers: Record<string, string> };
  beforeAll(async () => {
    t = await createTestPlatform(database);
    supervisor = await t.login('supervisor');
    admin = await t.login('admin');
  });
  afterAll(async () => {
    await t.close();
  });

  const reply = async (conversationId: string, body: string): Promise<string> => {
    const res = await t.request(`/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: admin.headers,
      body: { body },
    });
    return ((await res.json()) as { id: string }).id;
  };
  const analysisOf = (messageId: string) =>
    t.deps.db.kysely
      .selectFrom('message_analyses')
      .select(['result', 'lexicon_hash'])
      .where('message_id', '=', messageId)
      .executeTakeFirstOrThrow();

  it('serves engine defaults before any version is saved', async () => {
    const res = await t.request('/api/guidelines', { headers: supervisor.headers });
    expect(await res.json()).toEqual({ version: 0, content: { doSay: [], dontSay: [], glossary: [] }, updatedBy: null, createdAt: null });
  });

  it('rejects shapes the engine would not accept', async () => {
    for (const payload of [
      { dontSay: [{ rewrite: 'no phrase' }] },
      { dontSay: [{ phrase: '' }] },
      { glossary: [{ term: 'SLA' }] },
      { doSay: 'not a list' },
      { dontSay: [], extra: true },
      { dontSay: [{ phrase: 'x', severity: 3 }] },
    ]) {
      const res = await t.request('/api/guidelines', { method: 'PUT', headers: supervisor.headers, body: payload });
      expect([payload, res.status]).toEqual([payload, 400]);
    }
  });

  it('applies a new dontSay phrase to the next message at once and re-analyses older ones', async () => {
    const inboxId = await t.inbox('api');
    const created = await t.request('/api/conversations', {
      method: 'POST',
      headers: admin.headers,
      body: { inboxId, customer: { identities: [] }, message: { body: 'My parcel is lost and nobody answers!' } },
    });
    const conversationId = ((await created.json()) as { conversation: { id: string } }).conversation.id;
    const before = await reply(conversationId, `Sorry, ${PHRASE}, we will look into it.`);
    await t.runner.drain();
    const oldHash = t.deps.engine.lexiconHash;
    expect(violates((await analysisOf(before)).result)).toBe(false);

    const put = await t.request('/api/guidelines', {
      method: 'PUT',
      headers: supervisor.headers,
      body: {
        dontSay: [{ phrase: PHRASE, rewrite: 'I understand how frustrating this is' }],
        glossary: [{ term: 'RMA', plain: 'return' }],
      },
    });
    expect(put.status).toBe(200);
    const saved = (await put.json()) as { version: number; updatedBy: string; content: { dontSay: unknown[]; doSay: unknown[] } };
    expect(saved).toMatchObject({ version: 1, updatedBy: supervisor.id, content: { doSay: [] } });
    // No restart, no job run: the engine already flags it.
    expect(t.deps.engine.lexiconHash).not.toBe(oldHash);
    expect(violates(t.deps.engine.analyzer.analyzeAgent(`Sure, ${PHRASE}!`))).toBe(true);

    const after = await reply(conversationId, `OK ${PHRASE}.`);
    await t.runner.drain();
    expect(violates((await analysisOf(after)).result)).toBe(true);
    // The backfill job re-analysed the message written under the old guidelines.
    const redone = await analysisOf(before);
    expect(redone.lexicon_hash).toBe(t.deps.engine.lexiconHash);
    expect(violates(redone.result)).toBe(true);

    const current = (await (await t.request('/api/guidelines', { headers: admin.headers })).json()) as { version: number };
    expect(current.version).toBe(1);
    const audit = (await (await t.request('/api/audit?action=guidelines.updated', { headers: admin.headers })).json()) as {
      items: { actorId: string; targetId: string; details: unknown }[];
    };
    expect(audit.items[0]).toMatchObject({ actorId: supervisor.id, targetId: '1', details: { doSay: 0, dontSay: 1, glossary: 1 } });
  });

  it('picks up versions saved by another process: on the bus event, and at job time', async () => {
    const saveElsewhere = async (phrase: string): Promise<number> => {
      const row = await t.deps.db.kysely
        .insertInto('guidelines')
        .values({ content: json({ doSay: [], dontSay: [{ phrase }], glossary: [] }), updated_by: null })
        .returning('version')
        .executeTakeFirstOrThrow();
      return row.version;
    };
    const version = await saveElsewhere('totally fine buddy');
    expect(violates(t.deps.engine.analyzer.analyzeAgent('it is totally fine buddy'))).toBe(false);
    t.deps.bus.publish({ type: 'guidelines.updated', data: { version } });
    await vi.waitFor(() => expect(violates(t.deps.engine.analyzer.analyzeAgent('it is totally fine buddy'))).toBe(true), { timeout: 5000 });

    // No event this time (e.g. Redis blip): the backfill job checks the stored version first.
    await saveElsewhere('calm down sir');
    await enqueueJob(t.deps.db.kysely, 'backfill', {});
    t.deps.wakeJobs();
    await t.runner.drain();
    expect(violates(t.deps.engine.analyzer.analyzeAgent('please calm down sir'))).toBe(true);
    expect(violates(t.deps.engine.analyzer.analyzeAgent('it is totally fine buddy'))).toBe(false);

    const history = (await (await t.request('/api/guidelines/history?limit=2', { headers: admin.headers })).json()) as {
      items: { version: number }[];
    };
    expect(history.items.map((item) => item.version)).toEqual([version + 1, version]);
  });
});
