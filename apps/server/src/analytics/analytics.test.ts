import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../db/schema.js';
import { seedDemo } from '../demo/seed.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { csvField, listBuckets, type Overview } from './overview.js';

const PERIOD = 'from=2025-03-01&to=2025-03-07';
const at = (iso: string, plusSeconds = 0): Date => new Date(new Date(iso).getTime() + plusSeconds * 1000);

describe('analytics helpers', () => {
  it('lists every day, and ISO weeks from the Monday before the start', () => {
    expect(listBuckets(new Date('2025-03-01T00:00:00Z'), new Date('2025-03-04T00:00:00Z'), 'day')).toEqual([
      '2025-03-01',
      '2025-03-02',
      '2025-03-03',
    ]);
    expect(listBuckets(new Date('2025-03-01T00:00:00Z'), new Date('2025-03-08T00:00:00Z'), 'week')).toEqual(['2025-02-24', '2025-03-03']);
  });

  it('quotes CSV fields and defuses formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(null)).toBe('');
    expect(csvField(1.5)).toBe('1.5');
  });
});

describe.each(DATABASES)('analytics on %s', (database) => {
  let t: TestPlatform;
  let supervisor: Record<string, string>;
  let teamA: string;
  let agentOne: string;

  beforeAll(async () => {
    t = await createTestPlatform(database, { jobs: false });
    const db = t.deps.db.kysely;
    teamA = await t.team('A');
    const teamB = await t.team('B');
    const web = await t.inbox('web', teamA);
    const email = await t.inbox('email', teamB);
    supervisor = (await t.login('supervisor')).headers;
    agentOne = (await t.login('agent', [teamA])).id;
    const agentTwo = (await t.login('agent', [teamB])).id;
    const customer = async (name: string) =>
      (await db.insertInto('customers').values({ name }).returning('id').executeTakeFirstOrThrow()).id;
    const [x, y, z] = [await customer('X'), await customer('Y'), await customer('Z')];
    const conversation = async (values: {
      inbox: string;
      team: string;
      customer: string;
      created: string;
      firstResponse?: number;
      resolved?: number;
      subject?: string;
      tags?: string[];
    }) =>
      (
        await db
          .insertInto('conversations')
          .values({
            inbox_id: values.inbox,
            team_id: values.team,
            customer_id: values.customer,
            subject: values.subject ?? '',
            tags: json(values.tags ?? []),
            status: values.resolved === undefined ? 'open' : 'resolved',
            created_at: at(values.created),
            first_response_at: values.firstResponse === undefined ? null : at(values.created, values.firstResponse),
            resolved_at: values.resolved === undefined ? null : at(values.created, values.resolved),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    // X comes back two days after c1 (c1 is not a first-contact resolution; c2 is); Z's c4 is.
    const c1 = await conversation({
      inbox: web,
      team: teamA,
      customer: x,
      created: '2025-03-01T10:00:00Z',
      firstResponse: 60,
      resolved: 600,
      subject: '退款太慢',
      tags: ['refund', 'delivery'],
    });
    const c2 = await conversation({
      inbox: web,
      team: teamA,
      customer: x,
      created: '2025-03-03T10:00:00Z',
      firstResponse: 180,
      resolved: 1200,
    });
    const c3 = await conversation({
      inbox: email,
      team: teamB,
      customer: y,
      created: '2025-03-03T12:00:00Z',
      firstResponse: 300,
      subject: '快递丢了',
      tags: ['refund', '=HYPERLINK("x")'],
    });
    await conversation({ inbox: email, team: teamB, customer: z, created: '2025-03-06T08:00:00Z', firstResponse: 120, resolved: 3600 });
    await conversation({ inbox: web, team: teamA, customer: z, created: '2025-04-01T08:00:00Z', firstResponse: 9999, resolved: 99999 });

    const analysis = (
      id: string,
      empathy: number,
      satisfaction: number,
      label: string,
      turnaround: number,
      lastEmotion: string,
      risk: string[],
    ) => ({
      conversation_id: id,
      engine_version: 'test',
      lexicon_hash: 'test',
      last_emotion: lastEmotion,
      empathy_score: empathy,
      satisfaction,
      risk: json(risk),
      satisfaction_label: label,
      turnaround,
      result: json({ satisfaction: { label, score: satisfaction }, turnaround }),
    });
    await db
      .insertInto('conversation_analyses')
      .values([
        analysis(c1, 20, 0.1, 'neutral', 0.5, 'anger', ['abuse']),
        analysis(c2, 60, 0.5, 'satisfied', 1.1, 'satisfaction', []),
        analysis(c3, -20, -0.3, 'dissatisfied', 0.05, 'anger', []),
      ])
      .execute();

    const reply = async (conversationId: string, agentId: string, techniques: string[]) => {
      const message = await db
        .insertInto('messages')
        .values({ conversation_id: conversationId, type: 'outgoing', sender_type: 'agent', sender_id: agentId, body: 'reply' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('message_analyses')
        .values({
          message_id: message.id,
          conversation_id: conversationId,
          engine_version: 'test',
          lexicon_hash: 'test',
          result: json({ role: 'agent', agent: { techniques: techniques.map((id) => ({ id })) } }),
        })
        .execute();
    };
    await reply(c1, agentOne, ['sincere_apology', 'acknowledge_emotion']);
    await reply(c2, agentOne, ['sincere_apology']);
    await reply(c3, agentTwo, ['blunt_no']);
  }, 60_000);
  afterAll(async () => t.close());

  const overview = async (query: string): Promise<Overview> => {
    const response = await t.request(`/api/analytics/overview?${query}`, { headers: supervisor });
    expect(response.status).toBe(200);
    return (await response.json()) as Overview;
  };

  it('computes the period totals by hand-checkable numbers', async () => {
    const o = await overview(PERIOD);
    expect(o.csatSource).toBe('engine_estimate');
    expect(o.totals).toEqual({
      conversations: 4,
      csat: 0.333,
      satisfactionMean: 0.1,
      resolved: 3,
      fcr: 0.667,
      medianFirstResponseSeconds: 150,
      medianHandleSeconds: 1200,
      empathy: 20,
    });
    expect(o.series.map((s) => [s.bucket, s.conversations])).toEqual([
      ['2025-03-01', 1],
      ['2025-03-02', 0],
      ['2025-03-03', 2],
      ['2025-03-04', 0],
      ['2025-03-05', 0],
      ['2025-03-06', 1],
      ['2025-03-07', 0],
    ]);
    expect(o.series[2]).toMatchObject({ medianFirstResponseSeconds: 240, medianHandleSeconds: 1200, fcr: 1 });
    expect(o.series[1]).toMatchObject({ csat: null, fcr: null, medianFirstResponseSeconds: null, empathy: null });
  });

  it('fits the empathy/satisfaction trend server-side', async () => {
    const o = await overview(PERIOD);
    expect(o.scatter.n).toBe(3);
    expect(o.scatter.points).toHaveLength(3);
    expect(o.scatter.trend?.slope).toBeCloseTo(0.01, 6);
    expect(o.scatter.trend?.intercept).toBeCloseTo(-0.1, 6);
    expect(o.scatter.trend?.r).toBeCloseTo(1, 3);
  });

  it('counts techniques per agent, turnaround bins and anger drivers', async () => {
    const o = await overview(PERIOD);
    const one = o.techniques.agents.find((a) => a.agentId === agentOne);
    expect(one).toMatchObject({ total: 3, counts: { sincere_apology: 2, acknowledge_emotion: 1 } });
    expect(o.techniques.agents).toHaveLength(2);
    expect(o.techniques.catalogue.map((c) => c.id).sort()).toEqual(['acknowledge_emotion', 'blunt_no', 'sincere_apology']);
    expect(o.techniques.catalogue.find((c) => c.id === 'blunt_no')?.polarity).toBe('harmful');
    expect(o.turnaround).toHaveLength(10);
    expect(o.turnaround.filter((b) => b.count > 0).map((b) => [b.from, b.count])).toEqual([
      [0, 1],
      [0.4, 1],
      [1, 1],
    ]);
    expect(o.angerDrivers.conversations).toBe(2);
    expect(o.angerDrivers.tags[0]).toEqual({ key: 'refund', count: 2 });
    expect(o.angerDrivers.risks).toMatchObject([{ key: 'abuse', count: 1, name: { zh: expect.any(String), en: expect.any(String) } }]);
    expect(o.angerDrivers.terms.map((d) => d.key)).toEqual(expect.arrayContaining(['退款', '快递']));
  });

  it('filters by team, by channel, and buckets by week', async () => {
    const a = await overview(`${PERIOD}&teamId=${teamA}`);
    expect(a.totals).toMatchObject({ conversations: 2, medianFirstResponseSeconds: 120, resolved: 2, fcr: 0.5 });
    const mail = await overview(`${PERIOD}&channel=email`);
    expect(mail.totals).toMatchObject({ conversations: 2, medianFirstResponseSeconds: 210, resolved: 1, fcr: 1 });
    expect(mail.techniques.agents).toHaveLength(1);
    const week = await overview(`${PERIOD}&bucket=week`);
    expect(week.series.map((s) => [s.bucket, s.conversations])).toEqual([
      ['2025-02-24', 1],
      ['2025-03-03', 3],
    ]);
  });

  it('exports a chart as CSV with formulas defused', async () => {
    const response = await t.request(`/api/analytics/export.csv?${PERIOD}&chart=drivers`, { headers: supervisor });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toContain('tongli-drivers-2025-03-01-2025-03-07.csv');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith('kind,driver,conversations\r\n')).toBe(true);
    expect(text).toContain('tag,refund,2');
    expect(text).toContain(`tag,"'=HYPERLINK(""x"")",1`);
    const series = await (await t.request(`/api/analytics/export.csv?${PERIOD}&chart=series`, { headers: supervisor })).text();
    expect(series.trim().split('\r\n')).toHaveLength(8);
  });

  it('refuses agents and rejects bad periods', async () => {
    const agent = await t.login('agent', [teamA]);
    expect((await t.request(`/api/analytics/overview?${PERIOD}`, { headers: agent.headers })).status).toBe(403);
    expect((await t.request(`/api/analytics/export.csv?${PERIOD}&chart=series`, { headers: agent.headers })).status).toBe(403);
    expect((await t.request(`/api/analytics/overview?${PERIOD}`, { headers: (await t.token('agent')).headers })).status).toBe(403);
    expect((await t.request(`/api/analytics/overview?${PERIOD}`)).status).toBe(401);
    for (const role of ['qa', 'admin'] as const) {
      expect((await t.request(`/api/analytics/overview?${PERIOD}`, { headers: (await t.login(role)).headers })).status).toBe(200);
    }
    const bad = async (query: string) => {
      const response = await t.request(`/api/analytics/overview?${query}`, { headers: supervisor });
      return [response.status, ((await response.json()) as { error: { code: string } }).error.code];
    };
    expect(await bad('from=2024-01-01&to=2025-03-01')).toEqual([400, 'period_too_long']);
    expect(await bad('from=2025-03-05&to=2025-03-01')).toEqual([400, 'invalid_period']);
    expect(await bad('to=2025-03-01')).toEqual([400, 'invalid_input']);
    expect(await bad(`${PERIOD}&channel=fax`)).toEqual([400, 'invalid_input']);
    expect(await bad(`${PERIOD}&teamId=<script>`)).toEqual([400, 'invalid_input']);
    expect(await bad('from=2025-02-30&to=2025-03-01')).toEqual([400, 'invalid_input']);
  });

  it('documents both routes in OpenAPI', async () => {
    const spec = (await (await t.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/analytics/overview', '/api/analytics/export.csv']));
  });
});

describe.each(DATABASES)('analytics on the demo seed on %s', (database) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await createTestPlatform(database, { jobs: false });
    await seedDemo(t.deps, { conversations: 60, now: new Date('2025-03-14T09:00:00Z') });
  }, 120_000);
  afterAll(async () => t.close());

  it('has data for every chart', async () => {
    const { headers } = await t.login('supervisor');
    const started = performance.now();
    const response = await t.request('/api/analytics/overview?from=2025-02-28&to=2025-03-14', { headers });
    const ms = performance.now() - started;
    expect(response.status).toBe(200);
    const o = (await response.json()) as Overview;
    expect(o.totals.conversations).toBe(60);
    expect(o.totals.csat).not.toBeNull();
    expect(o.totals.medianFirstResponseSeconds).toBeGreaterThan(0);
    expect(o.scatter.n).toBeGreaterThan(10);
    expect(o.scatter.trend).not.toBeNull();
    expect(o.techniques.agents.length).toBeGreaterThan(0);
    expect(o.turnaround.reduce((sum, b) => sum + b.count, 0)).toBeGreaterThan(0);
    expect(o.angerDrivers.conversations).toBeGreaterThan(0);
    console.log(`analytics overview on 60 demo conversations (${database}): ${ms.toFixed(0)} ms`);
  });
});
