import { request as httpRequest } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { limitedBody } from './node-body.js';

const LIMIT = 1000;

function bodyApp(): Hono {
  const app = new Hono();
  app.use('*', limitedBody(LIMIT));
  app.post('/json', async (c) => c.json({ got: await c.req.json() }));
  app.post('/bytes', async (c) => c.json({ bytes: [...new Uint8Array(await c.req.arrayBuffer())] }));
  app.post('/form', async (c) => c.json({ form: await c.req.parseBody() }));
  app.onError((error, c) => (error instanceof AppError ? c.json({ code: error.code }, error.status) : c.json({ code: 'other' }, 500)));
  return app;
}

/** Posts over a real socket; `chunked` sends no content-length, as a streaming client does. */
function post(port: number, path: string, body: Buffer | string, options: { chunked?: boolean; type?: string } = {}) {
  return new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': options.type ?? 'application/json' };
    if (!options.chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    if (options.chunked) {
      const bytes = Buffer.from(body);
      for (let i = 0; i < bytes.length; i += 300) req.write(bytes.subarray(i, i + 300));
      req.end();
    } else req.end(body);
  });
}

describe('limitedBody over a real Node server', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: bodyApp().fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('parses JSON read from the socket, with or without a content-length, dropping a byte-order mark', async () => {
    const body = { text: '快递三天了还没到 <script>alert(1)</script>' };
    expect(await post(port, '/json', JSON.stringify(body))).toEqual({ status: 200, json: { got: body } });
    expect(await post(port, '/json', JSON.stringify(body), { chunked: true })).toEqual({ status: 200, json: { got: body } });
    expect(await post(port, '/json', `\uFEFF${JSON.stringify(body)}`)).toEqual({ status: 200, json: { got: body } });
  });

  it('keeps binary bodies byte for byte and still parses forms', async () => {
    const bytes = Buffer.from([0, 255, 0xfe, 0xff, 10, 128]);
    expect((await post(port, '/bytes', bytes, { type: 'application/octet-stream' })).json).toEqual({ bytes: [...bytes] });
    const form = await post(port, '/form', 'score=5&comment=%E5%BE%88%E5%A5%BD', { type: 'application/x-www-form-urlencoded' });
    expect(form.json).toEqual({ form: { score: '5', comment: '很好' } });
  });

  it('answers 413 for a body over the limit, whether declared up front or streamed', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(LIMIT) });
    expect(await post(port, '/json', big)).toEqual({ status: 413, json: { code: 'payload_too_large' } });
    expect(await post(port, '/json', big, { chunked: true })).toEqual({ status: 413, json: { code: 'payload_too_large' } });
    // The server is still healthy after refusing.
    expect((await post(port, '/json', '{"a":1}')).status).toBe(200);
  });
});

describe('limitedBody without a Node request (app.request in tests)', () => {
  it('falls back to the same limit', async () => {
    const app = bodyApp();
    const ok = await app.request('/json', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(await ok.json()).toEqual({ got: { a: 1 } });
    const big = await app.request('/json', { method: 'POST', body: 'x'.repeat(LIMIT + 1) });
    expect(big.status).toBe(413);
  });
});
