import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformModule } from '../admin/module.js';
import { json } from '../db/schema.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { routingModule } from './module.js';

type Headers = Record<string, string>;

describe.each(DATABASES)('routing on %s', (database) => {
  let t: TestPlatform;
  let api: Headers;
  let supervisor: { id: string; headers: Headers };
  let identity = 0;

  beforeAll(async () => {
    t = await createTestPlatform(database, { modules: [platformModule, routingModule] });
    api = (await t.token('admin')).headers;
    supervisor = await t.login('supervisor');
  });
  afterAll(() => t.close());

  const db = () => t.deps.db.kysely;

  /** A team with an API inbox and a queue over it. */
  const setup = async (queue: Record<string, unknown> = {}) => {
    const team = await t.team();
    const inbox = await t.inbox('api', team);
    const res = await t.request('/api/routing/queues', {
      method: 'POST',
      headers: supervisor.headers,
      body: { name: `queue ${team.slice(0, 8)}`, inboxId: inbox, ...queue },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string };
    return { team, inbox, queueId: created.id };
  };

  const agent = async (team: string, options: { presence?: string; capacity?: number; skills?: string[] } = {}) => {
    const user = await t.login('agent', [team]);
    if (options.capacity !== undefined || options.skills) {
      const res = await t.request(`/api/routing/agents/${user.id}`, {
        method: 'PATCH',
        headers: supervisor.headers,
        body: {
          ...(options.capacity !== undefined ? { capacity: options.capacity } : {}),
          ...(options.skills ? { skills: options.skills } : {}),
        },
      });
      expect(res.status).toBe(200);
    }
    const presence = await t.request('/api/routing/me/presence', {
      method: 'PUT',
      headers: user.headers,
      body: { presence: options.presence ?? 'online' },
    });
    expect(presence.status).toBe(200);
    return user;
  };

  const open = async (
    inbox: string,
    message: string,
    customer: object = { identities: [{ kind: 'external', value: `c${++identity}` }] },
  ) => {
    const res = await t.request('/api/conversations', {
      method: 'POST',
      headers: api,
      body: { inboxId: inbox, customer, message: { body: message } },
    });
    expect(res.status).toBe(201);
    const { conversation } = (await res.json()) as { conversation: { id: string; customerId: string } };
    await t.runner.drain();
    return db().selectFrom('conversations').selectAll().where('id', '=', conversation.id).executeTakeFirstOrThrow();
  };

  const decisions = async (conversationId: string) =>
    (
      (await (await t.request(`/api/routing/decisions?conversationId=${conversationId}`, { headers: supervisor.headers })).json()) as {
        items: { reason: string; assigneeId: string | null; details: Record<string, unknown> }[];
      }
    ).items;

  /** A resolved conversation of the agent in the last weeks whose customer calmed down by `turnaround`. */
  const pastConversation = async (inbox: string, assigneeId: string, turnaround: number) => {
    const customer = await db().insertInto('customers').values({ name: 'past' }).returning('id').executeTakeFirstOrThrow();
    const at = new Date(Date.now() - 5 * 86_400_000);
    const conversation = await db()
      .insertInto('conversations')
      .values({ inbox_id: inbox, customer_id: customer.id, assignee_id: assigneeId, status: 'resolved', resolved_at: at, created_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('conversation_analyses')
      .values({
        conversation_id: conversation.id,
        engine_version: 'test',
        lexicon_hash: 'test',
        turnaround,
        peak_emotion: 'anger',
        peak_sentiment: -0.8,
        result: json({ turnaround, peak: { emotion: 'anger', intensity: 0.8, sentiment: -0.8 } }),
      })
      .execute();
  };

  /** An abusive customer message, `minutesAgo`, in an open conversation assigned to the agent. */
  const abusiveContact = async (inbox: string, assigneeId: string, minutesAgo: number) => {
    const customer = await db().insertInto('customers').values({ name: 'abusive' }).returning('id').executeTakeFirstOrThrow();
    const conversation = await db()
      .insertInto('conversations')
      .values({ inbox_id: inbox, customer_id: customer.id, assignee_id: assigneeId, status: 'resolved' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const message = await db()
      .insertInto('messages')
      .values({
        conversation_id: conversation.id,
        type: 'incoming',
        sender_type: 'customer',
        body: '你是白痴吗，滚',
        created_at: new Date(Date.now() - minutesAgo * 60_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('message_analyses')
      .values({
        message_id: message.id,
        conversation_id: conversation.id,
        engine_version: 'test',
        lexicon_hash: 'test',
        signals: json(['abuse']),
        result: json({}),
      })
      .execute();
    return message.id;
  };

  it('least busy: the agent with fewest open conversations, within capacity, online only; logged with an activity line', async () => {
    const { team, inbox } = await setup({ strategy: 'least_busy', emotionAware: false, continuity: false });
    const a = await agent(team, { capacity: 1 });
    const b = await agent(team, { capacity: 2 });
    await agent(team, { presence: 'away' });
    const first = await open(inbox, '你好，我想查一下订单');
    const second = await open(inbox, '你好，我想查一下订单');
    const third = await open(inbox, '你好，我想查一下订单');
    const fourth = await open(inbox, '你好，我想查一下订单');
    // a and b tie on load (id order), then each gets one; a is full at 1, b takes the third; then nobody is free.
    const assignees = [first, second, third, fourth].map((c) => c.assignee_id);
    expect(new Set(assignees.slice(0, 2))).toEqual(new Set([a.id, b.id]));
    expect(assignees[2]).toBe(b.id);
    expect(assignees[3]).toBeNull();
    expect((await decisions(fourth.id))[0]).toMatchObject({ reason: 'nobody_available', assigneeId: null });
    expect((await decisions(third.id))[0]).toMatchObject({ reason: 'least_busy', assigneeId: b.id });
    const activity = await db()
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', third.id)
      .where('type', '=', 'activity')
      .execute();
    expect(activity.map((m) => m.body)).toEqual([`assignee:${b.id}`]);
    expect(activity[0]?.metadata).toMatchObject({ by: 'routing', reason: 'least_busy' });

    // An agent coming online picks up what waits for somebody.
    const late = await agent(team, { presence: 'online' });
    const routed = await db().selectFrom('conversations').select('assignee_id').where('id', '=', fourth.id).executeTakeFirstOrThrow();
    expect(routed.assignee_id).toBe(late.id);
  });

  it('round robin: each new conversation to the next agent, wrapping round', async () => {
    const { team, inbox, queueId } = await setup({ strategy: 'round_robin', emotionAware: false, continuity: false });
    const agents = [await agent(team), await agent(team), await agent(team)].map((a) => a.id).sort();
    const assigned: (string | null)[] = [];
    for (let i = 0; i < 4; i++) assigned.push((await open(inbox, '你好，我想查一下订单')).assignee_id);
    expect(assigned).toEqual([agents[0], agents[1], agents[2], agents[0]]);
    const queue = (await (await t.request(`/api/routing/queues/${queueId}`, { headers: supervisor.headers })).json()) as {
      lastAssignedId: string;
    };
    expect(queue.lastAssignedId).toBe(agents[0]);
  });

  it('skills: needs the queue skills, prefers the customer language, falls back to least busy', async () => {
    const { team, inbox, queueId } = await setup({ strategy: 'skills', requiredSkills: ['billing'], continuity: false });
    const zh = await agent(team, { skills: ['billing', 'zh'] });
    const en = await agent(team, { skills: ['billing', 'english'] });
    const other = await agent(team, { skills: ['delivery'] });
    expect((await open(inbox, 'Hello, I would like to check my order')).assignee_id).toBe(en.id);
    expect((await open(inbox, '你好，我想查一下订单')).assignee_id).toBe(zh.id);
    const patch = await t.request(`/api/routing/queues/${queueId}`, {
      method: 'PATCH',
      headers: supervisor.headers,
      body: { requiredSkills: ['legal'] },
    });
    expect(patch.status).toBe(200);
    const fallback = await open(inbox, '你好，我想查一下订单');
    expect(fallback.assignee_id).toBe(other.id);
    expect((await decisions(fallback.id))[0]?.reason).toBe('fallback_least_busy');
  });

  it('continuity: a returning customer goes back to the agent who helped last, if available', async () => {
    const { team, inbox } = await setup({ strategy: 'least_busy', emotionAware: false });
    const a = await agent(team);
    const b = await agent(team);
    const customer = { identities: [{ kind: 'email', value: `returning${++identity}@example.com` }] };
    const first = await open(inbox, '你好，我想查一下订单', customer);
    const helper = first.assignee_id;
    expect([a.id, b.id]).toContain(helper);
    await db().updateTable('conversations').set({ status: 'resolved' }).where('id', '=', first.id).execute();
    // Make the helper the busier one, so least busy alone would pick the other.
    const someone = await db().insertInto('customers').values({ name: 'other' }).returning('id').executeTakeFirstOrThrow();
    await db()
      .insertInto('conversations')
      .values([1, 2].map(() => ({ inbox_id: inbox, customer_id: someone.id, assignee_id: helper })))
      .execute();
    const again = await open(inbox, '还是上次那个订单的问题', customer);
    expect(again.assignee_id).toBe(helper);
    expect((await decisions(again.id))[0]).toMatchObject({ reason: 'continuity' });

    // The helper goes offline: the returning customer is routed by the strategy instead.
    const helperHeaders = helper === a.id ? a.headers : b.headers;
    await t.request('/api/routing/me/presence', { method: 'PUT', headers: helperHeaders, body: { presence: 'offline' } });
    const third = await open(inbox, '还是那个订单', customer);
    expect(third.assignee_id).not.toBe(helper);
    expect(third.assignee_id).not.toBeNull();
  });

  it('emotion-aware: an angry customer goes to the best turnaround, never to one who just handled abuse', async () => {
    const { team, inbox } = await setup({ strategy: 'least_busy', abuseCooldownMinutes: 30, continuity: false });
    const calmer = await agent(team);
    const good = await agent(team);
    const average = await agent(team);
    for (const value of [1.5, 1.4, 1.6]) await pastConversation(inbox, calmer.id, value);
    for (const value of [1.0, 1.1, 0.9]) await pastConversation(inbox, good.id, value);
    await pastConversation(inbox, average.id, 0.2);

    const ranking = (await (await t.request('/api/routing/agents', { headers: supervisor.headers })).json()) as {
      items: { id: string; rank: number | null; turnaround: { mean: number | null; conversations: number } }[];
    };
    const ranked = ranking.items.filter((i) => [calmer.id, good.id, average.id].includes(i.id));
    expect(ranked.find((i) => i.id === calmer.id)?.turnaround).toMatchObject({ mean: 1.5, conversations: 3 });
    const rankOf = (id: string) => ranked.find((i) => i.id === id)?.rank ?? 0;
    expect(rankOf(calmer.id)).toBeLessThan(rankOf(good.id));
    expect(rankOf(good.id)).toBeLessThan(rankOf(average.id));

    const angry = await open(inbox, '你们这是什么垃圾服务！！！气死我了，马上给我解决！！！');
    expect(angry.assignee_id).toBe(calmer.id);
    expect((await decisions(angry.id))[0]).toMatchObject({ reason: 'emotion', details: { upset: true } });

    // The best de-escalator just took an abusive contact: the next upset customer goes to the second best.
    await abusiveContact(inbox, calmer.id, 5);
    const threat = await open(inbox, '我要去12315投诉你们');
    expect(threat.assignee_id).toBe(good.id);
    expect((await decisions(threat.id))[0]?.details).toMatchObject({ excludedForAbuse: [calmer.id] });

    // A calm customer is routed by the strategy (least busy): the average agent has nothing open.
    expect((await open(inbox, '你好，我想查一下订单')).assignee_id).toBe(average.id);
  });

  it('emotion-aware: the abuse cool-down ends; with no agent free an upset customer goes to a supervisor', async () => {
    const { team, inbox } = await setup({ strategy: 'least_busy', abuseCooldownMinutes: 30, continuity: false });
    const only = await agent(team);
    await pastConversation(inbox, only.id, 1.2);
    await abusiveContact(inbox, only.id, 45);
    expect((await open(inbox, 'This is ridiculous!!! I am furious, fix it NOW!!!')).assignee_id).toBe(only.id);

    await abusiveContact(inbox, only.id, 2);
    const lead = await t.login('supervisor');
    await t.request('/api/routing/me/presence', { method: 'PUT', headers: lead.headers, body: { presence: 'online' } });
    const escalated = await open(inbox, '我要去12315投诉你们');
    // Other suites' supervisors are offline; this one is the only one free.
    expect(escalated.assignee_id).toBe(lead.id);
    expect((await decisions(escalated.id))[0]?.reason).toBe('emotion_supervisor');
    await t.request('/api/routing/me/presence', { method: 'PUT', headers: lead.headers, body: { presence: 'offline' } });
  });

  it('does not route history, assigned conversations or inboxes without a queue; supervisors can route now', async () => {
    const { team, inbox } = await setup({ emotionAware: false, continuity: false });
    const a = await agent(team);
    const res = await t.request('/api/conversations', {
      method: 'POST',
      headers: api,
      body: { inboxId: inbox, customer: { identities: [{ kind: 'external', value: `x${++identity}` }] }, message: { body: '你好' } },
    });
    expect(res.status).toBe(201);
    const { conversation } = (await res.json()) as { conversation: { id: string } };
    // Taken by a person before the analysis ran.
    await db().updateTable('conversations').set({ assignee_id: supervisor.id }).where('id', '=', conversation.id).execute();
    await t.runner.drain();
    expect(await decisions(conversation.id)).toEqual([]);

    const noQueue = await t.inbox('api', null);
    const unrouted = await open(noQueue, '你好，我想查一下订单');
    expect(unrouted.assignee_id).toBeNull();
    expect(await decisions(unrouted.id)).toEqual([]);
    const refused = await t.request(`/api/routing/conversations/${unrouted.id}/route`, { method: 'POST', headers: supervisor.headers });
    expect(refused.status).toBe(409);

    // An old message (a backfill re-analysing history) is not routed; a supervisor can route it explicitly.
    const old = await open(inbox, '你好');
    await db().updateTable('conversations').set({ assignee_id: null }).where('id', '=', old.id).execute();
    await db()
      .updateTable('messages')
      .set({ created_at: new Date(Date.now() - 2 * 3_600_000) })
      .where('conversation_id', '=', old.id)
      .execute();
    const message = await db()
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', old.id)
      .where('type', '=', 'incoming')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('jobs')
      .values({ kind: 'analyze_message', payload: json({ messageId: message.id }) })
      .execute();
    await t.runner.drain();
    expect(
      (await db().selectFrom('conversations').select('assignee_id').where('id', '=', old.id).executeTakeFirstOrThrow()).assignee_id,
    ).toBeNull();
    const agentTry = await t.request(`/api/routing/conversations/${old.id}/route`, { method: 'POST', headers: a.headers });
    expect(agentTry.status).toBe(403);
    const now = await t.request(`/api/routing/conversations/${old.id}/route`, { method: 'POST', headers: supervisor.headers });
    expect(now.status).toBe(200);
    expect(await now.json()).toMatchObject({ assigneeId: a.id, conversation: { assigneeId: a.id } });
  });

  it('re-routes the waiting customers of an agent who goes offline', async () => {
    const { team, inbox } = await setup({ strategy: 'least_busy', emotionAware: false, continuity: false });
    const leaving = await agent(team);
    const waiting = await open(inbox, '你好，我想查一下订单');
    expect(waiting.assignee_id).toBe(leaving.id);
    const staying = await agent(team);
    // Away keeps the conversations; offline hands them over.
    await t.request('/api/routing/me/presence', { method: 'PUT', headers: leaving.headers, body: { presence: 'away' } });
    expect(
      (await db().selectFrom('conversations').select('assignee_id').where('id', '=', waiting.id).executeTakeFirstOrThrow()).assignee_id,
    ).toBe(leaving.id);
    await t.request('/api/routing/me/presence', { method: 'PUT', headers: leaving.headers, body: { presence: 'offline' } });
    expect(
      (await db().selectFrom('conversations').select('assignee_id').where('id', '=', waiting.id).executeTakeFirstOrThrow()).assignee_id,
    ).toBe(staying.id);
    const lines = await db()
      .selectFrom('messages')
      .select('body')
      .where('conversation_id', '=', waiting.id)
      .where('type', '=', 'activity')
      .orderBy('seq')
      .execute();
    expect(lines.map((l) => l.body)).toEqual([`assignee:${leaving.id}`, 'assignee:-', `assignee:${staying.id}`]);
  });

  it('authorises by role and audits changes', async () => {
    const team = await t.team();
    const inbox = await t.inbox('api', team);
    const a = await t.login('agent', [team]);
    const b = await t.login('agent', [team]);
    const queue = { name: 'by agent', inboxId: inbox };
    expect((await t.request('/api/routing/queues', { method: 'POST', headers: a.headers, body: queue })).status).toBe(403);
    expect((await t.request('/api/routing/queues', { headers: a.headers })).status).toBe(403);
    expect((await t.request('/api/routing/agents', { headers: a.headers })).status).toBe(403);
    // Own presence yes; own capacity or someone else's presence no.
    expect(
      (await t.request(`/api/routing/agents/${a.id}`, { method: 'PATCH', headers: a.headers, body: { presence: 'away' } })).status,
    ).toBe(200);
    expect((await t.request(`/api/routing/agents/${a.id}`, { method: 'PATCH', headers: a.headers, body: { capacity: 50 } })).status).toBe(
      403,
    );
    expect(
      (await t.request(`/api/routing/agents/${b.id}`, { method: 'PATCH', headers: a.headers, body: { presence: 'online' } })).status,
    ).toBe(403);
    const me = (await (await t.request('/api/routing/me', { headers: a.headers })).json()) as { presence: string; capacity: number };
    expect(me).toMatchObject({ presence: 'away', capacity: 5 });

    const created = await t.request('/api/routing/queues', { method: 'POST', headers: supervisor.headers, body: queue });
    expect(created.status).toBe(201);
    const duplicate = await t.request('/api/routing/queues', { method: 'POST', headers: supervisor.headers, body: queue });
    expect(duplicate.status).toBe(409);
    const noTarget = await t.request('/api/routing/queues', { method: 'POST', headers: supervisor.headers, body: { name: 'nowhere' } });
    expect(noTarget.status).toBe(400);
    const bad = await t.request('/api/routing/queues', {
      method: 'POST',
      headers: supervisor.headers,
      body: { name: 'x', teamId: team, strategy: 'random' },
    });
    expect(bad.status).toBe(400);
    const { id } = (await created.json()) as { id: string };
    expect((await t.request(`/api/routing/queues/${id}`, { method: 'DELETE', headers: a.headers })).status).toBe(403);
    expect((await t.request(`/api/routing/queues/${id}`, { method: 'DELETE', headers: supervisor.headers })).status).toBe(204);
    const audit = await db().selectFrom('audit_log').select('action').where('target_id', '=', id).orderBy('id').execute();
    expect(audit.map((r) => r.action)).toEqual(['routing.queue_created', 'routing.queue_deleted']);
  });
});
