import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeMessage } from '../jobs/analyze.js';
import { json } from '../db/schema.js';
import type { PlatformEvent } from '../realtime/bus.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { checkPromises } from './tracking.js';

const HOUR = 3_600_000;

interface TrackedPromise {
  id: string;
  conversationId: string;
  agentId: string | null;
  text: string;
  duePhrase: string;
  dueAt: string;
  dueKnown: boolean;
  status: string;
}

describe.each(DATABASES)('promise tracking on %s', (database) => {
  let t: TestPlatform;
  let admin: { id: string; headers: Record<string, string> };
  let agent: { id: string; headers: Record<string, string> };
  let teammate: { id: string; headers: Record<string, string> };
  let outsider: { id: string; headers: Record<string, string> };
  let team: string;
  let inbox: string;
  const events: PlatformEvent[] = [];

  const open = async (body: string): Promise<{ id: string; customerId: string }> => {
    const res = await t.request('/api/conversations', {
      method: 'POST',
      headers: admin.headers,
      body: { inboxId: inbox, customer: { name: '王先生', identities: [] }, subject: '宽带故障', message: { body } },
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { conversation: { id: string; customerId: string } }).conversation;
  };
  const reply = async (id: string, body: string, who = agent): Promise<{ id: string; createdAt: string }> => {
    const res = await t.request(`/api/conversations/${id}/messages`, { method: 'POST', headers: who.headers, body: { body } });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; createdAt: string };
  };
  const promisesOf = async (id: string, headers = agent.headers): Promise<TrackedPromise[]> => {
    const res = await t.request(`/api/conversations/${id}/promises`, { headers });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: TrackedPromise[] }).items;
  };
  const patch = (id: string, body: object, headers = agent.headers) => t.request(`/api/promises/${id}`, { method: 'PATCH', headers, body });

  beforeAll(async () => {
    t = await createTestPlatform(database);
    team = await t.team();
    inbox = await t.inbox('api', team);
    admin = await t.login('admin');
    agent = await t.login('agent', [team]);
    teammate = await t.login('agent', [team]);
    outsider = await t.login('agent', [await t.team()]);
    t.deps.bus.subscribe((event) => events.push(event));
    // Around the clock in Beijing time, so "by Friday" means Friday 18:00 there.
    const calendar = await t.request('/api/sla/calendars/default', {
      method: 'PUT',
      headers: admin.headers,
      body: { timeZone: 'Asia/Shanghai', hours: [], holidays: [], workdays: [], autoExpectation: false },
    });
    expect(calendar.status).toBe(200);
  });
  afterAll(() => t.close());

  it('tracks the promise in a real agent reply through the analysis job, with its due time', async () => {
    const conversation = await open('网络断了三天了，到底什么时候能修好？');
    const sent = await reply(conversation.id, '非常抱歉让您等了这么久。我会在48小时内给您回电，告诉您维修进度。');
    await t.runner.drain();
    const items = await promisesOf(conversation.id);
    expect(items).toEqual([
      expect.objectContaining({
        agentId: agent.id,
        duePhrase: '48小时内',
        dueKnown: true,
        status: 'open',
        dueAt: new Date(new Date(sent.createdAt).getTime() + 48 * HOUR).toISOString(),
      }),
    ]);
    expect(items[0]?.text).toContain('我会在48小时内给您回电');
    // Re-analysing the reply (a backfill) adds nothing.
    await analyzeMessage(t.deps, sent.id);
    expect(await promisesOf(conversation.id)).toHaveLength(1);
  });

  it("lists an English promise on the agent's list and the customer 360, and not on someone else's", async () => {
    const conversation = await open('My invoice is wrong, I was charged twice.');
    const sent = await reply(conversation.id, "I'm sorry about the double charge. I'll email you the corrected invoice by Friday.");
    await t.runner.drain();
    const [promise] = await promisesOf(conversation.id);
    expect(promise).toMatchObject({ duePhrase: 'by Friday', dueKnown: true });
    const due = new Date(promise?.dueAt ?? 0);
    // Friday 18:00 Beijing time, within the coming week.
    expect(due.getUTCDay()).toBe(5);
    expect(due.getUTCHours()).toBe(10);
    expect(due.getTime() - new Date(sent.createdAt).getTime()).toBeLessThanOrEqual(7 * 24 * HOUR);

    const mine = await t.request('/api/promises', { headers: agent.headers });
    expect(((await mine.json()) as { items: TrackedPromise[] }).items.map((p) => p.id)).toContain(promise?.id);
    const theirs = await t.request('/api/promises', { headers: teammate.headers });
    expect(((await theirs.json()) as { items: TrackedPromise[] }).items).toEqual([]);
    expect((await t.request('/api/promises?agent=all', { headers: agent.headers })).status).toBe(403);
    const all = await t.request(`/api/promises?agent=${agent.id}`, { headers: admin.headers });
    expect(((await all.json()) as { items: TrackedPromise[] }).items.length).toBeGreaterThanOrEqual(2);

    const profile = await t.request(`/api/customers/${conversation.customerId}`, { headers: agent.headers });
    const summary = ((await profile.json()) as { summary: { trackedPromises: TrackedPromise[] } }).summary;
    expect(summary.trackedPromises.map((p) => p.id)).toEqual([promise?.id]);
  });

  it('reminds before due and alerts when overdue, once each, until the promise is kept', async () => {
    await t.deps.db.kysely
      .insertInto('webhooks')
      .values({ url: 'http://127.0.0.1:9/hook', secret: 'x', events: json(['promise.overdue', 'promise.due_soon']) })
      .execute();
    const conversation = await open('退款什么时候到？');
    await reply(conversation.id, '我们会在2小时内给您回复退款进度。');
    await t.runner.drain();
    const [promise] = await promisesOf(conversation.id);
    if (!promise) throw new Error('no promise');
    const due = new Date(promise.dueAt).getTime();
    const at = (minutes: number) => new Date(due + minutes * 60_000);
    const only = (alerts: { promiseId: string }[]) => alerts.filter((a) => a.promiseId === promise.id);

    expect(only((await checkPromises(t.deps, at(-90))).reminders)).toEqual([]);
    events.length = 0;
    const soon = await checkPromises(t.deps, at(-30));
    expect(only(soon.reminders)).toEqual([expect.objectContaining({ kind: 'promise_due_soon', agentId: agent.id })]);
    expect(events.filter((e) => (e.data as { promiseId?: string }).promiseId === promise.id)).toEqual([
      expect.objectContaining({ type: 'alert.raised', conversationId: conversation.id, teamId: team }),
    ]);
    expect(only((await checkPromises(t.deps, at(-20))).reminders)).toEqual([]);
    const late = await checkPromises(t.deps, at(1));
    expect(only(late.overdue)).toEqual([expect.objectContaining({ kind: 'promise_overdue', severity: 'warning' })]);
    expect(only((await checkPromises(t.deps, at(60))).overdue)).toEqual([]);
    expect((await promisesOf(conversation.id))[0]?.status).toBe('overdue');
    const overdueList = await t.request('/api/promises?status=overdue', { headers: agent.headers });
    expect(((await overdueList.json()) as { items: TrackedPromise[] }).items.map((p) => p.id)).toContain(promise.id);

    // Moved to a later time, it is reminded and alerted again then; once kept, never.
    const moved = await patch(promise.id, { dueAt: new Date(due + 24 * HOUR).toISOString() });
    expect(moved.status).toBe(200);
    expect(((await moved.json()) as TrackedPromise).status).toBe('open');
    const kept = await patch(promise.id, { status: 'fulfilled', note: '已回电' });
    expect(((await kept.json()) as TrackedPromise).status).toBe('fulfilled');
    const after = await checkPromises(t.deps, new Date(due + 48 * HOUR));
    expect(only([...after.reminders, ...after.overdue])).toEqual([]);

    const queued = await t.deps.db.kysely.selectFrom('jobs').select('payload').where('kind', '=', 'webhook_event').orderBy('id').execute();
    const hooks = queued
      .map((j) => j.payload as { event: string; data: { promiseId: string } })
      .filter((p) => p.data.promiseId === promise.id)
      .map((p) => p.event);
    expect(hooks).toEqual(['promise.due_soon', 'promise.overdue']);
    const audit = await t.deps.db.kysely.selectFrom('audit_log').select('action').where('target_id', '=', promise.id).execute();
    expect(audit).toHaveLength(2);
    await t.deps.db.kysely.deleteFrom('webhooks').execute();
  });

  it('only people who may see and handle the conversation change a promise', async () => {
    const conversation = await open('快递丢了');
    await reply(conversation.id, '我会在明天下午3点前给您回复赔付结果。');
    await t.runner.drain();
    const [promise] = await promisesOf(conversation.id);
    if (!promise) throw new Error('no promise');
    expect((await t.request(`/api/conversations/${conversation.id}/promises`, { headers: outsider.headers })).status).toBe(404);
    expect((await patch(promise.id, { status: 'cancelled' }, outsider.headers)).status).toBe(404);
    const qa = await t.login('qa');
    expect((await patch(promise.id, { status: 'cancelled' }, qa.headers)).status).toBe(403);
    // A teammate who neither made the promise nor handles the conversation may not close it.
    expect((await patch(promise.id, { status: 'cancelled' }, teammate.headers)).status).toBe(403);
    expect((await patch(promise.id, { status: 'cancelled' }, admin.headers)).status).toBe(200);
  });
});
