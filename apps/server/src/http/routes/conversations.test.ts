import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DATABASES, type TestPlatform } from '../../testing/platform.js';

describe.each(DATABASES)('conversations API on %s', (database) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await createTestPlatform(database);
  });
  afterAll(async () => {
    await t.close();
  });

  it('compresses large JSON answers for clients that accept gzip', async () => {
    const api = await t.token('admin');
    const inboxId = await t.inbox('api');
    for (let i = 0; i < 12; i++) {
      await t.request('/api/conversations', {
        method: 'POST',
        headers: api.headers,
        body: {
          inboxId,
          customer: { identities: [{ kind: 'external', value: `gzip-${i}` }] },
          message: { body: '快递还没到，请帮我查一下' },
        },
      });
    }
    const res = await t.request('/api/conversations?limit=50', { headers: { ...api.headers, 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const text = await new Response(res.body!.pipeThrough(new DecompressionStream('gzip'))).text();
    expect((JSON.parse(text) as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(12);
    const plain = await t.request('/api/conversations?limit=50', { headers: api.headers });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toContain('Accept-Encoding');
    // A write answers with one small object: sent as it is.
    const conversationId = (JSON.parse(text) as { items: { id: string }[] }).items[0]!.id;
    const posted = await t.request(`/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { ...api.headers, 'accept-encoding': 'gzip' },
      body: { type: 'incoming', body: '还是没有消息' },
    });
    expect(posted.status).toBe(201);
    expect(posted.headers.get('content-encoding')).toBeNull();
  });

  it('rejects anonymous calls', async () => {
    const res = await t.request('/api/conversations');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  });

  it('stores a customer message once per idempotency key and analyses it', async () => {
    const api = await t.token('admin');
    const inboxId = await t.inbox('api');
    const created = await t.request('/api/conversations', {
      method: 'POST',
      headers: api.headers,
      body: {
        inboxId,
        customer: { name: '王先生', identities: [{ kind: 'phone', value: '+86 138-1234-5678' }] },
        message: { body: '等了三天了还没发货，太气人了！', idempotencyKey: 'k-000000001' },
      },
    });
    expect(created.status).toBe(201);
    const { conversation } = (await created.json()) as { conversation: { id: string; customerId: string } };
    const post = (key: string) =>
      t.request(`/api/conversations/${conversation.id}/messages`, {
        method: 'POST',
        headers: api.headers,
        body: { body: '你们到底管不管？', type: 'incoming', idempotencyKey: key },
      });
    const first = await post('k-000000002');
    const again = await post('k-000000002');
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    await t.runner.drain();
    const detail = await t.request(`/api/conversations/${conversation.id}`, { headers: api.headers });
    const body = (await detail.json()) as { messages: { body: string; analysis: { customer: { emotion: string } } | null }[] };
    expect(body.messages).toHaveLength(2);
    expect(body.messages[0]?.analysis?.customer.emotion).toBe('anger');
    // The same phone in another format finds the same customer.
    const second = await t.request('/api/conversations', {
      method: 'POST',
      headers: api.headers,
      body: { inboxId, customer: { identities: [{ kind: 'phone', value: '13812345678' }] } },
    });
    expect(((await second.json()) as { conversation: { customerId: string } }).conversation.customerId).toBe(conversation.customerId);
  });

  it('keeps agents out of other teams’ conversations', async () => {
    const api = await t.token('admin');
    const teamA = await t.team();
    const teamB = await t.team();
    const inboxId = await t.inbox('api', teamB);
    const created = await t.request('/api/conversations', {
      method: 'POST',
      headers: api.headers,
      body: { inboxId, customer: { identities: [] } },
    });
    const { conversation } = (await created.json()) as { conversation: { id: string } };
    const outsider = await t.login('agent', [teamA]);
    const insider = await t.login('agent', [teamB]);
    expect((await t.request(`/api/conversations/${conversation.id}`, { headers: outsider.headers })).status).toBe(404);
    expect((await t.request(`/api/conversations/${conversation.id}`, { headers: insider.headers })).status).toBe(200);
    const list = (await (await t.request('/api/conversations?status=all', { headers: outsider.headers })).json()) as {
      items: { id: string }[];
    };
    expect(list.items.map((i) => i.id)).not.toContain(conversation.id);
    const reply = await t.request(`/api/conversations/${conversation.id}/messages`, {
      method: 'POST',
      headers: outsider.headers,
      body: { body: 'hi' },
    });
    expect(reply.status).toBe(404);
  });

  it('requires the CSRF token for cookie sessions', async () => {
    const agent = await t.login('agent');
    const inboxId = await t.inbox('api');
    const { cookie } = agent.headers;
    const res = await t.request('/api/conversations', {
      method: 'POST',
      headers: { cookie: cookie ?? '' },
      body: { inboxId, customer: { identities: [] } },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
  });

  it('answers bad input with one readable error and no stack', async () => {
    const api = await t.token('admin');
    const res = await t.request('/api/conversations', { method: 'POST', headers: api.headers, body: '{"inboxId": 12' });
    expect(res.status).toBe(400);
    const huge = await t.request('/api/conversations', {
      method: 'POST',
      headers: api.headers,
      body: { inboxId: crypto.randomUUID(), customer: { identities: [] }, message: { body: 'x'.repeat(30_000) } },
    });
    expect(huge.status).toBe(400);
    const text = await huge.text();
    expect(text).toContain('invalid_input');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });
});
