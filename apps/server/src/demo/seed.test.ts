import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { DemoDataSchema, loadDemoData } from './demo-data.js';
import raw from './scenarios.json' with { type: 'json' };
import { createRandom } from '@tongli/engine';
import { planConversations } from './plan.js';
import { seedDemo, type DemoCredentials } from './seed.js';

const NOW = new Date('2025-03-14T09:00:00Z');
/** The default size of the demo. */
const CONVERSATIONS = 300;
const ALERT_SIGNALS = ['abuse', 'threat', 'self_harm', 'escalation_threat'];

describe('demo scenarios', () => {
  it('validates against the schema', () => {
    expect(() => DemoDataSchema.parse(raw)).not.toThrow();
    expect(loadDemoData().scenarios.length).toBeGreaterThanOrEqual(8);
  });

  it('rejects a scenario without Chinese openers or with an unknown team', () => {
    const data = loadDemoData();
    const [first] = data.scenarios;
    if (!first) throw new Error('no scenario');
    const broken = { ...first, customer: { ...first.customer, opening: { zh: [], en: ['hi'] } } };
    expect(DemoDataSchema.safeParse({ ...data, scenarios: [broken] }).success).toBe(false);
    expect(DemoDataSchema.safeParse({ ...data, scenarios: [{ ...first, team: 'nowhere' }] }).success).toBe(false);
  });
});

describe('demo plan', () => {
  it('is the same for the same seed and differs for another', () => {
    const data = loadDemoData();
    const texts = (seed: number): string[] =>
      planConversations(data, createRandom(seed), NOW, 40).flatMap((c) => c.messages.map((m) => `${m.at.toISOString()} ${m.text}`));
    expect(texts(1)).toEqual(texts(1));
    expect(texts(2)).not.toEqual(texts(1));
  });

  it('fills the variables of agent replies with names', () => {
    const plans = planConversations(loadDemoData(), createRandom(3), NOW, 100);
    const texts = plans.flatMap((c) => c.messages.map((m) => m.text));
    expect(texts.some((t) => t.includes('{{'))).toBe(false);
    const zhAddressed = plans.filter((c) => c.lang === 'zh').flatMap((c) => c.messages.map((m) => m.text));
    expect(zhAddressed.some((t) => /^[\u4e00-\u9fff](女士|先生)，/.test(t))).toBe(true);
  });
});

