import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../db/schema.js';
import type { PlatformEvent } from '../realtime/bus.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { createBusinessClock } from './business-time.js';
import { formatWhen } from './expectation.js';
import { checkSlas } from './ticker.js';

const MINUTE = 60_000;

interface ExpectationBody {
  id: string;
  reason: string;
  teamId: string | null;
  locale: string;
  dueAt: string;
  body: string;
  status: string;
  messageId: string | null;
}

describe.each(DATABASES)('SLAs and expectation-setting on %s', (database) => {
  let t: TestPlatform;
  let admin: { id: string; headers: Record<string, string> };
  let supervisor: { id: string; headers: Record<string, string> };
  let agent: { id: string; headers: Record<string, string> };
  let outsider: { id: string; headers: Record<string, string> };
  let team: string;
  let billing: string;
  let inbox: string;
  const events: PlatformEvent[] = [];

  const open = async (body: string, locale?: string): Promise<string> => {
    const res = await t.request('/api/conversations', {
      method: 'POST',
      headers: admin.headers,
      body: {
        inboxId: inbox,
        customer: { name: 'Customer', ...(locale ? { locale } : {}), identities: [] },
        subject: 'refund',
        message: { body },
      },
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { conversation: { id: string } }).conversation.id;
  };
  const waitingSince = async (id: string): Promise<Date> => {
    const row = await t.deps.db.kysely.selectFrom('conversations').select('waiting_since').where('id', '=', id).executeTakeFirstOrThrow();
    if (!row.waiting_since) throw new Error('not waiting');
    return row.waiting_since;
  };
  const reply = async (id: string, body: string, headers = agent.headers) =>
    t.request(`/api/conversations/${id}/messages`, { method: 'POST', headers, body: { body } });
  const slaOf = async (id: string, headers = agent.headers) => {
    const res = await t.request(`/api/conversations/${id}/sla`, { headers });
    return {
      status: res.status,
      body: (await res.json()) as { sla: { state: string; target: string; dueAt: string } | null; expectation: ExpectationBody | null },
    };
  };
  const putCalendar = (scope: string, body: object, headers = supervisor.headers) =>
    t.request(`/api/sla/calendars/${scope}`, { method: 'PUT', headers, body });
  const alwaysOpen = { timeZone: 'Asia/Shanghai', hours: [], holidays: [], workdays: [], autoExpectation: false };

  beforeAll(async () => {
    t = await createTestPlatform(database);
    team = await t.team('一线');
    billing = await t.team('账务组');
    inbox = await t.inbox('api', team);
    admin = await t.login('admin');
    supervisor = await t.login('supervisor');
    agent = await t.login('agent', [team]);
    outsider = await t.login('agent', [billing]);
    t.deps.bus.subscribe((event) => events.push(event));
    expect((await putCalendar('default', alwaysOpen)).status).toBe(200);
    const policy = await t.request('/api/sla/policies', {
      method: 'POST',
      headers: supervisor.headers,
      body: { inboxId: null, priority: null, firstResponseMinutes: 10, nextResponseMinutes: 60, warnPercent: 80 },
    });
    expect(policy.status).toBe(201);
  });
  afterAll(() => t.close());

  it('only supervisors and admins read and change the SLA configuration', async () => {
    expect((await t.request('/api/sla', { headers: agent.headers })).status).toBe(403);
    expect((await putCalendar('default', alwaysOpen, agent.headers)).status).toBe(403);
    const config = await t.request('/api/sla', { headers: supervisor.headers });
    expect(config.status).toBe(200);
    const body = (await config.json()) as {
      policies: unknown[];
      calendars: { inboxId: string | null }[];
      holidayData: { years: string[] };
    };
    expect(body.policies).toHaveLength(1);
    expect(body.calendars.map((c) => c.inboxId)).toEqual([null]);
    expect(body.holidayData.years).toEqual(['2026', '2027']);
    const bad = await putCalendar('default', { ...alwaysOpen, timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_calendar');
    const duplicate = await t.request('/api/sla/policies', {
      method: 'POST',
      headers: admin.headers,
      body: { firstResponseMinutes: 5, nextResponseMinutes: 5 },
    });
    expect(duplicate.status).toBe(409);
    const audit = await t.deps.db.kysely.selectFrom('audit_log').select('action').where('action', 'like', 'sla.%').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['sla.calendar', 'sla.policy_create']));
  });

  it('raises the warning once, the breach once, and nothing once the agent has answered', async () => {
    await t.deps.db.kysely
      .insertInto('webhooks')
      .values({ url: 'http://127.0.0.1:9/hook', secret: 'x', events: json(['sla.breached', 'sla.warning']) })
      .execute();
    const late = await open('我的退款还没到账');
    const answered = await open('请问怎么开发票');
    const since = await waitingSince(late);
    expect((await reply(answered, '您好，我来帮您开发票。')).status).toBe(201);
    const at = (minutes: number) => new Date(since.getTime() + minutes * MINUTE);
    const mine = (alerts: { conversationId: string; kind: string }[]) =>
      alerts.filter((a) => a.conversationId === late || a.conversationId === answered);

    expect(mine(await checkSlas(t.deps, at(7)))).toEqual([]);
    events.length = 0;
    const warned = mine(await checkSlas(t.deps, at(8.5)));
    expect(warned).toEqual([expect.objectContaining({ kind: 'sla_warning', conversationId: late, target: 'first_response' })]);
    // Analyses of the reply may be published meanwhile by the job runner: only alerts matter here.
    expect(events.filter((e) => e.type === 'alert.raised')).toEqual([
      expect.objectContaining({
        type: 'alert.raised',
        conversationId: late,
        teamId: team,
        data: expect.objectContaining({ kind: 'sla_warning' }),
      }),
    ]);
    expect(mine(await checkSlas(t.deps, at(9)))).toEqual([]);
    const breached = mine(await checkSlas(t.deps, at(11)));
    expect(breached).toEqual([expect.objectContaining({ kind: 'sla_breached', severity: 'critical', conversationId: late })]);
    expect(mine(await checkSlas(t.deps, at(30)))).toEqual([]);
    expect((await slaOf(late)).body.sla?.target).toBe('first_response');
    expect((await slaOf(answered)).body.sla).toBeNull();

    const queued = await t.deps.db.kysely.selectFrom('jobs').select('payload').where('kind', '=', 'webhook_event').orderBy('id').execute();
    const sent = queued.map((j) => j.payload as { event: string; data: { conversationId: string } });
    expect(sent.filter((p) => p.event.startsWith('sla.')).map((p) => [p.event, p.data.conversationId])).toEqual([
      ['sla.warning', late],
      ['sla.breached', late],
    ]);

    // The customer writes again after the answer: the next-response clock (60 minutes) starts.
    const api = (await t.token('admin')).headers;
    const customer = await t.request(`/api/conversations/${answered}/messages`, {
      method: 'POST',
      headers: api,
      body: { body: '还有一个问题', type: 'incoming' },
    });
    expect(customer.status).toBe(201);
    const again = await waitingSince(answered);
    expect(mine(await checkSlas(t.deps, new Date(again.getTime() + 30 * MINUTE)))).toEqual([]);
    expect(mine(await checkSlas(t.deps, new Date(again.getTime() + 61 * MINUTE)))).toEqual([
      expect.objectContaining({ kind: 'sla_breached', conversationId: answered, target: 'next_response' }),
    ]);
    await t.deps.db.kysely.deleteFrom('webhooks').execute();
  });

  it('lists SLA clocks for the inbox, only of conversations the caller may see', async () => {
    const id = await open('在吗？');
    const res = await t.request(`/api/sla/conversations?ids=${id}`, { headers: agent.headers });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { conversationId: string; state: string; targetMinutes: number }[] };
    expect(items).toEqual([expect.objectContaining({ conversationId: id, state: 'ok', targetMinutes: 10 })]);
    const hidden = await t.request(`/api/sla/conversations?ids=${id}`, { headers: outsider.headers });
    expect(((await hidden.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('proposes a message naming the team and a concrete time when a conversation is transferred (zh)', async () => {
    const id = await open('我被扣了两次款，太离谱了！');
    await t.runner.drain();
    const before = Date.now();
    const moved = await t.request(`/api/conversations/${id}`, { method: 'PATCH', headers: admin.headers, body: { teamId: billing } });
    expect(moved.status).toBe(200);
    const { body } = await slaOf(id, admin.headers);
    const proposal = body.expectation;
    expect(proposal).toMatchObject({ reason: 'transfer', teamId: billing, locale: 'zh', status: 'proposed' });
    // 60 business minutes (next-response target) from now on an always-open calendar, rounded up to the quarter hour.
    const due = new Date(proposal?.dueAt ?? 0).getTime();
    expect(due).toBeGreaterThanOrEqual(before + 60 * MINUTE);
    expect(due).toBeLessThanOrEqual(Date.now() + 75 * MINUTE);
    expect(due % (15 * MINUTE)).toBe(0);
    const clock = createBusinessClock(alwaysOpen);
    expect(proposal?.body).toContain('账务组');
    expect(proposal?.body).toContain(`${formatWhen(clock, new Date(), new Date(due), 'zh')}前`);
    // The agent who handed it over no longer sees it; the billing agent does, and sends it in one click.
    expect((await slaOf(id, agent.headers)).status).toBe(404);
    const sent = await t.request(`/api/sla/expectations/${proposal?.id}/send`, { method: 'POST', headers: outsider.headers, body: {} });
    expect(sent.status).toBe(200);
    const sentBody = (await sent.json()) as ExpectationBody;
    expect(sentBody.status).toBe('sent');
    const again = await t.request(`/api/sla/expectations/${proposal?.id}/send`, { method: 'POST', headers: outsider.headers, body: {} });
    expect(((await again.json()) as ExpectationBody).messageId).toBe(sentBody.messageId);
    const messages = await t.deps.db.kysely
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', id)
      .where('type', '=', 'outgoing')
      .execute();
    expect(messages.map((m) => [m.body, m.sender_id])).toEqual([[proposal?.body, outsider.id]]);
    expect((await slaOf(id, outsider.headers)).body.sla).toBeNull();
  });

  it('proposes an English message without a team when set to pending, and QA may not send it', async () => {
    const id = await open('Hi, my parcel never arrived.', 'en');
    const pending = await t.request(`/api/conversations/${id}`, { method: 'PATCH', headers: agent.headers, body: { status: 'pending' } });
    expect(pending.status).toBe(200);
    const proposal = (await slaOf(id)).body.expectation;
    expect(proposal).toMatchObject({ reason: 'pending', teamId: null, locale: 'en' });
    expect(proposal?.body).toMatch(
      /^Thank you for your patience\. We are checking this with a colleague, and you will hear from us by \d\d:\d\d/,
    );
    const qa = await t.login('qa');
    expect((await t.request(`/api/sla/expectations/${proposal?.id}/send`, { method: 'POST', headers: qa.headers, body: {} })).status).toBe(
      403,
    );
    const dismissed = await t.request(`/api/sla/expectations/${proposal?.id}/dismiss`, { method: 'POST', headers: agent.headers });
    expect(((await dismissed.json()) as ExpectationBody).status).toBe('dismissed');
    expect((await slaOf(id)).body.expectation).toBeNull();
    const late = await t.request(`/api/sla/expectations/${proposal?.id}/send`, { method: 'POST', headers: agent.headers, body: {} });
    expect(late.status).toBe(409);
  });

  it('proposes one after an internal note about checking with another team, and sends it on its own when set to', async () => {
    expect((await putCalendar(inbox, { ...alwaysOpen, autoExpectation: true })).status).toBe(200);
    const id = await open('发票抬头开错了，能重开吗');
    const note = await t.request(`/api/conversations/${id}/messages`, {
      method: 'POST',
      headers: agent.headers,
      body: { body: '已转给账务组确认能否重开发票', type: 'note' },
    });
    expect(note.status).toBe(201);
    let sent: { body: string; sender_type: string }[] = [];
    for (let i = 0; i < 100 && sent.length === 0; i++) {
      await t.runner.drain();
      sent = await t.deps.db.kysely
        .selectFrom('messages')
        .select(['body', 'sender_type'])
        .where('conversation_id', '=', id)
        .where('type', '=', 'outgoing')
        .execute();
      if (sent.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(sent).toEqual([{ body: expect.stringContaining('账务组') as string, sender_type: 'system' }]);
    const row = await t.deps.db.kysely
      .selectFrom('sla_expectations')
      .selectAll()
      .where('conversation_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ reason: 'note', status: 'sent', team_id: billing });
    expect((await t.request(`/api/sla/calendars/${inbox}`, { method: 'DELETE', headers: supervisor.headers })).status).toBe(204);
  });
});
