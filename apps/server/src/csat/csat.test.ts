import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailModule } from '../channels/email/index.js';
import { widgetModule } from '../channels/widget/index.js';
import { json } from '../db/schema.js';
import type { PlatformEvent } from '../realtime/bus.js';
import { openSocket, serveTestPlatform, type TestSocket } from '../realtime/ws-testing.js';
import { hashToken } from '../security/secrets.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { seedDemo } from '../demo/seed.js';
import { ratingFromSatisfaction } from './demo.js';
import { csatModule } from './module.js';
import { SURVEY_REQUESTS_PER_MINUTE } from './public-routes.js';
import type { CsatSurveyView } from './presenters.js';
import { pickSurveyLocale } from './texts.js';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" & \'single\'';
const TOKEN_IN_TEXT = /\/survey\/(cs_[\w-]{43})/;

/** An SMTP sink on an ephemeral port that keeps every message it receives, parsed. */
async function startSink(): Promise<{ url: string; received: ParsedMail[]; close(): Promise<void> }> {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Reads the form's nonce and the cookie the survey page set. */
function formSession(res: Response, html: string): { cookie: string; nonce: string } {
  const cookie = /tongli_survey=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  const nonce = /name="nonce" value="([^"]+)"/.exec(html)?.[1];
  if (!cookie || !nonce) throw new Error('the survey page set no nonce');
  return { cookie: `tongli_survey=${cookie}`, nonce };
}

describe('survey language', () => {
  it("follows the customer's locale, else the language of their last message, zh by default", () => {
    expect(pickSurveyLocale('en-GB', '我的订单')).toBe('en');
    expect(pickSurveyLocale('zh-CN', 'my order')).toBe('zh');
    expect(pickSurveyLocale(null, 'My parcel never arrived, can you check?')).toBe('en');
    expect(pickSurveyLocale(null, '快递三天没动了')).toBe('zh');
    expect(pickSurveyLocale(null, undefined)).toBe('zh');
  });
});

