import type { AddressInfo, Server } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeSecureHeaders } from './node-headers.js';

function headersApp(): Hono {
  const app = new Hono();
  app.use('*', nodeSecureHeaders({ overwrite: false, contentSecurityPolicy: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } }));
  app.post('/json', (c) => c.json({ ok: true }, 201));
  // A route's own value wins, as with Hono's `overwrite: false`.
  app.get('/shared', (c) => {
    c.header('cross-origin-resource-policy', 'cross-origin');
    return c.text('shared');
  });
  app.get('/fails', () => {
    throw new Error('boom');
  });
  app.onError((_, c) => c.json({ error: 'boom' }, 500));
  return app;
}

/** The response headers that are not about this one response (date, length, connection). */
function security(headers: Headers): Record<string, string> {
  const skip = new Set(['date', 'content-length', 'connection', 'keep-alive', 'content-type', 'transfer-encoding']);
  return Object.fromEntries([...headers.entries()].filter(([name]) => !skip.has(name)));
}

describe('security headers over a real Node server', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: headersApp().fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the same headers as Hono’s middleware does without a Node response', async () => {
    const overNode = await fetch(`${origin}/json`, { method: 'POST' });
    const inProcess = await headersApp().request('/json', { method: 'POST' });
    expect(overNode.status).toBe(201);
    expect(security(overNode.headers)).toEqual(security(inProcess.headers));
    expect(overNode.headers.get('content-security-policy')).toBe("default-src 'self'; frame-ancestors 'none'");
    expect(overNode.headers.get('x-content-type-options')).toBe('nosniff');
    expect(overNode.headers.get('content-type')).toContain('application/json');
  });

  it('lets a route’s own header win, and covers error answers too', async () => {
    const shared = await fetch(`${origin}/shared`);
    expect(shared.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(shared.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const failed = await fetch(`${origin}/fails`);
    expect(failed.status).toBe(500);
    expect(failed.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
