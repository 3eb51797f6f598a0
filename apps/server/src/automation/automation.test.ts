import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { platformModule } from '../admin/module.js';
import { json } from '../db/schema.js';
import type { PlatformEvent } from '../realtime/bus.js';
import { routingModule } from '../routing/module.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { seedAutomationDemo } from './demo.js';
import { isWithinSchedule } from './evaluate.js';
import { automationModule } from './module.js';
import { RuleInputSchema } from './rules.js';

type Headers = Record<string, string>;
interface Rule {
  id: string;
  name: string;
  enabled: boolean;
}
interface Firing {
  ruleId: string;
  conversationId: string;
  messageId: string | null;
  event: string;
  actions: { type: string; status: string; detail?: string }[];
}

const ANGRY = '你们这是什么垃圾服务！！！气死我了，马上给我解决退款！！！';
const CALM = '你好，我想查一下订单';

describe.each(DATABASES)('automation on %s', (database) => {
  let t: TestPlatform;
  let api: Headers;
  let supervisor: { id: string; headers: Headers };
  let agent: { id: string; headers: Headers };
  let identity = 0;
  const events: PlatformEvent[] = [];

  beforeAll(async () => {
    t = await createTestPlatform(database, { modules: [platformModule, automationModule, routingModule] });
    api = (await t.token('admin')).headers;
    supervisor = await t.login('supervisor');
    agent = await t.login('agent');
    t.deps.bus.subscribe((event) => events.push(event));
  });
  afterAll(() => t.close());
  // Each test starts with no rule (rules apply to every conversation).
  beforeEach(async () => {
    await t.deps.db.kysely.deleteFrom('automation_rules').execute();
  });

  const db = () => t.deps.db.kysely;

  const createRule = async (body: object, headers = supervisor.headers): Promise<Rule> => {
    const res = await t.request('/api/automation/rules', { method: 'POST', headers, body });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as Rule;
  };

  const open = async (inbox: string, message: string, customer: object = {}) => {
    const res = await t.request('/api/conversations', {
      method: 'POST',
      headers: api,
      body: {
        inboxId: inbox,
        customer: { identities: [{ kind: 'external', value: `a${++identity}` }], ...customer },
        message: { body: message },
      },
    });
    expect(res.status).toBe(201);
    const { conversation } = (await res.json()) as { conversation: { id: string; priority: string; teamId: string | null } };
    await t.runner.drain();
    return conversation;
  };

  const load = (id: string) => db().selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const firings = async (query: string) =>
    ((await (await t.request(`/api/automation/firings?${query}`, { headers: supervisor.headers })).json()) as { items: Firing[] }).items;

  it('tags, prioritises and assigns an angry customer once per message, and logs the firing', async () => {
    const inbox = await t.inbox('web');
    const rule = await createRule({
      name: 'Angry refund',
      event: 'message.analyzed',
      conditions: {
        match: 'all',
        conditions: [
          { type: 'emotion', in: ['anger'], minIntensity: 0.5 },
          { type: 'text', contains: ['退款', 'refund'] },
          { type: 'channel', in: ['web'] },
        ],
      },
      actions: [
        { type: 'add_tag', tags: ['refund', 'angry'] },
        { type: 'set_priority', priority: 'urgent' },
        { type: 'assign', userId: agent.id },
      ],
    });
    const angry = await open(inbox, ANGRY);
    const calm = await open(inbox, CALM);
    const row = await load(angry.id);
    expect(row).toMatchObject({ priority: 'urgent', assignee_id: agent.id });
    expect([...row.tags].sort()).toEqual(['angry', 'refund']);
    expect(await load(calm.id)).toMatchObject({ priority: 'normal', assignee_id: null, tags: [] });

    const log = await firings(`ruleId=${rule.id}`);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      conversationId: angry.id,
      event: 'message.analyzed',
      actions: [
        { type: 'add_tag', status: 'done' },
        { type: 'set_priority', status: 'done' },
        { type: 'assign', status: 'done' },
      ],
    });
    const activity = await db()
      .selectFrom('messages')
      .select(['body', 'metadata'])
      .where('conversation_id', '=', angry.id)
      .where('type', '=', 'activity')
      .execute();
    expect(activity).toEqual([
      { body: `assignee:${agent.id}`, metadata: { by: 'automation', rule: 'Angry refund', changes: [`assignee:${agent.id}`] } },
    ]);
    expect(events.some((e) => e.type === 'conversation.updated' && e.conversationId === angry.id)).toBe(true);

    // Analysing the message again (an engine upgrade) does not fire the rule twice.
    const message = log[0]?.messageId ?? '';
    await db()
      .insertInto('jobs')
      .values({ kind: 'analyze_message', payload: json({ messageId: message }) })
      .execute();
    await t.runner.drain();
    expect(await firings(`ruleId=${rule.id}`)).toHaveLength(1);
  });

  it('runs conversation.created rules on customer attributes, and conversation.updated rules on changes', async () => {
    const team = await t.team();
    const inbox = await t.inbox('api');
    await createRule({
      name: 'Gold customers',
      event: 'conversation.created',
      conditions: { conditions: [{ type: 'attribute', key: 'tier', op: 'eq', value: 'gold' }] },
      actions: [
        { type: 'set_priority', priority: 'high' },
        { type: 'assign', teamId: team },
      ],
    });
    await createRule({
      name: 'Closed',
      event: 'conversation.updated',
      conditions: { conditions: [{ type: 'status', in: ['resolved'] }] },
      actions: [{ type: 'add_tag', tags: ['closed'] }],
    });
    const customer = await db()
      .insertInto('customers')
      .values({ name: 'Gold', attributes: json({ tier: 'Gold' }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db().insertInto('customer_identities').values({ customer_id: customer.id, kind: 'external', value: 'gold-1' }).execute();
    const res = await t.request('/api/conversations', {
      method: 'POST',
      headers: api,
      body: { inboxId: inbox, customer: { identities: [{ kind: 'external', value: 'gold-1' }] }, message: { body: CALM } },
    });
    const { conversation } = (await res.json()) as { conversation: { id: string; priority: string; teamId: string | null } };
    // Applied in the creating transaction: the response already shows it.
    expect(conversation).toMatchObject({ priority: 'high', teamId: team });
    const plain = await open(inbox, CALM);
    expect(plain).toMatchObject({ priority: 'normal', teamId: null });

    const resolved = await t.request(`/api/conversations/${conversation.id}`, {
      method: 'PATCH',
      headers: supervisor.headers,
      body: { status: 'resolved' },
    });
    expect(resolved.status).toBe(200);
    expect(((await resolved.json()) as { tags: string[] }).tags).toEqual(['closed']);
    const log = await firings(`conversationId=${conversation.id}`);
    expect(log.map((f) => f.event).sort()).toEqual(['conversation.created', 'conversation.updated']);
  });

  it('sends a canned reply in the customer language, without re-triggering itself', async () => {
    const inbox = await t.inbox('web');
    const zh = await db()
      .insertInto('canned_replies')
      .values({
        short_code: `auto-zh-${identity}`,
        title: 'zh',
        body: '您好{{customer.name}}，我们已收到您的消息，会尽快回复。',
        locale: 'zh-CN',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const en = await db()
      .insertInto('canned_replies')
      .values({
        short_code: `auto-en-${identity}`,
        title: 'en',
        body: 'Hi {{customer.name}}, we got your message and will reply soon.',
        locale: 'en',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // No condition at all: every analysed message, the rule's own reply included, would match.
    const rule = await createRule({
      name: 'Acknowledge',
      event: 'message.analyzed',
      conditions: { conditions: [] },
      actions: [{ type: 'send_canned_reply', zh: zh.id, en: en.id }],
    });
    const chinese = await open(inbox, CALM, { name: '王先生' });
    const english = await open(inbox, 'Hello, I would like to check my order');
    const replies = async (id: string) =>
      db()
        .selectFrom('messages')
        .select(['body', 'sender_type', 'metadata'])
        .where('conversation_id', '=', id)
        .where('type', '=', 'outgoing')
        .execute();
    const zhReplies = await replies(chinese.id);
    expect(zhReplies).toHaveLength(1);
    expect(zhReplies[0]).toMatchObject({ body: '您好王先生，我们已收到您的消息，会尽快回复。', sender_type: 'system' });
    expect(zhReplies[0]?.metadata).toMatchObject({ automation: { rule: 'Acknowledge', cannedReplyId: zh.id } });
    // No name: the variable is left out, never sent as {{…}}.
    expect((await replies(english.id)).map((m) => m.body)).toEqual(['Hi, we got your message and will reply soon.']);

    const log = await firings(`ruleId=${rule.id}`);
    expect(log).toHaveLength(2);
    expect(log.every((f) => f.actions[0]?.status === 'done')).toBe(true);
  });

  it('caps how often a rule fires on one conversation (loop guard)', async () => {
    const inbox = await t.inbox('api');
    const rule = await createRule({
      name: 'Every message',
      event: 'message.analyzed',
      conditions: { conditions: [{ type: 'direction', in: ['incoming'] }] },
      actions: [{ type: 'add_tag', tags: ['seen'] }],
    });
    const { id } = await open(inbox, CALM);
    for (let i = 0; i < 7; i++) {
      await t.request(`/api/conversations/${id}/messages`, {
        method: 'POST',
        headers: api,
        body: { body: `还有问题 ${i}`, type: 'incoming' },
      });
    }
    await t.runner.drain();
    const incoming = await db()
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', id)
      .where('type', '=', 'incoming')
      .execute();
    expect(incoming.length).toBeGreaterThan(5);
    expect(await firings(`ruleId=${rule.id}`)).toHaveLength(5);
  });

  it('notifies supervisors and calls a webhook, signed', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const admin = await t.login('admin');
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const created = await t.request('/api/webhooks', {
        method: 'POST',
        headers: admin.headers,
        body: { url, events: ['conversation.resolved'] },
      });
      const hook = (await created.json()) as { id: string; secret: string };
      const inbox = await t.inbox('api');
      const rule = await createRule({
        name: 'Escalation',
        event: 'message.analyzed',
        conditions: { conditions: [{ type: 'risk', any: ['escalation_threat'] }] },
        actions: [
          { type: 'notify_supervisor', severity: 'critical', note: '客户要投诉' },
          { type: 'webhook', webhookId: hook.id },
        ],
      });
      const { id } = await open(inbox, '我要去12315投诉你们');
      const alert = events.find(
        (e) => e.type === 'alert.raised' && e.conversationId === id && (e.data as { kind?: string }).kind === 'automation',
      );
      expect(alert?.data).toMatchObject({ kind: 'automation', severity: 'critical', rule: 'Escalation', note: '客户要投诉' });
      expect(received).toHaveLength(1);
      const delivery = received[0];
      const body = JSON.parse(delivery?.body ?? '{}') as { event: string; data: Record<string, unknown> };
      expect(body).toMatchObject({ event: 'automation.fired', data: { rule_id: rule.id, conversation_id: id } });
      const [, t0, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(String(delivery?.headers['x-tongli-signature'])) ?? [];
      expect(createHmac('sha256', hook.secret).update(`${t0}.${delivery?.body}`).digest('hex')).toBe(v1);
      const [firing] = await firings(`ruleId=${rule.id}`);
      expect(firing?.actions.map((a) => [a.type, a.status])).toEqual([
        ['notify_supervisor', 'done'],
        ['webhook', 'done'],
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('fires inside or outside business hours, and never when disabled or created after the message', async () => {
    const inbox = await t.inbox('api');
    const closedAlways = { timezone: 'Asia/Shanghai', days: {} };
    const after = await createRule({
      name: 'After hours',
      event: 'message.analyzed',
      conditions: { conditions: [{ type: 'business_hours', inside: false, schedule: closedAlways }] },
      actions: [{ type: 'add_tag', tags: ['after-hours'] }],
    });
    const off = await createRule({
      name: 'Disabled',
      enabled: false,
      event: 'message.analyzed',
      conditions: { conditions: [] },
      actions: [{ type: 'add_tag', tags: ['disabled'] }],
    });
    const { id } = await open(inbox, CALM);
    expect((await load(id)).tags).toEqual(['after-hours']);
    expect(await firings(`ruleId=${off.id}`)).toEqual([]);
    await t.request(`/api/automation/rules/${after.id}`, { method: 'PATCH', headers: supervisor.headers, body: { enabled: false } });
    // A rule created after a message does not fire when that message is analysed again.
    const late = await createRule({
      name: 'Late',
      event: 'message.analyzed',
      conditions: { conditions: [] },
      actions: [{ type: 'add_tag', tags: ['late'] }],
    });
    const message = await db()
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', id)
      .where('type', '=', 'incoming')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('jobs')
      .values({ kind: 'analyze_message', payload: json({ messageId: message.id }) })
      .execute();
    await t.runner.drain();
    expect(await firings(`ruleId=${late.id}`)).toEqual([]);
  });

  it('dry-runs a rule against past conversations without side effects', async () => {
    const inbox = await t.inbox('web');
    const angry = await open(inbox, ANGRY);
    const calm = await open(inbox, CALM);
    const before = await db().selectFrom('conversations').select(['id', 'tags', 'priority', 'updated_at']).orderBy('id').execute();
    const firingsBefore = await db().selectFrom('automation_firings').select('id').execute();
    const jobsBefore = await db().selectFrom('jobs').select('id').execute();
    const conditions = {
      conditions: [
        { type: 'emotion', in: ['anger'], minIntensity: 0.5 },
        { type: 'inbox', in: [inbox] },
      ],
    };
    const res = await t.request('/api/automation/dry-run', {
      method: 'POST',
      headers: supervisor.headers,
      body: { event: 'message.analyzed', conditions, limit: 50 },
    });
    expect(res.status).toBe(200);
    const result = (await res.json()) as { evaluated: number; matches: { conversationId: string; emotion: string; results: unknown[] }[] };
    expect(result.evaluated).toBeGreaterThanOrEqual(2);
    expect(result.matches.map((m) => m.conversationId)).toEqual([angry.id]);
    expect(result.matches[0]).toMatchObject({
      emotion: 'anger',
      results: [
        { type: 'emotion', matched: true },
        { type: 'inbox', matched: true },
      ],
    });
    expect(result.matches.some((m) => m.conversationId === calm.id)).toBe(false);

    const saved = await createRule({
      name: 'Angry (saved)',
      event: 'message.analyzed',
      conditions,
      actions: [{ type: 'add_tag', tags: ['dry'] }, { type: 'notify_supervisor' }],
    });
    const savedRun = await t.request(`/api/automation/rules/${saved.id}/dry-run?limit=50`, { method: 'POST', headers: supervisor.headers });
    expect(((await savedRun.json()) as typeof result).matches.map((m) => m.conversationId)).toEqual([angry.id]);
    const subject = await t.request('/api/automation/dry-run', {
      method: 'POST',
      headers: supervisor.headers,
      body: { event: 'conversation.created', conditions: { conditions: [{ type: 'emotion', in: ['anger'] }] } },
    });
    expect(((await subject.json()) as typeof result).matches).toEqual([]);

    expect(await db().selectFrom('conversations').select(['id', 'tags', 'priority', 'updated_at']).orderBy('id').execute()).toEqual(before);
    expect(await db().selectFrom('automation_firings').select('id').execute()).toHaveLength(firingsBefore.length);
    expect(await db().selectFrom('jobs').select('id').execute()).toHaveLength(jobsBefore.length);
  });

  it('lets supervisors and admins manage rules, not agents; validates and audits', async () => {
    const body = { name: 'x', event: 'message.analyzed', conditions: { conditions: [] }, actions: [{ type: 'add_tag', tags: ['x'] }] };
    expect((await t.request('/api/automation/rules', { method: 'POST', headers: agent.headers, body })).status).toBe(403);
    expect((await t.request('/api/automation/rules', { headers: agent.headers })).status).toBe(403);
    expect((await t.request('/api/automation/firings', { headers: agent.headers })).status).toBe(403);
    expect(
      (
        await t.request('/api/automation/dry-run', {
          method: 'POST',
          headers: agent.headers,
          body: { event: 'message.analyzed', conditions: { conditions: [] } },
        })
      ).status,
    ).toBe(403);
    const bad = await t.request('/api/automation/rules', {
      method: 'POST',
      headers: supervisor.headers,
      body: { ...body, actions: [{ type: 'run_shell', command: 'rm -rf /' }] },
    });
    expect(bad.status).toBe(400);
    const ghost = await t.request('/api/automation/rules', {
      method: 'POST',
      headers: supervisor.headers,
      body: { ...body, actions: [{ type: 'assign', userId: '00000000-0000-4000-8000-000000000000' }] },
    });
    expect(ghost.status).toBe(400);
    expect(((await ghost.json()) as { error: { code: string } }).error.code).toBe('unknown_reference');

    const rule = await createRule(body);
    expect(
      (await t.request(`/api/automation/rules/${rule.id}`, { method: 'PATCH', headers: agent.headers, body: { enabled: false } })).status,
    ).toBe(403);
    const toggled = await t.request(`/api/automation/rules/${rule.id}`, {
      method: 'PATCH',
      headers: supervisor.headers,
      body: { enabled: false },
    });
    expect(((await toggled.json()) as Rule).enabled).toBe(false);
    expect((await t.request(`/api/automation/rules/${rule.id}`, { method: 'DELETE', headers: agent.headers })).status).toBe(403);
    expect((await t.request(`/api/automation/rules/${rule.id}`, { method: 'DELETE', headers: supervisor.headers })).status).toBe(204);
    const audit = await db().selectFrom('audit_log').select('action').where('target_id', '=', rule.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['automation.rule_created', 'automation.rule_updated', 'automation.rule_deleted']);
  });

  it('seeds two valid demo rules; the after-hours one acknowledges once per conversation', async () => {
    await seedAutomationDemo(db(), null);
    const { items } = (await (await t.request('/api/automation/rules', { headers: supervisor.headers })).json()) as { items: object[] };
    expect(items).toHaveLength(2);
    for (const rule of items) expect(RuleInputSchema.safeParse(rule).success).toBe(true);
    // Sunday 03:00 in Shanghai is outside the demo schedule; the escalation rule needs a threat.
    const afterHours = await db()
      .selectFrom('automation_rules')
      .select(['id', 'conditions'])
      .where('name', 'like', '%After-hours%')
      .executeTakeFirstOrThrow();
    const inbox = await t.inbox('api');
    const { id } = await open(inbox, CALM);
    const replies = await db()
      .selectFrom('messages')
      .select('body')
      .where('conversation_id', '=', id)
      .where('type', '=', 'outgoing')
      .execute();
    const conditions = afterHours.conditions as { conditions: { type: string; schedule?: Parameters<typeof isWithinSchedule>[0] }[] };
    const schedule = conditions.conditions.find((c) => c.type === 'business_hours')?.schedule;
    expect(schedule).toBeDefined();
    const open_ = schedule ? isWithinSchedule(schedule, new Date()) : true;
    expect(replies).toHaveLength(open_ ? 0 : 1);
    if (!open_) expect(replies[0]?.body).toContain('非工作时间');
  });

  it('documents the routing and automation API in OpenAPI', async () => {
    const res = await t.request('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/automation/rules',
        '/api/automation/rules/{id}/dry-run',
        '/api/automation/firings',
        '/api/routing/queues',
        '/api/routing/agents',
        '/api/routing/me/presence',
        '/api/routing/conversations/{id}/route',
      ]),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['AutomationCondition', 'AutomationAction', 'RoutingQueue']),
    );
  });

  it('an assignment rule wins over routing; routing takes the rest', async () => {
    const team = await t.team();
    const inbox = await t.inbox('api', team);
    const member = await t.login('agent', [team]);
    await t.request('/api/routing/me/presence', { method: 'PUT', headers: member.headers, body: { presence: 'online' } });
    await t.request('/api/routing/queues', { method: 'POST', headers: supervisor.headers, body: { name: 'q', inboxId: inbox } });
    await createRule({
      name: 'VIP to the lead',
      event: 'message.analyzed',
      conditions: { conditions: [{ type: 'text', contains: ['VIP'] }] },
      actions: [{ type: 'assign', userId: supervisor.id }],
    });
    expect((await load((await open(inbox, '我是VIP客户，查订单')).id)).assignee_id).toBe(supervisor.id);
    expect((await load((await open(inbox, CALM)).id)).assignee_id).toBe(member.id);
  });
});