describe('demo surveys', () => {
  it('rate with the satisfaction estimate', () => {
    expect([0, 0.1, 0.5, 0.9, 1, null].map(ratingFromSatisfaction)).toEqual([1, 1, 3, 5, 5, 3]);
  });

  it('answer most surveys of resolved demo conversations, with analysed comments', async () => {
    const t = await createTestPlatform('pglite', { modules: [csatModule], jobs: false });
    try {
      await seedDemo(t.deps, { conversations: 60, now: new Date('2025-03-14T09:00:00Z') });
      const db = t.deps.db.kysely;
      const surveys = await db.selectFrom('csat_surveys').selectAll().execute();
      const resolved = await db
        .selectFrom('conversations')
        .innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id')
        .select('conversations.id')
        .where('conversations.status', '=', 'resolved')
        .where('inboxes.channel', 'in', ['web', 'email', 'api'])
        .execute();
      expect(surveys.length).toBe(resolved.length);
      expect(surveys.length).toBeGreaterThan(5);
      const answered = surveys.filter((s) => s.rating !== null);
      expect(answered.length / surveys.length).toBeGreaterThan(0.5);
      expect(answered.every((s) => s.answered_at !== null && s.answered_at > s.sent_at)).toBe(true);
      const commented = surveys.filter((s) => s.comment !== null);
      expect(commented.length).toBeGreaterThan(0);
      expect(commented.every((s) => typeof (s.comment_analysis as { emotion?: unknown }).emotion === 'string')).toBe(true);
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe.each(DATABASES)('CSAT surveys on %s', (database) => {
  let t: TestPlatform;
  let sink: Awaited<ReturnType<typeof startSink>>;
  let api: Record<string, string>;
  let agent: { id: string; headers: Record<string, string> };
  const events: PlatformEvent[] = [];
  let server: { url: string; wsUrl: string; close(): Promise<void> };
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    t = await createTestPlatform(database, { modules: [csatModule, emailModule, widgetModule] });
    server = await serveTestPlatform(t);
    sink = await startSink();
    t.deps.config.smtpOutUrl = sink.url;
    t.deps.bus.subscribe((event) => events.push(event));
    api = (await t.token('admin')).headers;
    agent = await t.login('agent');
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    // Closes the platform too.
    await server.close();
    await sink.close();
  });

  const db = () => t.deps.db.kysely;
  const surveyOf = (conversationId: string) =>
    db().selectFrom('csat_surveys').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
  const setStatus = async (conversationId: string, status: 'open' | 'resolved', headers = agent.headers) => {
    const res = await t.request(`/api/conversations/${conversationId}`, { method: 'PATCH', headers, body: { status } });
    expect(res.status).toBe(200);
  };
  /** A conversation in an inbox of the channel, opened by the customer with one message; resolved unless told. */
  const conversation = async (
    options: {
      channel?: 'api' | 'email' | 'web' | 'import';
      teamId?: string | null;
      body?: string;
      locale?: string;
      resolve?: boolean;
    } = {},
  ) => {
    const inboxId = await t.inbox(options.channel ?? 'api', options.teamId ?? null);
    const res = await t.request('/api/conversations', {
      method: 'POST',
      headers: api,
      body: {
        inboxId,
        customer: { name: '王先生', ...(options.locale ? { locale: options.locale } : {}) },
        subject: '订单问题',
        ...(options.teamId ? { teamId: options.teamId } : {}),
        message: { body: options.body ?? '我的快递三天没动了，请帮我查一下' },
      },
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { conversation: { id: string } }).conversation.id;
    await t.request(`/api/conversations/${id}`, { method: 'PATCH', headers: api, body: { assigneeId: agent.id } });
    if (options.resolve !== false) await setStatus(id, 'resolved');
    return id;
  };
  /** Sets a known token on a conversation's survey, after its delivery (which makes a token of its own), and returns it. */
  const knownToken = async (conversationId: string): Promise<string> => {
    await t.runner.drain();
    const token = `cs_${'A'.repeat(11)}${conversationId.replace(/-/g, '')}`.slice(0, 46);
    await db()
      .updateTable('csat_surveys')
      .set({ token_hash: hashToken(token) })
      .where('conversation_id', '=', conversationId)
      .execute();
    return token;
  };
  const openForm = async (token: string, query = '') => {
    const res = await t.request(`/survey/${token}${query}`);
    const html = await res.text();
    return { res, html };
  };
  const submit = (token: string, session: { cookie: string; nonce: string }, form: Record<string, string>) =>
    t.app.request(`/survey/${token}`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ nonce: session.nonce, ...form }).toString(),
    });

  it('emails one survey link when an email conversation is resolved, threaded, and never a second one', async () => {
    const inboxId = await t.inbox('email');
    await db()
      .updateTable('inboxes')
      .set({ settings: json({ address: 'help@shop.cn' }) })
      .where('id', '=', inboxId)
      .execute();
    const raw = [
      'From: Zhou <zhou@example.cn>',
      'To: help@shop.cn',
      'Subject: =?UTF-8?B?5Y+R56Wo6Zeu6aKY?=',
      'Message-ID: <csat-1@example.cn>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      '发票开错了，麻烦重开一张',
      '',
    ].join('\r\n');
    const inbound = await t.app.request(`/api/channels/email/${inboxId}/inbound`, {
      method: 'POST',
      headers: { ...api, 'content-type': 'message/rfc822' },
      body: raw,
    });
    expect(inbound.status).toBe(201);
    const conversationId = ((await inbound.json()) as { message: { conversationId: string } }).message.conversationId;
    await setStatus(conversationId, 'resolved', api);
    await t.runner.drain();

    const surveys = sink.received.filter((m) => m.subject?.startsWith('您对这次服务满意吗'));
    expect(surveys).toHaveLength(1);
    const mail = surveys[0]!;
    expect(mail.to).toMatchObject({ value: [{ address: 'zhou@example.cn' }] });
    expect(mail.inReplyTo).toBe('<csat-1@example.cn>');
    const token = TOKEN_IN_TEXT.exec(mail.text ?? '')?.[1];
    expect(token).toBeDefined();
    expect(mail.text).toContain(`/survey/${token}?rating=5`);
    const stored = await surveyOf(conversationId);
    expect(stored).toMatchObject({ channel: 'email', locale: 'zh', rating: null, answered_at: null });
    expect(stored?.delivered_at).not.toBeNull();
    // Only the hash is stored, nowhere the token itself (not in the job queue either).
    expect(stored?.token_hash).toBe(hashToken(token!));
    const jobs = await db().selectFrom('jobs').select('payload').where('kind', '=', 'csat_send').execute();
    expect(JSON.stringify(jobs)).not.toContain(token);

    // Reopened by the customer, resolved again: still the one survey, no second email.
    await setStatus(conversationId, 'open', api);
    await setStatus(conversationId, 'resolved', api);
    await t.runner.drain();
    expect(sink.received.filter((m) => m.subject?.startsWith('您对这次服务满意吗'))).toHaveLength(1);
    const count = await db()
      .selectFrom('csat_surveys')
      .select(db().fn.countAll().as('n'))
      .where('conversation_id', '=', conversationId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    expect((await openForm(token!)).res.status).toBe(200);
  });

  it('the link-scanner case: opening the link, even with a preselected rating, records nothing', async () => {
    const id = await conversation();
    const token = await knownToken(id);
    for (const query of ['', '?rating=1', '?rating=5', '?rating=<b>']) {
      const { res, html } = await openForm(token, query);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(html).toContain('<form method="post">');
      expect(html).not.toContain('<script');
    }
    expect((await openForm(token, '?rating=4')).html).toContain('value="4" checked');
    await t.request(`/survey/${token}?rating=1`, { method: 'HEAD' });
    // A scanner that even posts the form without having the page's nonce records nothing either.
    const blind = await t.app.request(`/survey/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'rating=1',
    });
    expect(blind.status).toBe(403);
    expect(await surveyOf(id)).toMatchObject({ rating: null, answered_at: null, comment: null });
  });

  it('refuses a cross-site post and asks for a rating before recording', async () => {
    const id = await conversation();
    const token = await knownToken(id);
    const { res, html } = await openForm(token);
    const session = formSession(res, html);
    const crossSite = await t.app.request(`/survey/${token}`, {
      method: 'POST',
      headers: { cookie: session.cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ nonce: session.nonce, rating: '1' }).toString(),
    });
    expect(crossSite.status).toBe(403);
    const huge = await submit(token, session, { rating: '5', comment: '长'.repeat(40_000) });
    expect(huge.status).toBe(413);
    const noRating = await submit(token, session, { comment: '还行' });
    expect(noRating.status).toBe(400);
    expect(await noRating.text()).toContain('请先选择一个评分');
    expect(await surveyOf(id)).toMatchObject({ rating: null, answered_at: null });
  });

  it('records an explicit submit once; a second submit shows "already answered" (409) and keeps the first', async () => {
    const id = await conversation();
    const token = await knownToken(id);
    const { res, html } = await openForm(token, '?rating=4');
    const session = formSession(res, html);
    const first = await submit(token, session, { rating: '4', comment: '处理得很快，谢谢' });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('感谢您的评价');
    const second = await submit(token, session, { rating: '1', comment: '改主意了' });
    expect(second.status).toBe(409);
    expect(await second.text()).toContain('这份调查已经提交过了');
    const apiAgain = await t.request(`/api/surveys/${token}`, { method: 'POST', body: { rating: 2 } });
    expect(apiAgain.status).toBe(409);
    expect(((await apiAgain.json()) as { error: { code: string } }).error.code).toBe('already_answered');
    expect(await surveyOf(id)).toMatchObject({ rating: 4, comment: '处理得很快，谢谢' });
    // The link now shows the answer given, with no form.
    const after = await openForm(token);
    expect(after.html).toContain('data-state="already-answered"');
    expect(after.html).not.toContain('<form');
  });

  it('stores exactly one answer when submits race', async () => {
    const id = await conversation();
    const token = await knownToken(id);
    const { res, html } = await openForm(token);
    const session = formSession(res, html);
    const forms = await Promise.all([1, 2, 3, 4, 5].map((rating) => submit(token, session, { rating: String(rating) })));
    expect(forms.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const winner = forms.findIndex((r) => r.status === 200) + 1;
    expect((await surveyOf(id))?.rating).toBe(winner);

    const other = await conversation();
    const otherToken = await knownToken(other);
    const posts = await Promise.all(
      [5, 4, 3, 2, 1, 5, 4, 3].map((rating) => t.request(`/api/surveys/${otherToken}`, { method: 'POST', body: { rating } })),
    );
    expect(posts.filter((r) => r.status === 200)).toHaveLength(1);
    expect(posts.filter((r) => r.status === 409)).toHaveLength(7);
    const answered = await surveyOf(other);
    expect(answered?.rating).not.toBeNull();
    const rows = await db().selectFrom('csat_surveys').select('id').where('conversation_id', '=', other).execute();
    expect(rows).toHaveLength(1);
  });

  it('escapes a hostile comment on the page and returns it as plain JSON data in the API', async () => {
    const id = await conversation();
    const token = await knownToken(id);
    const { res, html } = await openForm(token);
    const session = formSession(res, html);
    const thanks = await submit(token, session, { rating: '3', comment: HOSTILE });
    const page = await thanks.text();
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    const again = (await openForm(token)).html;
    expect(again).not.toContain('<img src=x');
    expect(again).toContain('&#60;img src=x onerror=alert(2)&#62; &#34;quoted&#34; &#38; &#39;single&#39;');
    const apiRes = await t.request(`/api/conversations/${id}/csat`, { headers: agent.headers });
    expect(apiRes.headers.get('content-type')).toContain('application/json');
    expect(((await apiRes.json()) as { survey: CsatSurveyView }).survey.comment).toBe(HOSTILE);
  });

  it('analyses the comment like a customer message, without reopening the conversation', async () => {
    const id = await conversation();
    const token = await knownToken(id);
    const res = await t.request(`/api/surveys/${token}`, {
      method: 'POST',
      body: { rating: 3, comment: '太气人了！你们这服务让我非常愤怒！！' },
    });
    expect(res.status).toBe(200);
    const { survey } = (await (await t.request(`/api/conversations/${id}/csat`, { headers: agent.headers })).json()) as {
      survey: CsatSurveyView;
    };
    expect(survey.commentAnalysis).toMatchObject({ emotion: 'anger', lang: 'zh' });
    expect(survey.commentAnalysis?.intensity).toBeGreaterThan(0.5);
    const row = await db().selectFrom('conversations').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('resolved');
    const messages = await db().selectFrom('messages').select('body').where('conversation_id', '=', id).execute();
    expect(messages.map((m) => m.body)).not.toContain('太气人了！你们这服务让我非常愤怒！！');
  });

  it('a low rating raises a low_csat alert for supervisors (bus and webhook); a good one does not', async () => {
    await db()
      .insertInto('webhooks')
      .values({ url: 'http://127.0.0.1:9/hook', secret: 'x', events: json(['alert.raised', 'csat.answered']) })
      .execute();
    const low = await conversation();
    const high = await conversation();
    events.length = 0;
    expect((await t.request(`/api/surveys/${await knownToken(low)}`, { method: 'POST', body: { rating: 1 } })).status).toBe(200);
    expect((await t.request(`/api/surveys/${await knownToken(high)}`, { method: 'POST', body: { rating: 5 } })).status).toBe(200);
    const alerts = events.filter((e) => e.type === 'alert.raised');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      conversationId: low,
      assigneeId: agent.id,
      data: { kind: 'low_csat', rating: 1, conversationId: low },
    });
    expect(events.filter((e) => e.type === 'csat.answered').map((e) => e.conversationId)).toEqual([low, high]);
    const queued = await db().selectFrom('jobs').select('payload').where('kind', '=', 'webhook_event').orderBy('id').execute();
    const sent = queued.map((j) => j.payload as { event: string; data: { conversation_id?: string; conversationId?: string } });
    expect(sent.filter((p) => p.event === 'alert.raised').map((p) => p.data.conversationId)).toEqual([low]);
    expect(sent.filter((p) => p.event === 'csat.answered').map((p) => p.data.conversation_id)).toEqual([low, high]);
    await db().deleteFrom('webhooks').execute();
  });

  it('API inboxes get a csat.requested webhook event with a working link', async () => {
    await db()
      .insertInto('webhooks')
      .values({ url: 'http://127.0.0.1:9/hook', secret: 'x', events: json(['csat.requested']) })
      .execute();
    const id = await conversation({ body: 'My refund has not arrived yet', locale: 'en' });
    await t.runner.drain();
    const deliveries = await db().selectFrom('webhook_deliveries').select('payload').where('event', '=', 'csat.requested').execute();
    const data = deliveries.map(
      (d) => (d.payload as { data: { conversation_id: string; url: string; locale: string; text: string } }).data,
    );
    const mine = data.filter((d) => d.conversation_id === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ locale: 'en' });
    expect(mine[0]?.text).toContain('Please rate our service');
    const token = TOKEN_IN_TEXT.exec(mine[0]!.url)?.[1];
    const { res, html } = await openForm(token!);
    expect(res.status).toBe(200);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('How satisfied are you');
    await db().deleteFrom('webhooks').execute();
  });

  it('unknown, malformed and expired links answer 404 and record nothing', async () => {
    expect((await openForm('nope')).res.status).toBe(404);
    expect((await openForm(`cs_${'x'.repeat(43)}`)).res.status).toBe(404);
    const id = await conversation();
    const token = await knownToken(id);
    await db()
      .updateTable('csat_surveys')
      .set({ sent_at: new Date(Date.now() - 31 * 86_400_000) })
      .where('conversation_id', '=', id)
      .execute();
    const expired = await openForm(token);
    expect(expired.res.status).toBe(404);
    expect(expired.html).toContain('这份调查不存在或已过期');
    expect((await t.request(`/api/surveys/${token}`, { method: 'POST', body: { rating: 5 } })).status).toBe(404);
    expect((await surveyOf(id))?.rating).toBeNull();
  });

  it('sends no survey for import inboxes, and none while the conversation is not resolved', async () => {
    const imported = await conversation({ channel: 'import' });
    expect(await surveyOf(imported)).toBeUndefined();
    const open = await conversation({ resolve: false });
    expect(await surveyOf(open)).toBeUndefined();
  });

  it('rate-limits the survey pages per client address', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.77' };
    const statuses: number[] = [];
    for (let i = 0; i <= SURVEY_REQUESTS_PER_MINUTE; i++) statuses.push((await t.request('/survey/nope', { headers })).status);
    expect(statuses.slice(0, SURVEY_REQUESTS_PER_MINUTE).every((s) => s === 404)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect((await t.request('/survey/nope', { headers: { 'x-forwarded-for': '203.0.113.78' } })).status).toBe(404);
  });

  it('shows results by role: agents their own, supervisors their teams, QA all; hidden conversations are 404', async () => {
    const teamA = await t.team();
    const teamB = await t.team();
    const agentA = await t.login('agent', [teamA]);
    const agentB = await t.login('agent', [teamB]);
    const supervisorA = await t.login('supervisor', [teamA]);
    const qa = await t.login('qa');
    const make = async (teamId: string, assignee: string, rating: number | null) => {
      const id = await conversation({ teamId, resolve: false });
      await t.request(`/api/conversations/${id}`, { method: 'PATCH', headers: api, body: { assigneeId: assignee } });
      await setStatus(id, 'resolved', api);
      if (rating !== null) await t.request(`/api/surveys/${await knownToken(id)}`, { method: 'POST', body: { rating } });
      return id;
    };
    const a1 = await make(teamA, agentA.id, 5);
    const a2 = await make(teamA, agentA.id, null);
    const b1 = await make(teamB, agentB.id, 2);

    const list = async (headers: Record<string, string>, query = '') => {
      const res = await t.request(`/api/csat${query}`, { headers });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: (CsatSurveyView & { customerName: string })[] }).items.map((s) => s.conversationId);
    };
    expect((await list(agentA.headers)).sort()).toEqual([a1, a2].sort());
    // An agent cannot widen the filter to someone else.
    expect(await list(agentB.headers, `?agentId=${agentA.id}`)).toEqual([b1]);
    expect((await list(supervisorA.headers)).sort()).toEqual([a1, a2].sort());
    const all = await list(qa.headers);
    expect(all).toEqual(expect.arrayContaining([a1, a2, b1]));
    expect(await list(qa.headers, `?teamId=${teamB}&answered=true`)).toEqual([b1]);

    expect((await t.request(`/api/conversations/${a1}/csat`, { headers: agentB.headers })).status).toBe(404);
    expect((await t.request(`/api/conversations/${a1}/csat`, { headers: agentA.headers })).status).toBe(200);
    expect((await t.request('/api/csat')).status).toBe(401);

    const summary = await t.request(`/api/csat/summary?teamId=${teamA}&by=agent`, { headers: supervisorA.headers });
    expect(await summary.json()).toMatchObject({
      totals: { sent: 2, answered: 1, responseRate: 0.5, average: 5, distribution: [0, 0, 0, 0, 1] },
      groups: [{ id: agentA.id, sent: 2, answered: 1, average: 5 }],
    });
    // Team B is not supervisor A's: nothing of it shows in their summary.
    const hidden = await t.request(`/api/csat/summary?teamId=${teamB}`, { headers: supervisorA.headers });
    expect(((await hidden.json()) as { totals: { sent: number } }).totals.sent).toBe(0);
  });

  describe('in the web chat widget', () => {
    const visitor = async (inboxId: string, hello: Record<string, unknown> = {}) => {
      const socket = await openSocket(`${server.wsUrl}/ws/widget?inbox=${inboxId}`);
      sockets.push(socket);
      socket.send({ type: 'hello', inboxId, lastSeq: 0, ...hello });
      const welcome = await socket.next((m) => m.type === 'welcome');
      return { socket, token: welcome.visitorToken as string };
    };
    const chat = async (socket: TestSocket, body: string) => {
      socket.send({ type: 'message', clientId: `c-${Math.random().toString(36).slice(2, 12)}`, body });
      const ack = await socket.next((m) => m.type === 'ack');
      const row = await db()
        .selectFrom('messages')
        .select('conversation_id')
        .where('id', '=', ack.messageId as string)
        .executeTakeFirstOrThrow();
      return row.conversation_id;
    };

    it("pushes the inline survey to the visitor's socket once, and records the answer once", async () => {
      const inboxId = await t.inbox('web');
      const { socket } = await visitor(inboxId);
      const conversationId = await chat(socket, 'I was charged twice for my order');
      await setStatus(conversationId, 'resolved', api);
      await t.runner.drain();
      const survey = await socket.next((m) => m.type === 'survey');
      expect(survey).toMatchObject({ conversationId, texts: { question: 'How satisfied are you with the help you received?' } });
      expect((survey.texts as { ratings: string[] }).ratings).toHaveLength(5);

      socket.send({ type: 'survey', conversationId, rating: 5, comment: HOSTILE });
      expect(await socket.next((m) => m.type === 'survey_done')).toMatchObject({ conversationId, text: 'Thank you for your feedback!' });
      socket.send({ type: 'survey', conversationId, rating: 1 });
      await socket.next((m) => m.type === 'survey_done');
      expect(await surveyOf(conversationId)).toMatchObject({ channel: 'web', rating: 5, comment: HOSTILE });
      // Resolved again after a reopen: no second survey.
      await setStatus(conversationId, 'open', api);
      await setStatus(conversationId, 'resolved', api);
      await t.runner.drain();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(socket.received.filter((m) => m.type === 'survey')).toHaveLength(1);
    });

    it('shows the survey after a reconnect to a visitor who was away, and to no one else', async () => {
      const inboxId = await t.inbox('web');
      const first = await visitor(inboxId);
      const conversationId = await chat(first.socket, '快递三天没动了');
      await first.socket.close();
      await setStatus(conversationId, 'resolved', api);
      await t.runner.drain();
      expect((await surveyOf(conversationId))?.delivered_at).not.toBeNull();

      const back = await visitor(inboxId, { visitorToken: first.token, lastSeq: 0 });
      expect(await back.socket.next((m) => m.type === 'survey')).toMatchObject({ conversationId, texts: { submit: '提交评价' } });

      // Another visitor neither sees it nor can answer it.
      const stranger = await visitor(inboxId);
      stranger.socket.send({ type: 'survey', conversationId, rating: 1 });
      expect(await stranger.socket.next((m) => m.type === 'error')).toMatchObject({ code: 'not_found' });
      expect(stranger.socket.received.some((m) => m.type === 'survey')).toBe(false);
      expect((await surveyOf(conversationId))?.rating).toBeNull();

      back.socket.send({ type: 'survey', conversationId, rating: 2, comment: '等太久了' });
      expect(await back.socket.next((m) => m.type === 'survey_done')).toMatchObject({ text: expect.stringContaining('很抱歉') as string });
      // Once answered it is not offered again.
      const later = await visitor(inboxId, { visitorToken: first.token, lastSeq: 0 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(later.socket.received.some((m) => m.type === 'survey')).toBe(false);
    });
  });
});
