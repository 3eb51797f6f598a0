import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillTemplate, variablesOf } from './commands/canned.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';

type Reply = { id: string; shortCode: string; variables: string[] };
const code = async (res: Response): Promise<string> => ((await res.json()) as { error: { code: string } }).error.code;

describe('canned reply templates', () => {
  it('finds variables and leaves missing ones in place', () => {
    expect(variablesOf('您好{{customer.name}}，我是{{ agent.name }}，{{customer.name}}')).toEqual(['customer.name', 'agent.name']);
    expect(fillTemplate('Hi {{customer.name}}, {{agent.name}} here', { 'customer.name': '  ', 'agent.name': 'Li' })).toEqual({
      body: 'Hi {{customer.name}}, Li here',
      missing: ['customer.name'],
    });
    // A value that looks like a variable is not expanded again.
    expect(fillTemplate('{{customer.name}}', { 'customer.name': '{{agent.email}}' })).toEqual({ body: '{{agent.email}}', missing: [] });
  });
});

describe.each(DATABASES)('canned replies API on %s', (database) => {
  let t: TestPlatform;
  let supervisor: { id: string; headers: Record<string, string> };
  beforeAll(async () => {
    t = await createTestPlatform(database, { jobs: false });
    supervisor = await t.login('supervisor');
  });
  afterAll(async () => {
    await t.close();
  });

  const create = (body: Record<string, unknown>, headers = supervisor.headers) =>
    t.request('/api/canned-replies', { method: 'POST', headers, body: { locale: 'zh-CN', ...body } });

  it('validates short codes and variables, and keeps short codes unique', async () => {
    expect(await code(await create({ shortCode: 'Bad Code', title: 'x', body: 'y' }))).toBe('invalid_input');
    expect(await code(await create({ shortCode: 'leak', title: 'x', body: '{{agent.password_hash}}' }))).toBe('unknown_variable');
    // A blank the agent fills in by hand is allowed; sending waits until it is filled.
    expect((await create({ shortCode: 'recap', title: 'x', body: '我确认一下：{{fill.summary}}' })).status).toBe(201);
    expect((await create({ shortCode: 'dup', title: 'x', body: 'y' })).status).toBe(201);
    const dup = await create({ shortCode: 'dup', title: 'other', body: 'z' });
    expect(dup.status).toBe(409);
    expect(await code(dup)).toBe('short_code_taken');
  });

  it('searches, updates and deletes', async () => {
    const refund = (await (
      await create({ shortCode: 'refund_50', title: '退款说明', body: '退款 50% 将在三个工作日内到账。' })
    ).json()) as Reply;
    await create({ shortCode: 'delay', title: '物流延迟', body: '非常抱歉让您久等了。' });
    const search = async (q: string) =>
      (
        (await (await t.request(`/api/canned-replies?q=${encodeURIComponent(q)}`, { headers: supervisor.headers })).json()) as {
          items: Reply[];
        }
      ).items.map((item) => item.shortCode);
    expect(await search('退款')).toEqual(['refund_50']);
    expect(await search('REFUND')).toEqual(['refund_50']);
    expect(await search('久等')).toEqual(['delay']);
    expect(await search('50%')).toEqual(['refund_50']);
    expect(await search('%')).toEqual(['refund_50']);
    const updated = await t.request(`/api/canned-replies/${refund.id}`, {
      method: 'PATCH',
      headers: supervisor.headers,
      body: { body: '{{customer.name}}您好，退款已处理。' },
    });
    expect(((await updated.json()) as Reply).variables).toEqual(['customer.name']);
    const agent = await t.login('agent');
    expect((await t.request(`/api/canned-replies/${refund.id}`, { method: 'DELETE', headers: agent.headers })).status).toBe(403);
    expect((await t.request(`/api/canned-replies/${refund.id}`, { method: 'DELETE', headers: supervisor.headers })).status).toBe(204);
    expect((await t.request(`/api/canned-replies/${refund.id}`, { headers: supervisor.headers })).status).toBe(404);
  });

  it('renders variables from the conversation, the customer and the calling agent, listing what is missing', async () => {
    const team = await t.team();
    const other = await t.team();
    const agent = await t.login('agent', [team]);
    const outsider = await t.login('agent', [other]);
    const inboxId = await t.inbox('api', team);
    const api = await t.token('admin');
    const created = await t.request('/api/conversations', {
      method: 'POST',
      headers: api.headers,
      body: { inboxId, subject: '订单 1024', customer: { name: '李女士', identities: [{ kind: 'email', value: 'li@example.com' }] } },
    });
    const conversationId = ((await created.json()) as { conversation: { id: string } }).conversation.id;
    const reply = (await (
      await create({
        shortCode: 'greet',
        title: '问候',
        body: '{{customer.name}}您好，我是{{agent.name}}。关于「{{conversation.subject}}」（{{conversation.id}}），我们会发邮件到 {{customer.email}}，或致电 {{customer.phone}}。',
      })
    ).json()) as Reply;
    expect(reply.variables).toEqual([
      'customer.name',
      'agent.name',
      'conversation.subject',
      'conversation.id',
      'customer.email',
      'customer.phone',
    ]);

    const render = (headers: Record<string, string>, id = conversationId) =>
      t.request(`/api/canned-replies/${reply.id}/render`, { method: 'POST', headers, body: { conversationId: id } });
    const res = await render(agent.headers);
    expect(res.status).toBe(200);
    const rendered = (await res.json()) as { body: string; missing: string[] };
    expect(rendered.missing).toEqual(['customer.phone']);
    expect(rendered.body).toBe(
      `李女士您好，我是${await nameOf(t, agent.id)}。关于「订单 1024」（${conversationId}），我们会发邮件到 li@example.com，或致电 {{customer.phone}}。`,
    );
    expect((await render(outsider.headers)).status).toBe(404);
    expect((await render(agent.headers, crypto.randomUUID())).status).toBe(404);
    // An API token has no name of its own: the assignee fills {{agent.name}}, and nobody is assigned yet.
    expect(((await (await render(api.headers)).json()) as { missing: string[] }).missing).toEqual(['agent.name', 'customer.phone']);
  });
});

async function nameOf(t: TestPlatform, id: string): Promise<string> {
  return (await t.deps.db.kysely.selectFrom('users').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name;
}