describe.each(DATABASES)('seedDemo on %s', (database) => {
  let t: TestPlatform;
  let credentials: DemoCredentials | undefined;

  beforeAll(async () => {
    t = await createTestPlatform(database);
    credentials = await seedDemo(t.deps, { now: NOW });
    await t.runner.drain();
  }, 120_000);
  afterAll(async () => t.close());

  it('seeds the default 300 conversations', async () => {
    expect(await count(t, 'conversations')).toBe(300);
  });

  it('seeds once: a second run does nothing', async () => {
    const before = await count(t, 'conversations');
    expect(await seedDemo(t.deps, { conversations: CONVERSATIONS, now: NOW })).toBeUndefined();
    expect(await count(t, 'conversations')).toBe(before);
    expect(before).toBe(CONVERSATIONS);
  });

  it('creates staff of every role with strong random passwords', async () => {
    if (!credentials) throw new Error('not seeded');
    const roles = credentials.map((c) => c.role);
    for (const role of ['admin', 'supervisor', 'qa'] as const) expect(roles.filter((r) => r === role)).toHaveLength(1);
    expect(roles.filter((r) => r === 'agent').length).toBeGreaterThanOrEqual(6);
    for (const c of credentials) expect(c.password.length).toBeGreaterThanOrEqual(12);
    expect(new Set(credentials.map((c) => c.password)).size).toBe(credentials.length);
    const rows = await t.deps.db.kysely.selectFrom('users').select(['role', 'password_hash']).execute();
    expect(rows).toHaveLength(credentials.length);
    for (const row of rows) expect(row.password_hash).toMatch(/^scrypt\$/);
  });

  it('lets every demo user sign in', async () => {
    for (const c of credentials ?? []) {
      const response = await t.request('/api/auth/login', { method: 'POST', body: { email: c.email, password: c.password } });
      expect(response.status, c.email).toBe(200);
      expect(((await response.json()) as { role: string }).role).toBe(c.role);
    }
  });

  it('creates inboxes of every channel, canned replies and guidelines version 1', async () => {
    const db = t.deps.db.kysely;
    const inboxes = await db.selectFrom('inboxes').select(['channel', 'settings']).execute();
    expect(new Set(inboxes.map((i) => i.channel))).toEqual(new Set(['web', 'email', 'api', 'import']));
    expect(inboxes.find((i) => i.channel === 'email')?.settings).toMatchObject({ address: 'support@demo.tongli.local' });
    const canned = await db.selectFrom('canned_replies').select(['locale', 'body']).execute();
    expect(new Set(canned.map((c) => c.locale))).toEqual(new Set(['zh-CN', 'en']));
    expect(canned.some((c) => c.body.includes('{{customer.name}}'))).toBe(true);
    const guidelines = await db.selectFrom('guidelines').select(['version', 'content']).execute();
    expect(guidelines.map((g) => g.version)).toEqual([1]);
    expect(guidelines[0]?.content).toMatchObject({ doSay: expect.any(Array), dontSay: expect.any(Array), glossary: expect.any(Array) });
  });

  it('writes conversations in both languages (about two thirds Chinese) over the last 14 days', async () => {
    const db = t.deps.db.kysely;
    const rows = await db
      .selectFrom('conversations')
      .innerJoin('customers', 'customers.id', 'conversations.customer_id')
      .select(['customers.locale', 'conversations.status', 'conversations.created_at', 'conversations.assignee_id'])
      .execute();
    const zh = rows.filter((r) => r.locale === 'zh-CN').length;
    expect(zh / rows.length).toBeGreaterThan(0.5);
    expect(zh / rows.length).toBeLessThan(0.85);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['open', 'pending', 'resolved']));
    for (const r of rows) {
      expect(new Date(r.created_at).getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(new Date(r.created_at).getTime()).toBeGreaterThan(NOW.getTime() - 15 * 86_400_000);
    }
    const messages = await db.selectFrom('messages').select(['created_at']).where('type', 'in', ['incoming', 'outgoing']).execute();
    for (const m of messages) expect(new Date(m.created_at).getTime()).toBeLessThan(NOW.getTime());
  });

  it('analyses every conversation and evaluates every resolved one once the runner drains', async () => {
    const db = t.deps.db.kysely;
    const unanalysed = await db
      .selectFrom('messages')
      .leftJoin('message_analyses', 'message_analyses.message_id', 'messages.id')
      .select('messages.id')
      .where('messages.type', 'in', ['incoming', 'outgoing'])
      .where('message_analyses.message_id', 'is', null)
      .execute();
    expect(unanalysed).toHaveLength(0);
    expect(await count(t, 'conversation_analyses')).toBe(CONVERSATIONS);
    const resolved = await db.selectFrom('conversations').select('id').where('status', '=', 'resolved').execute();
    const evaluations = await db
      .selectFrom('evaluations')
      .select(['conversation_id', 'score', 'agent_id'])
      .where('kind', '=', 'auto')
      .execute();
    expect(new Set(evaluations.map((e) => e.conversation_id))).toEqual(new Set(resolved.map((r) => r.id)));
    // Skilled and unskilled agents: the scores spread.
    const scores = evaluations.map((e) => e.score);
    expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(20);
  });

  it('raises at least one supervisor alert signal', async () => {
    const rows = await t.deps.db.kysely.selectFrom('message_analyses').select('signals').execute();
    const signals = rows.flatMap((r) => r.signals as string[]);
    expect(signals.some((s) => ALERT_SIGNALS.includes(s))).toBe(true);
  });

  it('has customers who wrote on two channels', async () => {
    const rows = await t.deps.db.kysely
      .selectFrom('conversations')
      .innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id')
      .select(['conversations.customer_id', sql<number>`count(distinct inboxes.channel)::int`.as('channels')])
      .groupBy('conversations.customer_id')
      .execute();
    expect(rows.filter((r) => r.channels >= 2).length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(CONVERSATIONS);
  });
});

async function count(t: TestPlatform, table: 'conversations' | 'conversation_analyses'): Promise<number> {
  const row = await t.deps.db.kysely
    .selectFrom(table)
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}
