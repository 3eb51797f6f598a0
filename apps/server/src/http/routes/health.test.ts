import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DATABASES, type TestPlatform } from '../../testing/platform.js';

describe.each(DATABASES)('health and metrics on %s', (database) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await createTestPlatform(database, { modules: [] });
  });
  afterAll(async () => t.close());

  it('answers liveness, readiness with the outbox backlog, and Prometheus metrics', async () => {
    expect(await (await t.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = (await (await t.request('/readyz')).json()) as { status: string; database: string; jobs: Record<string, number> };
    expect(ready).toMatchObject({ status: 'ready', database });
    const metrics = await t.request('/metrics');
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toContain('tongli_http_request_duration_seconds');
    expect(text).toContain('tongli_process_resident_memory_bytes');
  });

  it('serves the OpenAPI document and an offline reference page', async () => {
    const doc = (await (await t.request('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/conversations', '/api/conversations/{id}/messages', '/api/auth/login']),
    );
    const page = await (await t.request('/api/docs')).text();
    expect(page).toContain('/api/docs/swagger-ui-bundle.js');
    expect(page).not.toMatch(/https?:\/\//);
    expect((await t.request('/api/docs/swagger-ui-bundle.js')).status).toBe(200);
  });

  it('rate-limits sign-in attempts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await t.request('/api/auth/login', {
        method: 'POST',
        headers: { 'x-forwarded-for': '203.0.113.9' },
        body: { email: 'nobody@test.local', password: 'wrong' },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
