import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { sameTopic } from './topics.js';

interface Opened {
  conversation: { id: string; customerId: string };
}

describe.each(DATABASES)('customer 360 on %s', (database) => {
  let t: TestPlatform;
  let api: Record<string, string>;
  let admin: { id: string; headers: Record<string, string> };
  let teamA: string;
  let teamB: string;

  const open = async (inboxId: string, customer: object, subject: string, message: string): Promise<Opened['conversation']> => {
    const res = await t.request('/api/conversations', {
      method: 'POST',
      headers: api,
      body: { inboxId, customer, subject, message: { body: message } },
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as Opened).conversation;
  };
  const reply = async (conversationId: string, body: string): Promise<void> => {
    const res = await t.request(`/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: admin.headers,
      body: { body },
    });
    expect(res.status).toBe(201);
  };
  const daysAgo = async (conversationId: string, days: number): Promise<void> => {
    const at = new Date(Date.now() - days * 86_400_000);
    await t.deps.db.kysely
      .updateTable('conversations')
      .set({ created_at: at, last_message_at: at })
      .where('id', '=', conversationId)
      .execute();
  };

  beforeAll(async () => {
    t = await createTestPlatform(database);
    api = (await t.token('admin')).headers;
    admin = await t.login('admin');
    teamA = await t.team();
    teamB = await t.team();
  });
  afterAll(() => t.close());

  it('shows one customer across email and phone after a merge, with summary and repeat contact', async () => {
    const email = await t.inbox('email', teamA);
    const web = await t.inbox('web', teamB);
    const first = await open(
      email,
      { name: '李女士', identities: [{ kind: 'email', value: 'Li@Example.com' }] },
      '快递延迟',
      '我的快递三天了还没送到,太让人生气了!',
    );
    await reply(first.id, '非常抱歉让您久等了,我会在24小时内给您回复物流进展。');
    const second = await open(
      web,
      { identities: [{ kind: 'phone', value: '138 1234 5678' }] },
      '快递还没到',
      '快递到现在还没送到,我已经第二次联系你们了,非常失望',
    );
    expect(second.customerId).not.toBe(first.customerId);
    await t.runner.drain();
    await daysAgo(first.id, 2);

    const agent = await t.login('agent', [teamA]);
    const denied = await t.request(`/api/customers/${first.customerId}/merge`, {
      method: 'POST',
      headers: agent.headers,
      body: { fromId: second.customerId },
    });
    expect(denied.status).toBe(403);
    const merged = await t.request(`/api/customers/${first.customerId}/merge`, {
      method: 'POST',
      headers: admin.headers,
      body: { fromId: second.customerId },
    });
    expect(merged.status).toBe(200);
    const audit = await t.deps.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'customer.merge').execute();
    expect(audit).toHaveLength(1);

    const res = await t.request(`/api/customers/${second.customerId}`, { headers: admin.headers });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      customer: { id: string; name: string; identities: { kind: string; value: string }[] };
      conversations: { id: string; channel: string; lastEmotion: string | null }[];
      summary: {
        conversationCount: number;
        lastIssues: { conversationId: string; complaint: { text: string } | null }[];
        openPromises: { conversationId: string; text: string; due: string }[];
        lastEmotion: { emotion: string } | null;
      };
      repeatContact: { conversationId: string; daysAgo: number; reason: string } | null;
    };
    expect(body.customer.id).toBe(first.customerId);
    expect(body.customer.name).toBe('李女士');
    expect(body.customer.identities.map((i) => i.kind).sort()).toEqual(['email', 'phone']);
    expect(body.conversations.map((c) => c.channel)).toEqual(['web', 'email']);
    expect(body.summary.conversationCount).toBe(2);
    expect(body.summary.lastIssues.find((i) => i.conversationId === first.id)?.complaint?.text).toContain('生气');
    expect(body.summary.openPromises[0]).toMatchObject({ conversationId: first.id });
    expect(body.summary.lastEmotion).not.toBeNull();
    expect(body.repeatContact).toMatchObject({ conversationId: first.id, daysAgo: 2 });
    expect(body.repeatContact?.reason).toMatch(/快递/);

    const context = await t.request(`/api/conversations/${second.id}/context`, { headers: admin.headers });
    expect(context.status).toBe(200);
    expect(((await context.json()) as { repeatContact: unknown }).repeatContact).toMatchObject({ conversationId: first.id, daysAgo: 2 });
    const narrow = await t.request(`/api/conversations/${second.id}/context?repeatDays=1`, { headers: admin.headers });
    expect(((await narrow.json()) as { repeatContact: unknown }).repeatContact).toBeNull();

    // An agent of team A sees only the email conversation, and no repeat contact built from the one hidden from them.
    const own = (await (await t.request(`/api/customers/${first.customerId}`, { headers: agent.headers })).json()) as typeof body;
    expect(own.conversations.map((c) => c.id)).toEqual([first.id]);
    expect(own.repeatContact).toBeNull();
    const outsider = await t.login('agent', [await t.team()]);
    expect((await t.request(`/api/customers/${first.customerId}`, { headers: outsider.headers })).status).toBe(404);
    expect((await t.request(`/api/conversations/${second.id}/context`, { headers: agent.headers })).status).toBe(404);

    const search = await t.request('/api/customers?q=5678', { headers: agent.headers });
    expect(((await search.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([first.customerId]);
    const hidden = await t.request('/api/customers?q=5678', { headers: outsider.headers });
    expect(((await hidden.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('finds no repeat contact when the topic differs', async () => {
    const inbox = await t.inbox('api');
    const customer = { identities: [{ kind: 'external', value: 'crm-42' }] };
    const first = await open(inbox, customer, '', '我想修改一下发票抬头');
    const second = await open(inbox, customer, '', '快递三天了还没送到');
    await t.runner.drain();
    await daysAgo(first.id, 1);
    const res = await t.request(`/api/customers/${second.customerId}`, { headers: admin.headers });
    expect(((await res.json()) as { repeatContact: unknown }).repeatContact).toBeNull();
  });
});

describe('sameTopic', () => {
  it('explains a match by tag, subject or shared terms', () => {
    expect(
      sameTopic({ subject: '', tags: ['late_delivery'], customerText: '' }, { subject: '', tags: ['late_delivery'], customerText: '' })
        ?.reason,
    ).toBe('same tag: late_delivery');
    expect(
      sameTopic(
        { subject: '', tags: [], customerText: 'My parcel delivery is late again' },
        { subject: '', tags: [], customerText: 'The parcel delivery has not arrived' },
      )?.kind,
    ).toBe('terms');
    expect(
      sameTopic(
        { subject: '', tags: [], customerText: 'refund my invoice' },
        { subject: '', tags: [], customerText: 'parcel delivery late' },
      ),
    ).toBeNull();
  });
});
