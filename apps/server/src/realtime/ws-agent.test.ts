import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widgetModule } from '../channels/widget/index.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { agentSocketModule } from './ws-agent.js';
import { openSocket, serveTestPlatform, type TestSocket } from './ws-testing.js';

const HOSTILE = '<script>alert(1)</script>';

describe.each(DATABASES)('agents’ realtime socket on %s', (database) => {
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

  const track = async (opening: Promise<TestSocket>) => {
    const socket = await opening;
    sockets.push(socket);
    return socket;
  };
  const agentSocket = async (headers: Record<string, string>) => {
    const socket = await track(openSocket(`${server.wsUrl}/ws/agent`, { cookie: headers.cookie ?? '' }));
    await socket.next((m) => m.type === 'ready');
    return socket;
  };
  const isEventOf = (conversationId: string, name?: string) => (m: Record<string, unknown>) =>
    m.type === 'event' && m.conversationId === conversationId && (name === undefined || m.event === name);

  it('refuses upgrades without a session or from another site', async () => {
    await expect(openSocket(`${server.wsUrl}/ws/agent`)).rejects.toMatchObject({ status: 401 });
    await expect(openSocket(`${server.wsUrl}/ws/agent`, { cookie: 'tongli_session=forged' })).rejects.toMatchObject({ status: 401 });
    const agent = await t.login('agent');
    await expect(
      openSocket(`${server.wsUrl}/ws/agent`, { cookie: agent.headers.cookie ?? '', origin: 'https://evil.example' }),
    ).rejects.toMatchObject({ status: 403 });
    const sameSite = await track(openSocket(`${server.wsUrl}/ws/agent`, { cookie: agent.headers.cookie ?? '', origin: server.url }));
    expect(await sameSite.next((m) => m.type === 'ready')).toMatchObject({ user: { id: agent.id, role: 'agent' } });
  });

  it('forwards events only to those who may see the conversation, typing both ways', async () => {
    const teamA = await t.team();
    const teamB = await t.team();
    const inboxId = await t.inbox('web', teamA);
    const agentA = await t.login('agent', [teamA]);
    const agentB = await t.login('agent', [teamB]);
    const supervisor = await t.login('supervisor');
    const [socketA, socketB, socketS] = await Promise.all([
      agentSocket(agentA.headers),
      agentSocket(agentB.headers),
      agentSocket(supervisor.headers),
    ]);

    const visitor = await track(openSocket(`${server.wsUrl}/ws/widget?inbox=${inboxId}`));
    visitor.send({ type: 'hello', inboxId, lastSeq: 0 });
    await visitor.next((m) => m.type === 'welcome');
    visitor.send({ type: 'message', clientId: 'realtime-0001', body: HOSTILE });
    const ack = await visitor.next((m) => m.type === 'ack');
    const created = await socketA.next((m) => m.type === 'event' && m.event === 'conversation.created');
    const conversationId = created.conversationId as string;
    const message = await socketA.next(isEventOf(conversationId, 'message.created'));
    expect(message.data).toMatchObject({ id: ack.messageId, body: HOSTILE, type: 'incoming', senderType: 'customer' });
    await socketS.next(isEventOf(conversationId, 'message.created'));

    // Typing: the visitor to agents, an agent to the visitor and the other agents (not back to itself).
    visitor.send({ type: 'typing' });
    expect(await socketA.next(isEventOf(conversationId, 'typing'))).toMatchObject({ data: { from: 'visitor' } });
    socketA.send({ type: 'typing', conversationId });
    await visitor.next((m) => m.type === 'typing');
    expect(
      await socketS.next((m) => isEventOf(conversationId, 'typing')(m) && (m.data as { from: string }).from === 'agent'),
    ).toMatchObject({
      data: { userId: agentA.id },
    });
    // Agent B may not even announce typing in a conversation it cannot see.
    socketB.send({ type: 'typing', conversationId });
    expect(await socketB.next((m) => m.type === 'error')).toMatchObject({ code: 'not_found' });

    const reply = await t.request(`/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: agentA.headers,
      body: { body: '您好，我来帮您' },
    });
    expect(reply.status).toBe(201);
    await socketS.next(isEventOf(conversationId, 'message.created'));
    await socketA.next((m) => isEventOf(conversationId, 'message.created')(m) && (m.data as { type: string }).type === 'outgoing');
    await visitor.next((m) => m.type === 'message' && (m.message as { from: string }).from === 'agent');
    expect(socketB.received.filter((m) => m.conversationId === conversationId)).toEqual([]);
    expect(socketA.received.filter(isEventOf(conversationId, 'typing')).map((m) => (m.data as { from: string }).from)).toEqual(['visitor']);
  });

  it('coaches a draft over the socket', async () => {
    const agent = await t.login('agent');
    const socket = await agentSocket(agent.headers);
    socket.send({ type: 'coach', requestId: 'r1', draft: '这是公司规定，我也没办法', customer: '等了三天了还没发货，太气人了！' });
    const reply = await socket.next((m) => m.type === 'coach');
    expect(reply.requestId).toBe('r1');
    expect((reply.hints as { id: string; kind: string }[]).length).toBeGreaterThan(0);
    expect(reply.customer).toMatchObject({ emotion: 'anger' });
    socket.send({ type: 'coach', requestId: 'r2' });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'invalid_message' });
    socket.send({ type: 'ping' });
    await socket.next((m) => m.type === 'pong');
  });
});
