import { createAnalyzer } from '@tongli/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { analyzeTemplate } from './commands/canned.js';

interface Reply {
  id: string;
  shortCode: string;
  usage: { count: number; lastUsedAt: string | null };
  analysis: {
    flagged: boolean;
    harmful: string[];
    techniques: { id: string; polarity: string; start: number; end: number; text: string }[];
  };
}

describe('canned template analysis', () => {
  const analyzer = createAnalyzer();

  it('flags a non-apology and keeps the spans of what it found', () => {
    const body = '{{customer.name}}您好，给您带来的不便我深表歉意。';
    const analysis = analyzeTemplate(analyzer, body);
    expect(analysis.flagged).toBe(true);
    expect(analysis.harmful).toEqual(['non_apology']);
    for (const t of analysis.techniques) expect(body.slice(t.start, t.end)).toBe(t.text);
    expect(analyzeTemplate(analyzer, 'Hi {{customer.name}}, sorry if you feel that way.').harmful).toEqual(['non_apology']);
  });

  it('does not flag a sincere apology with ownership, nor the variables', () => {
    const analysis = analyzeTemplate(analyzer, '{{customer.name}}您好，发生这种事我很抱歉，我会在今天内帮您把退款处理好。');
    expect(analysis).toMatchObject({ flagged: false, harmful: [] });
    expect(analysis.techniques.map((t) => t.id)).toContain('sincere_apology');
  });

  it('still flags placeholders that are not variables', () => {
    expect(analyzeTemplate(analyzer, '您好 XXX，我们会处理').harmful).toContain('unfilled_template');
  });
});

describe.each(DATABASES)('canned reply statistics on %s', (database) => {
  let t: TestPlatform;
  let supervisor: Record<string, string>;
  let conversationId: string;
  let team: string;

  beforeAll(async () => {
    t = await createTestPlatform(database, { jobs: false });
    supervisor = (await t.login('supervisor')).headers;
    team = await t.team();
    const inboxId = await t.inbox('api', team);
    const api = await t.token('admin');
    const created = await t.request('/api/conversations', {
      method: 'POST',
      headers: api.headers,
      body: { inboxId, subject: '退款', customer: { name: '李女士' } },
    });
    conversationId = ((await created.json()) as { conversation: { id: string } }).conversation.id;
  });
  afterAll(async () => t.close());

  const create = async (shortCode: string, body: string): Promise<Reply> => {
    const res = await t.request('/api/canned-replies', {
      method: 'POST',
      headers: supervisor,
      body: { shortCode, title: shortCode, body },
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Reply;
  };
  const list = async (): Promise<Reply[]> =>
    ((await (await t.request('/api/canned-replies?limit=200', { headers: supervisor })).json()) as { items: Reply[] }).items;

  it('analyses every template in the list, flagging the non-apology', async () => {
    const bad = await create('sorry_bad', '{{customer.name}}您好，给您带来的不便我深表歉意。');
    expect(bad.analysis).toMatchObject({ flagged: true, harmful: ['non_apology'] });
    await create('sorry_good', '{{customer.name}}您好，发生这种事我很抱歉，我会在今天内帮您把退款处理好。');
    const items = await list();
    expect(items.find((r) => r.shortCode === 'sorry_bad')?.analysis.flagged).toBe(true);
    expect(items.find((r) => r.shortCode === 'sorry_good')?.analysis).toMatchObject({ flagged: false, harmful: [] });
    const edited = await t.request(`/api/canned-replies/${bad.id}`, {
      method: 'PATCH',
      headers: supervisor,
      body: { body: '{{customer.name}}您好，发生这种事我很抱歉。' },
    });
    expect(((await edited.json()) as Reply).analysis.flagged).toBe(false);
  });

  it('counts the uses reported for conversations the agent can see', async () => {
    const used = await create('used', '好的，让我来为您处理这个问题。');
    const unused = await create('unused', '还有什么可以帮您？');
    const agent = await t.login('agent', [team]);
    const outsider = await t.login('agent', [await t.team()]);
    const qa = await t.login('qa');
    const use = (id: string, headers: Record<string, string>, conversation = conversationId) =>
      t.request(`/api/canned-replies/${id}/uses`, { method: 'POST', headers, body: { conversationId: conversation } });
    expect((await use(used.id, agent.headers)).status).toBe(204);
    expect((await use(used.id, agent.headers)).status).toBe(204);
    expect((await use(used.id, outsider.headers)).status).toBe(404);
    expect((await use(used.id, qa.headers)).status).toBe(403);
    expect((await use(crypto.randomUUID(), agent.headers)).status).toBe(404);
    expect((await use(used.id, agent.headers, crypto.randomUUID())).status).toBe(404);
    expect((await t.request(`/api/canned-replies/${used.id}/uses`, { method: 'POST', body: { conversationId } })).status).toBe(401);

    const items = await list();
    const stats = items.find((r) => r.id === used.id)?.usage;
    expect(stats?.count).toBe(2);
    expect(Date.parse(stats?.lastUsedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(items.find((r) => r.id === unused.id)?.usage).toEqual({ count: 0, lastUsedAt: null });
    const one = (await (await t.request(`/api/canned-replies/${used.id}`, { headers: agent.headers })).json()) as Reply;
    expect(one.usage.count).toBe(2);
    // Deleting the reply deletes its uses with it.
    expect((await t.request(`/api/canned-replies/${used.id}`, { method: 'DELETE', headers: supervisor })).status).toBe(204);
    const left = await t.deps.db.kysely.selectFrom('canned_reply_uses').select('id').where('canned_reply_id', '=', used.id).execute();
    expect(left).toHaveLength(0);
  });
});
