import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../testing/platform.js';
import { createWebRoutes } from './module.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

describe('web app served by the platform', () => {
  let dist: string;
  let t: TestPlatform;

  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'tongli-web-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), INDEX);
    await writeFile(join(dist, 'assets', 'index-abc123.js'), SCRIPT);
    t = await createTestPlatform('pglite', { jobs: false, modules: [{ publicRoutes: [createWebRoutes({ distDir: dist })] }] });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('serves index.html at / uncached, under a CSP that allows scripts from self only', async () => {
    const res = await t.request('/', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    expect(await res.text()).toBe(INDEX);
  });

  it('caches hashed assets for a year and gzips them when asked', async () => {
    const res = await t.request('/assets/index-abc123.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).toBe(SCRIPT);
    const plain = await t.request('/assets/index-abc123.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(SCRIPT);
  });

  it('answers client-side routes with the app shell, but not missing files, the API or other methods', async () => {
    const page = await t.request('/conversations/3f0c9d1e-0000-4000-8000-000000000000', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(INDEX);
    expect((await t.request('/assets/missing-1234.js')).status).toBe(404);
    const api = await t.request('/api/nothing-here', { headers: { accept: 'text/html' } });
    expect(api.headers.get('content-type')).toContain('application/json');
    expect((await t.request('/api/conversations', { headers: { accept: 'text/html' } })).status).toBe(401);
    expect((await t.request('/', { method: 'POST', headers: { accept: 'text/html' } })).status).toBe(404);
    expect((await t.request('/healthz')).status).toBe(200);
  });

  it('never serves files outside the build', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/../../package.json']) {
      const res = await t.request(path);
      expect(res.status, path).toBe(404);
    }
  });

  it('explains how to build the app when there is no build', async () => {
    const app = createWebRoutes({ distDir: join(dist, 'none') })();
    const res = await app.request('/');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain('npm run build -w @tongli/web');
    expect(text).not.toContain('<script');
  });
});
