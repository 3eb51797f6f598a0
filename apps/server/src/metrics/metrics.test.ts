import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { json } from '../db/schema.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import type { MetricRow } from './compute.js';
import { defuse } from './export.js';
import { escapeHtml } from './report.js';
import { addDays, isoWeekOf, listDays, localDay, mondayOfIsoWeek, previousIsoWeek, startOfDay } from './time.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Asia/Shanghai has no daylight saving: the test's own day arithmetic is a fixed +8 h. */
const SHANGHAI = 8 * HOUR;
const shanghaiDay = (at: Date): string => new Date(at.getTime() + SHANGHAI).toISOString().slice(0, 10);
const HOSTILE_AGENT = '=HYPERLINK("http://evil.example","x")';
const HOSTILE_TEAM = '<script>alert("team")</script>';
const HOSTILE_TAG = '<img src=x onerror=alert(1)>';

describe('metrics calendar helpers', () => {
  it('turns local days and ISO weeks into instants in the time zone', () => {
    expect(startOfDay('2025-03-03', 'Asia/Shanghai').toISOString()).toBe('2025-03-02T16:00:00.000Z');
    expect(startOfDay('2025-03-30', 'Europe/London').toISOString()).toBe('2025-03-30T00:00:00.000Z');
    expect(startOfDay('2025-03-31', 'Europe/London').toISOString()).toBe('2025-03-30T23:00:00.000Z');
    expect(localDay(new Date('2025-03-02T16:00:00Z'), 'Asia/Shanghai')).toBe('2025-03-03');
    expect(localDay(new Date('2025-03-02T15:59:59Z'), 'Asia/Shanghai')).toBe('2025-03-02');
    expect(listDays('2025-02-27', '2025-03-02')).toEqual(['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(mondayOfIsoWeek('2025-W10')).toBe('2025-03-03');
    expect(mondayOfIsoWeek('2020-W53')).toBe('2020-12-28');
    expect(mondayOfIsoWeek('2021-W53')).toBeNull();
    expect(mondayOfIsoWeek('2025-W00')).toBeNull();
    expect(mondayOfIsoWeek('2025-10')).toBeNull();
    expect(isoWeekOf('2021-01-03').label).toBe('2020-W53');
    expect(isoWeekOf('2024-12-30').label).toBe('2025-W01');
    expect(isoWeekOf('2025-03-09').label).toBe('2025-W10');
    // Monday 00:30 in Shanghai is still Sunday in UTC: the previous week is the one before Shanghai's.
    expect(previousIsoWeek(new Date('2025-03-09T16:30:00Z'), 'Asia/Shanghai')).toBe('2025-W10');
  });

  it("reads the organisation's time zone from TONGLI_TIME_ZONE, Asia/Shanghai by default, and refuses unknown zones", () => {
    expect(loadConfig({}).timeZone).toBe('Asia/Shanghai');
    expect(loadConfig({ TONGLI_TIME_ZONE: 'Europe/London' }).timeZone).toBe('Europe/London');
    expect(() => loadConfig({ TONGLI_TIME_ZONE: 'Mars/Olympus' })).toThrow(/TONGLI_TIME_ZONE/);
  });

  it('defuses formula-like cells and escapes HTML', () => {
    expect(defuse('=1+1')).toBe("'=1+1");
    expect(defuse('+86 138')).toBe("'+86 138");
    expect(defuse('-5')).toBe("'-5");
    expect(defuse('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(defuse('王芳')).toBe('王芳');
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

/** One seeded conversation, with everything the metrics read. */
interface Fixture {
  id?: string;
  team: string | null;
  agent: string | null;
  customer: string;
  created: Date;
  /** Seconds to the first response. */
  firstResponse?: number;
  /** Seconds to the (last) resolution; absent: still open. */
  resolved?: number;
  /** Resolved, then the customer wrote again, then resolved again (at `resolved`). */
  reopened?: boolean;
  tags: string[];
  subject: string;
  analysis?: { empathy: number; peak: number; turnaround: number; risk: string[]; lastEmotion: string };
  /** A CSAT survey: its rating, or null when sent and not answered. */
  csat?: number | null;
}

/** A small deterministic generator (mulberry32), so the dataset is the same on every run. */
function createRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** PostgreSQL's percentile_cont, written out: linear interpolation between the closest ranks. */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

/** The metrics of a group of fixtures, computed here from the fixtures alone (not with the server's SQL). */
function expectedRow(group: Fixture[], all: Fixture[]): Omit<MetricRow, 'key' | 'name'> {
  const resolved = group.filter((f) => f.resolved !== undefined);
  const firstResolution = (f: Fixture): number => f.created.getTime() + (f.reopened ? 3600 : f.resolved!) * 1000;
  const fcr = resolved.filter(
    (f) =>
      !f.reopened &&
      !all.some(
        (n) =>
          n !== f &&
          n.customer === f.customer &&
          n.created.getTime() > f.created.getTime() &&
          n.created.getTime() <= firstResolution(f) + 7 * DAY &&
          n.tags.some((tag) => f.tags.includes(tag)),
      ),
  );
  const ratings = group.flatMap((f) => (typeof f.csat === 'number' ? [f.csat] : []));
  const analysed = group.flatMap((f) => (f.analysis ? [f.analysis] : []));
  const eligible = analysed.filter((a) => a.peak < 0);
  const abusive = analysed.filter((a) => a.risk.includes('abuse') || a.risk.includes('threat'));
  const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
  const firstResponses = group.flatMap((f) => (f.firstResponse === undefined ? [] : [f.firstResponse]));
  const handles = resolved.map((f) => f.resolved!);
  return {
    conversations: group.length,
    resolved: resolved.length,
    csatAverage: ratings.length === 0 ? null : ratings.reduce((a, b) => a + b, 0) / ratings.length,
    csatResponses: ratings.length,
    fcrCount: fcr.length,
    fcrRate: share(fcr.length, resolved.length),
    firstResponseMedianSeconds: percentile(firstResponses, 0.5),
    firstResponseP90Seconds: percentile(firstResponses, 0.9),
    handleMedianSeconds: percentile(handles, 0.5),
    handleP90Seconds: percentile(handles, 0.9),
    empathyAverage: analysed.length === 0 ? null : analysed.reduce((a, b) => a + b.empathy, 0) / analysed.length,
    turnaroundEligible: eligible.length,
    turnaroundCount: eligible.filter((a) => a.turnaround > 0).length,
    turnaroundRate: share(eligible.filter((a) => a.turnaround > 0).length, eligible.length),
    abusiveConversations: abusive.length,
    abusiveRate: share(abusive.length, group.length),
  };
}

/** Equal up to the rounding the API applies (rates 3 decimals, seconds and empathy 1, CSAT 2). */
function expectRow(actual: MetricRow | undefined, expected: Omit<MetricRow, 'key' | 'name'>, label: string): void {
  expect(actual, label).toBeDefined();
  for (const [field, value] of Object.entries(expected) as [keyof typeof expected, number | null][]) {
    const got = actual![field];
    if (value === null || got === null) expect(got, `${label} ${field}`).toBe(value);
    else expect(Math.abs((got as number) - value), `${label} ${field}: ${String(got)} vs ${value}`).toBeLessThanOrEqual(0.051);
  }
}

/** A small CSV reader (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  return rows;
}

describe.each(DATABASES)('metrics on %s', (database) => {
  let t: TestPlatform;
  let admin: Record<string, string>;
  let teamA: string;
  let teamB: string;
  let agents: string[];
  let fcrAgent: string;
  let supervisorA: Record<string, string>;
  let agentHeaders: Record<string, string>;
  const fixtures: Fixture[] = [];
  const inRange: Fixture[] = [];
  const PERIOD = 'from=2025-02-24&to=2025-03-09';

  beforeAll(async () => {
    t = await createTestPlatform(database, { jobs: false });
    const db = t.deps.db.kysely;
    teamA = await t.team('A');
    teamB = await t.team(HOSTILE_TEAM);
    const inbox = await t.inbox('web', teamA);
    admin = (await t.login('admin')).headers;
    supervisorA = (await t.login('supervisor', [teamA])).headers;
    const a1 = await t.login('agent', [teamA]);
    agentHeaders = a1.headers;
    const a2 = (await t.login('agent', [teamA])).id;
    const a3 = (await t.login('agent', [teamB])).id;
    fcrAgent = (await t.login('agent', [teamB])).id;
    agents = [a1.id, a2, a3];
    await db.updateTable('users').set({ name: HOSTILE_AGENT }).where('id', '=', a3).execute();
    const teamOf = new Map([
      [a1.id, teamA],
      [a2, teamA],
      [a3, teamB],
    ]);
    let customers = 0;
    const customer = async (): Promise<string> =>
      (
        await db
          .insertInto('customers')
          .values({ name: `customer ${++customers}` })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;

    // Random conversations, each of its own customer, spread over two weeks (and just outside them).
    const random = createRandom(20250303);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const start = new Date('2025-02-23T16:00:00Z').getTime();
    for (let i = 0; i < 48; i++) {
      const agent = i % 11 === 0 ? null : pick(agents);
      const team = agent === null ? (i % 2 === 0 ? null : teamA) : (teamOf.get(agent) ?? null);
      const resolved = random() < 0.7 ? Math.round(300 + random() * 20_000) : undefined;
      fixtures.push({
        team,
        agent,
        customer: await customer(),
        created: new Date(start + Math.floor(random() * 14 * DAY)),
        ...(random() < 0.85 ? { firstResponse: Math.round(5 + random() * 900) } : {}),
        ...(resolved !== undefined ? { resolved } : {}),
        tags: [`topic-${i}`],
        subject: `random ${i}`,
        ...(random() < 0.8
          ? {
              analysis: {
                empathy: Math.round(random() * 200 - 100),
                peak: Math.round((random() * 2 - 1) * 100) / 100,
                turnaround: Math.round(random() * 150) / 100,
                risk: random() < 0.25 ? [pick(['abuse', 'threat', 'escalation_threat'])] : [],
                lastEmotion: pick(['anger', 'neutral', 'satisfaction']),
              },
            }
          : {}),
        ...(random() < 0.5 ? { csat: random() < 0.8 ? 1 + Math.floor(random() * 5) : null } : {}),
      });
    }
    // The day boundaries of the organisation's time zone: one minute before the period, and one minute after it.
    fixtures.push({
      team: teamA,
      agent: a1.id,
      customer: await customer(),
      created: new Date('2025-02-23T15:59:00Z'),
      tags: [],
      subject: '',
    });
    fixtures.push({
      team: teamA,
      agent: a1.id,
      customer: await customer(),
      created: new Date('2025-03-09T16:00:00Z'),
      tags: [],
      subject: '',
    });
    fixtures.push({
      team: teamA,
      agent: a1.id,
      customer: await customer(),
      created: new Date('2025-03-09T15:59:00Z'),
      firstResponse: 60,
      tags: [HOSTILE_TAG],
      subject: '',
      analysis: { empathy: -40, peak: -0.8, turnaround: 0, risk: ['abuse'], lastEmotion: 'anger' },
    });

    // First-contact resolution cases, all of one agent.
    const [p, q, r, s, u] = [await customer(), await customer(), await customer(), await customer(), await customer()];
    const base = new Date('2025-03-03T02:00:00Z').getTime();
    const fcrCase = (values: Omit<Fixture, 'team' | 'agent'>): Fixture => ({ team: teamB, agent: fcrAgent, ...values });
    fixtures.push(
      // P comes back on the same topic 3 days after the resolution: the first is no FCR, the second is.
      fcrCase({ customer: p, created: new Date(base), firstResponse: 30, resolved: 3600, tags: ['refund'], subject: '退款' }),
      fcrCase({
        customer: p,
        created: new Date(base + HOUR + 3 * DAY),
        firstResponse: 30,
        resolved: 600,
        tags: ['refund'],
        subject: '退款又来了',
      }),
      // Q comes back on the same topic 8 days after: still an FCR (the second is outside the period).
      fcrCase({ customer: q, created: new Date(base), firstResponse: 40, resolved: 3600, tags: ['billing'], subject: 'bill' }),
      fcrCase({ customer: q, created: new Date(base + HOUR + 8 * DAY), tags: ['billing'], subject: 'bill again' }),
      // R's conversation was reopened by the customer: no FCR.
      fcrCase({
        customer: r,
        created: new Date(base),
        firstResponse: 50,
        resolved: 3 * 3600,
        reopened: true,
        tags: ['warranty'],
        subject: 'w',
      }),
      // S comes back within 2 days on another topic: still an FCR.
      fcrCase({ customer: s, created: new Date(base), firstResponse: 60, resolved: 1800, tags: ['login'], subject: '登录失败' }),
      fcrCase({ customer: s, created: new Date(base + 2 * DAY), tags: ['invoice'], subject: '发票抬头' }),
      // U is back 5.9 days after the resolution on the same topic.
      fcrCase({ customer: u, created: new Date(base), firstResponse: 70, resolved: 600, tags: ['delivery'], subject: 'parcel' }),
      fcrCase({
        customer: u,
        created: new Date(base + 600_000 + 5.9 * DAY),
        firstResponse: 10,
        resolved: 60,
        tags: ['delivery'],
        subject: 'parcel!',
      }),
    );

    for (const f of fixtures) {
      const created = f.created;
      const resolvedAt = f.resolved === undefined ? null : new Date(created.getTime() + f.resolved * 1000);
      const row = await db
        .insertInto('conversations')
        .values({
          inbox_id: inbox,
          team_id: f.team,
          customer_id: f.customer,
          assignee_id: f.agent,
          subject: f.subject,
          tags: json(f.tags),
          status: resolvedAt ? 'resolved' : 'open',
          created_at: created,
          first_response_at: f.firstResponse === undefined ? null : new Date(created.getTime() + f.firstResponse * 1000),
          resolved_at: resolvedAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      f.id = row.id;
      if (f.reopened) {
        const message = (type: 'activity' | 'incoming', seconds: number, body: string) => ({
          conversation_id: row.id,
          type,
          sender_type: type === 'activity' ? ('system' as const) : ('customer' as const),
          body,
          metadata: json(type === 'activity' ? { changes: ['status:resolved'] } : {}),
          created_at: new Date(created.getTime() + seconds * 1000),
        });
        await db
          .insertInto('messages')
          .values([
            message('incoming', 0, '保修怎么办'),
            message('activity', 3600, 'status:resolved'),
            message('incoming', 7200, '还是不行'),
            message('activity', 3 * 3600, 'status:resolved'),
          ])
          .execute();
      }
      if (f.analysis) {
        await db
          .insertInto('conversation_analyses')
          .values({
            conversation_id: row.id,
            engine_version: 'test',
            lexicon_hash: 'test',
            last_emotion: f.analysis.lastEmotion,
            empathy_score: f.analysis.empathy,
            risk: json(f.analysis.risk),
            peak_sentiment: f.analysis.peak,
            turnaround: f.analysis.turnaround,
            result: json({ peak: { sentiment: f.analysis.peak }, turnaround: f.analysis.turnaround }),
          })
          .execute();
      }
      if (f.csat !== undefined) {
        await sql`insert into csat_surveys (conversation_id, token_hash, channel, agent_id, team_id, rating, answered_at)
          values (${row.id}, ${`hash-${row.id}`}, 'web', ${f.agent}, ${f.team}, ${f.csat}, ${f.csat === null ? null : created})`.execute(
          db,
        );
      }
    }
    const from = new Date('2025-02-23T16:00:00Z').getTime();
    const to = new Date('2025-03-09T16:00:00Z').getTime();
    inRange.push(...fixtures.filter((f) => f.created.getTime() >= from && f.created.getTime() < to));
  }, 120_000);
  afterAll(async () => t.close());

  const metrics = async (query: string, headers = admin): Promise<{ rows: MetricRow[]; totals: MetricRow }> => {
    const response = await t.request(`/api/metrics?${query}`, { headers });
    expect(response.status).toBe(200);
    return (await response.json()) as { rows: MetricRow[]; totals: MetricRow };
  };

  it('rolls up per agent as computed independently from the seeded conversations', async () => {
    const result = await metrics(`${PERIOD}&groupBy=agent`);
    for (const agent of [...agents, fcrAgent]) {
      expectRow(
        result.rows.find((r) => r.key === agent),
        expectedRow(
          inRange.filter((f) => f.agent === agent),
          fixtures,
        ),
        `agent ${agent}`,
      );
    }
    expectRow(
      result.rows.find((r) => r.key === null),
      expectedRow(
        inRange.filter((f) => f.agent === null),
        fixtures,
      ),
      'unassigned',
    );
    expect(result.rows).toHaveLength(5);
    expect(result.rows.find((r) => r.key === agents[2])?.name).toBe(HOSTILE_AGENT);
    expectRow(result.totals, expectedRow(inRange, fixtures), 'totals');
  });

  it('rolls up per team and per day in Asia/Shanghai days', async () => {
    const teams = await metrics(`${PERIOD}&groupBy=team`);
    for (const team of [teamA, teamB, null]) {
      expectRow(
        teams.rows.find((r) => r.key === team),
        expectedRow(
          inRange.filter((f) => f.team === team),
          fixtures,
        ),
        `team ${team}`,
      );
    }
    expect(teams.rows.find((r) => r.key === teamB)?.name).toBe(HOSTILE_TEAM);
    const days = await metrics(`${PERIOD}&groupBy=day`);
    expect(days.rows.map((r) => r.key)).toEqual(listDays('2025-02-24', '2025-03-09'));
    for (const row of days.rows) {
      expectRow(
        row,
        expectedRow(
          inRange.filter((f) => shanghaiDay(f.created) === row.key),
          fixtures,
        ),
        `day ${row.key}`,
      );
    }
    expect(days.rows.at(-1)?.conversations).toBeGreaterThan(0);
    expectRow(days.totals, expectedRow(inRange, fixtures), 'day totals');
  });

  it('counts first-contact resolution: reopen and same-topic contact within 7 days are not, 8 days later or another topic are', async () => {
    const row = (await metrics(`${PERIOD}&groupBy=agent&agentId=${fcrAgent}`)).rows;
    expect(row).toHaveLength(1);
    // Resolved: P1, P2, Q1, R, S1, U1, U2; first-contact: P2, Q1, S1, U2.
    expect(row[0]).toMatchObject({ key: fcrAgent, conversations: 8, resolved: 7, fcrCount: 4, fcrRate: 0.571 });
  });

  it('reads CSAT from the surveys: answered only, null without answers', async () => {
    const answered = inRange.filter((f) => typeof f.csat === 'number');
    expect(answered.length).toBeGreaterThan(3);
    const { totals } = await metrics(PERIOD);
    expect(totals.csatResponses).toBe(answered.length);
    const none = await metrics('from=2025-01-01&to=2025-01-02&groupBy=day');
    expect(none.totals).toMatchObject({ conversations: 0, csatAverage: null, csatResponses: 0, fcrRate: null, empathyAverage: null });
    expect(none.rows).toHaveLength(2);
  });

  it('scopes supervisors to their teams and agents to themselves', async () => {
    const teams = await metrics(`${PERIOD}&groupBy=team`, supervisorA);
    expect(teams.rows.map((r) => r.key)).toEqual([teamA]);
    expect(teams.totals.conversations).toBe(inRange.filter((f) => f.team === teamA).length);
    expect((await t.request(`/api/metrics?${PERIOD}&teamId=${teamB}`, { headers: supervisorA })).status).toBe(403);
    const own = await metrics(`${PERIOD}&groupBy=agent`, agentHeaders);
    expect(own.rows.map((r) => r.key)).toEqual([agents[0]]);
    expect(own.totals.conversations).toBe(inRange.filter((f) => f.agent === agents[0]).length);
    expect((await t.request(`/api/metrics?${PERIOD}&agentId=${agents[1]}`, { headers: agentHeaders })).status).toBe(403);
    expect((await t.request(`/api/metrics/export.csv?${PERIOD}`, { headers: agentHeaders })).status).toBe(403);
    expect((await t.request(`/api/reports/weekly?teamId=${teamA}&week=2025-W10`, { headers: agentHeaders })).status).toBe(403);
    expect((await t.request(`/api/reports/weekly?teamId=${teamB}&week=2025-W10`, { headers: supervisorA })).status).toBe(403);
    expect((await t.request(`/api/metrics?${PERIOD}`)).status).toBe(401);
    expect((await t.request('/api/metrics?from=2025-03-09&to=2025-03-01', { headers: admin })).status).toBe(400);
    expect((await t.request('/api/metrics?from=2024-01-01&to=2025-03-01', { headers: admin })).status).toBe(400);
  });

  it('exports CSV and XLSX that read back to the same figures, formulas defused', async () => {
    const table = await metrics(`${PERIOD}&groupBy=agent`);
    const csvResponse = await t.request(`/api/metrics/export.csv?${PERIOD}&groupBy=agent&lang=en`, { headers: admin });
    expect(csvResponse.status).toBe(200);
    expect(csvResponse.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await csvResponse.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const csv = parseCsv(text.slice(1));
    expect(csv[0]?.slice(0, 4)).toEqual(['ID', 'Agent', 'Conversations', 'Resolved']);
    expect(csv).toHaveLength(table.rows.length + 2);
    const hostile = csv.find((r) => r[0] === agents[2]);
    expect(hostile?.[1]).toBe(`'${HOSTILE_AGENT}`);
    expect(Number(hostile?.[2])).toBe(table.rows.find((r) => r.key === agents[2])?.conversations);
    expect(csv.at(-1)?.slice(0, 3)).toEqual(['*', 'Total', String(table.totals.conversations)]);

    const xlsxResponse = await t.request(`/api/metrics/export.xlsx?${PERIOD}&groupBy=agent&lang=zh`, { headers: admin });
    expect(xlsxResponse.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsxResponse.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    const values = (n: number): unknown[] => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1).slice(0, 3)).toEqual(['编号', '座席', '会话数']);
    expect(sheet.rowCount).toBe(table.rows.length + 2);
    for (let n = 2; n <= table.rows.length + 1; n++) {
      const [key, name, conversations, resolved, csatAverage, , , fcrRate] = values(n);
      const row = table.rows.find((r) => (r.key ?? '') === (key ?? ''));
      expect(row, String(key)).toBeDefined();
      expect(conversations).toBe(row?.conversations);
      expect(resolved).toBe(row?.resolved);
      expect(csatAverage ?? null).toBe(row?.csatAverage);
      expect(fcrRate ?? null).toBe(row?.fcrRate);
      if (key === agents[2]) expect(name).toBe(`'${HOSTILE_AGENT}`);
    }
    const audit = await t.deps.db.kysely.selectFrom('audit_log').select('action').where('action', '=', 'metrics.exported').execute();
    expect(audit).toHaveLength(2);
  });

  it('renders the weekly report as escaped, self-contained HTML with the previous week and anger drivers', async () => {
    const response = await t.request(`/api/reports/weekly?teamId=${teamB}&week=2025-W10&lang=en`, { headers: admin });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).not.toContain('<script');
    expect(html).toContain(escapeHtml(HOSTILE_TEAM));
    expect(html).toContain(escapeHtml(HOSTILE_AGENT));
    expect(html).toContain('2025-03-03 to 2025-03-09 (Asia/Shanghai)');
    const week = (monday: string) =>
      inRange.filter((f) => f.team === teamB && shanghaiDay(f.created) >= monday && shanghaiDay(f.created) <= addDays(monday, 6));
    const current = week('2025-03-03').length;
    const previous = week('2025-02-24').length;
    expect(html).toContain(`<th scope="row">Conversations</th><td>${current}</td><td>${previous}</td>`);
    expect(html).toMatch(/Per agent/);
    expect(html).not.toMatch(/<(img|iframe|link|script)\b/);

    const a = await t.request(`/api/reports/weekly?teamId=${teamA}&week=2025-W10&lang=zh`, { headers: supervisorA });
    expect(a.status).toBe(200);
    const zh = await a.text();
    expect(zh).toContain('座席明细');
    expect(zh).toContain(escapeHtml(HOSTILE_TAG));
    expect(zh).not.toContain(HOSTILE_TAG);
    expect((await t.request(`/api/reports/weekly?teamId=${teamA}&week=2025-W60`, { headers: admin })).status).toBe(400);
    expect((await t.request(`/api/reports/weekly?teamId=${crypto.randomUUID()}&week=2025-W10`, { headers: admin })).status).toBe(404);
  });
});
