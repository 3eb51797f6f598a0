import type { ScorecardDefinition } from '@tongli/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';

interface ScorecardBody {
  version: number;
  content: ScorecardDefinition;
  updatedBy: string | null;
}

const CUSTOM: ScorecardDefinition = {
  id: 'centre-2026',
  name: { zh: '本中心质检表', en: 'Centre scorecard' },
  criteria: [
    {
      id: 'empathy',
      name: { zh: '同理心', en: 'Empathy' },
      weight: 70,
      applicable: 'always',
      base: 0,
      rules: [{ any: ['acknowledge_emotion'], effect: 1, reason: { zh: '认可情绪', en: 'acknowledged feelings' } }],
    },
    { id: 'effort', name: { zh: '客户省力', en: 'Customer effort' }, weight: 30, applicable: 'always', base: 1, rules: [] },
  ],
};

describe.each(DATABASES)('scorecard API on %s', (database) => {
  let t: TestPlatform;
  let qa: { id: string; headers: Record<string, string> };
  let agent: { id: string; headers: Record<string, string> };
  let supervisor: { id: string; headers: Record<string, string> };

  beforeAll(async () => {
    t = await createTestPlatform(database);
    qa = await t.login('qa');
    agent = await t.login('agent');
    supervisor = await t.login('supervisor');
  });
  afterAll(() => t.close());

  const put = (headers: Record<string, string>, body: unknown) => t.request('/api/scorecard', { method: 'PUT', headers, body });

  it('serves the engine default (version 0) before any version is saved', async () => {
    const res = await t.request('/api/scorecard', { headers: agent.headers });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ScorecardBody;
    expect(body.version).toBe(0);
    expect(body.content.id).toBe(t.deps.engine.analyzer.scorecard.id);
    expect(body.content.criteria.length).toBeGreaterThan(1);
  });

  it('lets QA, supervisors and admins edit, not agents', async () => {
    expect((await put(agent.headers, CUSTOM)).status).toBe(403);
    expect((await t.request('/api/scorecard', { method: 'PUT', body: CUSTOM })).status).toBe(401);
  });

  it('rejects an invalid scorecard with one clear 400 and keeps the engine as it was', async () => {
    const before = t.deps.engine.lexiconHash;
    const cases: unknown[] = [
      { ...CUSTOM, criteria: [] },
      { ...CUSTOM, criteria: [{ ...CUSTOM.criteria[0], weight: -1 }] },
      { ...CUSTOM, criteria: [{ ...CUSTOM.criteria[0], applicable: 'sometimes' }] },
      { ...CUSTOM, criteria: CUSTOM.criteria.map((c) => ({ ...c, weight: 0 })) },
      { ...CUSTOM, criteria: [CUSTOM.criteria[0], CUSTOM.criteria[0]] },
      { ...CUSTOM, name: { zh: '<script>alert(1)</script>' } },
      'not a scorecard',
    ];
    for (const body of cases) {
      const res = await put(qa.headers, body);
      expect(res.status).toBe(400);
      const error = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect(typeof error.code).toBe('string');
      expect(error.message.length).toBeGreaterThan(0);
    }
    expect(t.deps.engine.lexiconHash).toBe(before);
  });

  it('saves a version, applies it to the engine at once (the lexicon hash changes) and scores resolved conversations with it', async () => {
    const before = t.deps.engine.lexiconHash;
    const res = await put(qa.headers, CUSTOM);
    expect(res.status).toBe(200);
    const saved = (await res.json()) as ScorecardBody;
    expect(saved.version).toBe(1);
    expect(saved.updatedBy).toBe(qa.id);
    expect(t.deps.engine.analyzer.scorecard.id).toBe('centre-2026');
    expect(t.deps.engine.lexiconHash).not.toBe(before);
    expect(((await (await t.request('/api/scorecard', { headers: agent.headers })).json()) as ScorecardBody).content).toEqual(CUSTOM);

    const inbox = await t.inbox('api');
    const opened = await t.request('/api/conversations', {
      method: 'POST',
      headers: (await t.token('admin')).headers,
      body: { inboxId: inbox, customer: { name: '李女士' }, message: { body: '订单一直不发货，太让人生气了！' } },
    });
    const conversationId = ((await opened.json()) as { conversation: { id: string } }).conversation.id;
    await t.request(`/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: supervisor.headers,
      body: { body: '李女士，非常理解您的心情，我马上为您催促发货。' },
    });
    await t.request(`/api/conversations/${conversationId}`, { method: 'PATCH', headers: supervisor.headers, body: { status: 'resolved' } });
    await t.runner.drain();
    const list = (await (await t.request('/api/evaluations?kind=auto', { headers: qa.headers })).json()) as {
      items: { scorecard: string }[];
    };
    expect(list.items.map((e) => e.scorecard)).toContain('centre-2026');
    const audit = await t.deps.db.kysely.selectFrom('audit_log').select('action').where('action', '=', 'scorecard.updated').execute();
    expect(audit).toHaveLength(1);
  });

  it('the guidelines keep the saved scorecard when they change', async () => {
    t.deps.engine.applyGuidelines({ doSay: [], dontSay: [{ phrase: 'no worries mate' }], glossary: [] });
    expect(t.deps.engine.analyzer.scorecard.id).toBe('centre-2026');
  });
});

describe.each(DATABASES)('evaluation filters by technique and emotion on %s', (database) => {
  let t: TestPlatform;
  let qa: Record<string, string>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestPlatform(database);
    qa = (await t.login('qa')).headers;
    const agent = await t.login('agent');
    const api = (await t.token('admin')).headers;
    const inbox = await t.inbox('api');
    const open = async (name: string, customer: string, reply: string): Promise<void> => {
      const res = await t.request('/api/conversations', {
        method: 'POST',
        headers: api,
        body: { inboxId: inbox, customer: { name }, message: { body: customer } },
      });
      const id = ((await res.json()) as { conversation: { id: string } }).conversation.id;
      await t.request(`/api/conversations/${id}/messages`, { method: 'POST', headers: agent.headers, body: { body: reply } });
      await t.request(`/api/conversations/${id}`, { method: 'PATCH', headers: agent.headers, body: { status: 'resolved' } });
      ids[name] = id;
    };
    await open('angry', '快递丢了三次了，你们到底管不管？太气人了！', '非常理解您的心情，这确实让人着急，我马上为您处理。');
    await open('calm', '请问周末营业吗？谢谢。', '您好，周末正常营业，有需要随时联系我们。');
    await t.runner.drain();
  });
  afterAll(() => t.close());

  const list = async (query: string): Promise<string[]> => {
    const res = await t.request(`/api/evaluations?kind=auto&${query}`, { headers: qa });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: { conversationId: string }[] }).items.map((e) => e.conversationId).sort();
  };

  it('filters by an agent technique found in the conversation', async () => {
    expect(await list('technique=acknowledge_emotion')).toEqual([ids.angry]);
    expect(await list('technique=no_such_technique')).toEqual([]);
  });

  it("filters by the customer's last or peak emotion", async () => {
    const analyses = await t.deps.db.kysely.selectFrom('conversation_analyses').select(['conversation_id', 'last_emotion']).execute();
    const angry = analyses.find((a) => a.conversation_id === ids.angry);
    expect(angry).toBeDefined();
    const peak = await list('emotion=anger');
    expect(peak).toContain(ids.angry);
    expect(peak).not.toContain(ids.calm);
  });

  it('rejects a malformed filter with 400', async () => {
    expect((await t.request("/api/evaluations?technique=x'%20or%201=1", { headers: qa })).status).toBe(400);
    expect((await t.request('/api/evaluations?emotion=ANGER!', { headers: qa })).status).toBe(400);
  });
});

describe.each(DATABASES)('widget demo page on %s', (database) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await createTestPlatform(database);
  });
  afterAll(() => t.close());

  it('embeds the real widget script for the inbox, with no inline script', async () => {
    const inbox = await t.inbox('web');
    const res = await t.request(`/demo/widget?inbox=${inbox}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain(`<script src="/widget.js" data-inbox="${inbox}"`);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('answers 400 for a missing or malformed inbox id, never echoing it', async () => {
    expect((await t.request('/demo/widget')).status).toBe(400);
    const res = await t.request('/demo/widget?inbox=%22%3E%3Cscript%3Ealert(1)%3C/script%3E');
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('<script>alert(1)');
  });
});
