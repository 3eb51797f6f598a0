import type { ScorePoint } from '@tongli/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';
import { totalOf } from './scoring.js';

interface Detail {
  id: string;
  kind: string;
  score: number;
  status: string;
  agentId: string | null;
  basedOn: string | null;
  points: (ScorePoint & { override?: { previous: number; reason: string } })[];
}

describe.each(DATABASES)('QA evaluations on %s', (database) => {
  let t: TestPlatform;
  let agent: { id: string; headers: Record<string, string> };
  let qa: { id: string; headers: Record<string, string> };
  let conversationId: string;
  let auto: Detail;

  beforeAll(async () => {
    t = await createTestPlatform(database);
    const api = (await t.token('admin')).headers;
    agent = await t.login('agent');
    qa = await t.login('qa');
    const inbox = await t.inbox('api');
    const opened = await t.request('/api/conversations', {
      method: 'POST',
      headers: api,
      body: { inboxId: inbox, customer: { name: '王先生' }, message: { body: '我的快递丢了,你们到底管不管?太气人了!' } },
    });
    conversationId = ((await opened.json()) as { conversation: { id: string } }).conversation.id;
    const reply = await t.request(`/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: agent.headers,
      body: { body: '王先生,非常理解您的心情,包裹丢失确实让人着急。我马上为您查询,今天下午五点前给您答复。' },
    });
    expect(reply.status).toBe(201);
    const resolved = await t.request(`/api/conversations/${conversationId}`, {
      method: 'PATCH',
      headers: agent.headers,
      body: { status: 'resolved' },
    });
    expect(resolved.status).toBe(200);
    await t.runner.drain();
    const list = await t.request('/api/evaluations?kind=auto', { headers: qa.headers });
    const items = ((await list.json()) as { items: { id: string }[] }).items;
    expect(items).toHaveLength(1);
    auto = (await (await t.request(`/api/evaluations/${items[0]?.id}`, { headers: qa.headers })).json()) as Detail;
  });
  afterAll(() => t.close());

  it('shows the auto evaluation with its points and evidence, to QA and to the evaluated agent only', async () => {
    expect(auto.agentId).toBe(agent.id);
    expect(auto.points.length).toBeGreaterThan(0);
    expect(auto.points.some((p) => p.evidence.length > 0)).toBe(true);
    const own = await t.request('/api/evaluations', { headers: agent.headers });
    expect(((await own.json()) as { items: unknown[] }).items).toHaveLength(1);
    const other = await t.login('agent');
    expect(((await (await t.request('/api/evaluations', { headers: other.headers })).json()) as { items: unknown[] }).items).toEqual([]);
    expect((await t.request(`/api/evaluations/${auto.id}`, { headers: other.headers })).status).toBe(404);
    const filtered = await t.request(`/api/evaluations?minScore=${auto.score + 1}`, { headers: qa.headers });
    expect(((await filtered.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('recomputes the score from overridden points with the scorecard weights', async () => {
    const [first, second] = auto.points;
    if (!first || !second) throw new Error('scorecard needs two criteria');
    const overrides = [
      { criterion: first.criterion, score: first.score >= 0.5 ? 0 : 1, reason: 'reviewer disagrees', applicable: true },
      { criterion: second.criterion, score: 1, reason: 'did well', applicable: true },
    ];
    const res = await t.request(`/api/conversations/${conversationId}/reviews`, {
      method: 'POST',
      headers: qa.headers,
      body: { points: overrides, comment: 'first calibration' },
    });
    expect(res.status).toBe(201);
    const review = (await res.json()) as Detail;
    const expected = totalOf(auto.points.map((p, i) => (i < 2 ? { ...p, score: overrides[i]?.score ?? 0, applicable: true } : p)));
    expect(review).toMatchObject({ kind: 'review', basedOn: auto.id, agentId: agent.id, score: expected });
    expect(review.points[0]?.override).toEqual({
      previous: first.score,
      reason: 'reviewer disagrees',
      previousApplicable: first.applicable,
    });

    const bad = await t.request(`/api/conversations/${conversationId}/reviews`, {
      method: 'POST',
      headers: qa.headers,
      body: { points: [{ criterion: 'no_such', score: 1, reason: 'x' }] },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('unknown_criterion');
    const byAgent = await t.request(`/api/conversations/${conversationId}/reviews`, {
      method: 'POST',
      headers: agent.headers,
      body: { points: [] },
    });
    expect(byAgent.status).toBe(403);

    // A second reviewer scores the first criterion differently: calibration shows the spread.
    const qa2 = await t.login('qa');
    await t.request(`/api/conversations/${conversationId}/reviews`, {
      method: 'POST',
      headers: qa2.headers,
      body: { points: [{ criterion: first.criterion, score: 0.5, reason: 'half way' }] },
    });
    const calibration = (await (
      await t.request(`/api/qa/calibration?conversationId=${conversationId}`, { headers: qa.headers })
    ).json()) as {
      reviews: unknown[];
      criteria: { criterion: string; spread: number; reviews: unknown[] }[];
    };
    expect(calibration.reviews).toHaveLength(2);
    const row = calibration.criteria.find((c) => c.criterion === first.criterion);
    expect(row?.reviews).toHaveLength(2);
    expect(row?.spread).toBe(0.5);
    expect((await t.request(`/api/qa/calibration?conversationId=${conversationId}`, { headers: agent.headers })).status).toBe(403);
  });

  it('lets only the evaluated agent dispute, and QA resolve', async () => {
    const other = await t.login('agent');
    const wrong = await t.request(`/api/evaluations/${auto.id}/dispute`, {
      method: 'POST',
      headers: other.headers,
      body: { reason: 'not me' },
    });
    expect(wrong.status).toBe(403);
    const disputed = await t.request(`/api/evaluations/${auto.id}/dispute`, {
      method: 'POST',
      headers: agent.headers,
      body: { reason: 'I did acknowledge the feeling' },
    });
    expect(disputed.status).toBe(200);
    expect(((await disputed.json()) as Detail).status).toBe('disputed');
    const again = await t.request(`/api/evaluations/${auto.id}/dispute`, {
      method: 'POST',
      headers: agent.headers,
      body: { reason: 'again' },
    });
    expect(again.status).toBe(409);
    const agentResolves = await t.request(`/api/evaluations/${auto.id}/resolve`, {
      method: 'POST',
      headers: agent.headers,
      body: { decision: 'overturned', note: 'mine' },
    });
    expect(agentResolves.status).toBe(403);
    const resolved = await t.request(`/api/evaluations/${auto.id}/resolve`, {
      method: 'POST',
      headers: qa.headers,
      body: { decision: 'upheld', note: 'the evidence stands' },
    });
    expect(resolved.status).toBe(200);
    expect((await resolved.json()) as { status: string; dispute: { resolution: { decision: string } } }).toMatchObject({
      status: 'resolved',
      dispute: { resolution: { decision: 'upheld' } },
    });
    const audit = await t.deps.db.kysely.selectFrom('audit_log').select('action').where('target_id', '=', auto.id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['evaluation.dispute', 'evaluation.resolve']);
  });
});
