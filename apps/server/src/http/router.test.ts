import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../testing/platform.js';

describe('the route table of the whole platform', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await createTestPlatform('pglite');
  });
  afterAll(async () => {
    await t.close();
  });

  it('is matched by Hono’s RegExpRouter, not the slower TrieRouter it falls back to when a route does not compile', async () => {
    expect((await t.request('/healthz')).status).toBe(200);
    expect((t.app.router as { name: string }).name).toBe('SmartRouter + RegExpRouter');
  });

  it('still serves the API reference page’s own script and its Swagger UI assets', async () => {
    const init = await t.request('/api/docs/init.js');
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toContain('text/javascript');
    expect(await init.text()).toContain('/api/openapi.json');
    expect((await t.request('/api/docs/swagger-ui.css')).status).toBe(200);
    expect((await t.request('/api/docs/nothing.js')).status).toBe(404);
  });
});
