import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../../db/schema.js';
import { agentSocketModule } from '../../realtime/ws-agent.js';
import { openSocket, serveTestPlatform, type TestSocket } from '../../realtime/ws-testing.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../../testing/platform.js';
import { widgetHubOf, widgetModule } from './index.js';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

describe.each(DATABASES)('web chat widget on %s', (database) => {
  let t: TestPlatform;
  let server: { url: string; wsUrl: string; close(): Promise<void> };
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    t = await createTestPlatform(database, { modules: [widgetModule, agentSocketModule], jobs: false });
    server = await serveTestPlatform(t);
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await server.close();
  });

  const visitor = async (inboxId: string, hello: Record<string, unknown> = {}) => {
    const socket = await openSocket(`${server.wsUrl}/ws/widget?inbox=${inboxId}`);
    sockets.push(socket);
    socket.send({ type: 'hello', inboxId, lastSeq: 0, ...hello });
    const welcome = await socket.next((m) => m.type === 'welcome' || m.type === 'error');
    return { socket, welcome };
  };
  const countMessages = async (conversationId: string) =>
    Number(
      (
        await t.deps.db.kysely
          .selectFrom('messages')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('conversation_id', '=', conversationId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('serves the script without innerHTML, loadable from other sites', async () => {
    const res = await t.request('/widget.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const source = await res.text();
    expect(source).toContain('textContent');
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    expect(() => new Function(source)).not.toThrow();
  });

  it('gives supervisors the snippet to paste, not agents', async () => {
    const inboxId = await t.inbox('web');
    const admin = await t.login('supervisor');
    const res = await t.request(`/api/inboxes/${inboxId}/widget-snippet`, { headers: admin.headers });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { snippet: string };
    expect(body.snippet).toMatch(new RegExp(`^<script src="http://[^"]+/widget\\.js" data-inbox="${inboxId}" async></script>$`));
    const agent = await t.login('agent');
    expect((await t.request(`/api/inboxes/${inboxId}/widget-snippet`, { headers: agent.headers })).status).toBe(403);
    const apiInbox = await t.inbox('api');
    expect((await t.request(`/api/inboxes/${apiInbox}/widget-snippet`, { headers: admin.headers })).status).toBe(409);
  });

  it('refuses sockets for unknown or non-web inboxes', async () => {
    await expect(openSocket(`${server.wsUrl}/ws/widget?inbox=${await t.inbox('api')}`)).rejects.toMatchObject({ status: 404 });
    await expect(openSocket(`${server.wsUrl}/ws/widget?inbox=nope`)).rejects.toMatchObject({ status: 400 });
  });

  it('acknowledges after commit and stores a resent message once', async () => {
    const inboxId = await t.inbox('web');
    const first = await visitor(inboxId);
    expect(first.welcome).toMatchObject({ type: 'welcome', conversationId: null, messages: [] });
    const token = first.welcome.visitorToken as string;
    first.socket.send({ type: 'message', clientId: 'client-0000001', body: '你好，我的订单还没到' });
    const ack = await first.socket.next((m) => m.type === 'ack');
    const stored = await t.deps.db.kysely
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', ack.messageId as string)
      .executeTakeFirst();
    expect(stored).toMatchObject({ body: '你好，我的订单还没到', type: 'incoming', sender_type: 'customer' });
    expect(Number(stored?.seq)).toBe(ack.seq);

    // The connection drops before the next ack arrives; the client resends its outbox after reconnecting.
    first.socket.send({ type: 'message', clientId: 'client-0000002', body: '在吗？' });
    first.socket.ws.terminate();
    const again = await visitor(inboxId, { visitorToken: token, lastSeq: ack.seq });
    expect(again.welcome.visitorToken).toBe(token);
    expect(again.welcome.conversationId).toBe(stored?.conversation_id);
    again.socket.send({ type: 'message', clientId: 'client-0000002', body: '在吗？' });
    again.socket.send({ type: 'message', clientId: 'client-0000002', body: '在吗？' });
    const acks = [await again.socket.next((m) => m.type === 'ack'), await again.socket.next((m) => m.type === 'ack')];
    expect(acks[0]?.messageId).toBe(acks[1]?.messageId);
    expect(await countMessages(stored!.conversation_id)).toBe(2);
  });

  it('replays agent messages missed while disconnected, never notes', async () => {
    const inboxId = await t.inbox('web');
    const { socket, welcome } = await visitor(inboxId);
    socket.send({ type: 'message', clientId: 'resume-000001', body: '快递三天没动了' });
    const ack = await socket.next((m) => m.type === 'ack');
    const conversationId = (await socket.next((m) => m.type === 'message')).message as { id: string };
    expect(conversationId.id).toBe(ack.messageId);
    const { conversation_id } = await t.deps.db.kysely
      .selectFrom('messages')
      .select('conversation_id')
      .where('id', '=', ack.messageId as string)
      .executeTakeFirstOrThrow();
    const agent = await t.login('agent');
    const reply = (body: string, type = 'outgoing') =>
      t.request(`/api/conversations/${conversation_id}/messages`, { method: 'POST', headers: agent.headers, body: { body, type } });

    // Live: the reply arrives while connected.
    expect((await reply('您好，我马上帮您查')).status).toBe(201);
    const live = (await socket.next((m) => m.type === 'message' && (m.message as { from: string }).from === 'agent')).message as {
      seq: number;
    };
    await socket.close();
    expect((await reply('查到了，明天送达')).status).toBe(201);
    expect((await reply('内部备注：客户很着急', 'note')).status).toBe(201);
    expect((await reply(HOSTILE)).status).toBe(201);

    const resumed = await visitor(inboxId, { visitorToken: welcome.visitorToken, lastSeq: live.seq });
    const replayed = resumed.welcome.messages as { from: string; body: string }[];
    expect(replayed.map((m) => [m.from, m.body])).toEqual([
      ['agent', '查到了，明天送达'],
      ['agent', HOSTILE],
    ]);
  });

  it('links a signed identity and rejects a forged one', async () => {
    const secret = 'identity-secret-for-tests';
    const inboxId = await t.inbox('web');
    await t.deps.db.kysely
      .updateTable('inboxes')
      .set({ settings: json({ identitySecret: secret }) })
      .where('id', '=', inboxId)
      .execute();
    const sign = (externalId: string) => createHmac('sha256', secret).update(externalId).digest('hex');
    const customer = await t.deps.db.kysely.insertInto('customers').values({ name: '李女士' }).returning('id').executeTakeFirstOrThrow();
    await t.deps.db.kysely
      .insertInto('customer_identities')
      .values({ customer_id: customer.id, kind: 'external', value: 'shop-user-42' })
      .execute();

    // An anonymous visitor signs in: their visitor identity joins the known customer.
    const anonymous = await visitor(inboxId);
    await anonymous.socket.close();
    const signed = await visitor(inboxId, {
      visitorToken: anonymous.welcome.visitorToken,
      identity: { externalId: 'shop-user-42', name: '李女士', signature: sign('shop-user-42') },
    });
    expect(signed.welcome.type).toBe('welcome');
    signed.socket.send({ type: 'message', clientId: 'signed-000001', body: '我是老客户' });
    const ack = await signed.socket.next((m) => m.type === 'ack');
    const row = await t.deps.db.kysely
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select('conversations.customer_id')
      .where('messages.id', '=', ack.messageId as string)
      .executeTakeFirstOrThrow();
    expect(row.customer_id).toBe(customer.id);

    const forged = await visitor(inboxId, { identity: { externalId: 'shop-user-42', signature: sign('shop-user-43') } });
    expect(forged.welcome).toMatchObject({ type: 'error', code: 'invalid_identity' });
    expect(await forged.socket.closed).toBe(4403);
  });

  it('welcomes 200 visitors saying hello at once, each as their own customer', async () => {
    const inboxId = await t.inbox('web');
    const visitors = await Promise.all(Array.from({ length: 200 }, () => visitor(inboxId)));
    expect(visitors.map((v) => v.welcome.type)).toEqual(Array(200).fill('welcome'));
    const tokens = visitors.map((v) => v.welcome.visitorToken as string);
    expect(new Set(tokens).size).toBe(200);
    const owners = await t.deps.db.kysely
      .selectFrom('customer_identities')
      .select('customer_id')
      .where('kind', '=', 'visitor')
      .where(
        'value',
        'in',
        tokens.map((token) => createHash('sha256').update(token).digest('hex')),
      )
      .execute();
    expect(new Set(owners.map((o) => o.customer_id)).size).toBe(200);
    // A second wave of the same visitors reconnecting at once keeps their tokens.
    const again = await Promise.all(visitors.slice(0, 50).map((v) => visitor(inboxId, { visitorToken: v.welcome.visitorToken })));
    expect(again.map((v) => v.welcome.visitorToken)).toEqual(tokens.slice(0, 50));
    await Promise.all([...visitors, ...again].map((v) => v.socket.close()));
  });

  it('delivers hostile text as data', async () => {
    const inboxId = await t.inbox('web');
    const { socket } = await visitor(inboxId);
    socket.send({ type: 'message', clientId: 'hostile-00001', body: HOSTILE });
    const echo = await socket.next((m) => m.type === 'message');
    expect((echo.message as { body: string }).body).toBe(HOSTILE);
    const ack = await socket.next((m) => m.type === 'ack');
    const stored = await t.deps.db.kysely
      .selectFrom('messages')
      .select('body')
      .where('id', '=', ack.messageId as string)
      .executeTakeFirstOrThrow();
    expect(stored.body).toBe(HOSTILE);
  });

  it('rejects bad frames, over-long bodies and floods with clear errors', async () => {
    const inboxId = await t.inbox('web');
    const { socket } = await visitor(inboxId);
    socket.ws.send('not json');
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'invalid_message' });
    socket.send({ type: 'message', clientId: 'too-long-0001', body: 'x'.repeat(20_001) });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'invalid_message' });
    for (let i = 0; i < 15; i++) socket.send({ type: 'message', clientId: `flood-${String(i).padStart(6, '0')}`, body: `第${i}条` });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({
      code: 'rate_limited',
      clientId: expect.stringMatching(/^flood-/),
    });
    const early = await openSocket(`${server.wsUrl}/ws/widget?inbox=${inboxId}`);
    sockets.push(early);
    early.send({ type: 'message', clientId: 'no-hello-0001', body: 'hi' });
    expect(await early.next((m) => m.type === 'error')).toMatchObject({ code: 'hello_required', clientId: 'no-hello-0001' });
    expect(widgetHubOf(t.deps)?.size()).toBeGreaterThan(0);
  });
});
