import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KeepAliveClient, parseAnswer } from './http-client.js';

describe('parseAnswer', () => {
  const answer = (text: string) => parseAnswer(Buffer.from(text, 'latin1'));

  it('ends a Content-Length answer after its body, and waits for a body still arriving', () => {
    const text = 'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}';
    expect(answer(text)).toEqual({ status: 201, end: text.length, close: false });
    expect(answer(text.slice(0, -1))).toBeUndefined();
    expect(answer('HTTP/1.1 201 Created\r\nContent-Len')).toBeUndefined();
  });

  it('ends a chunked answer at its last chunk, whatever the chunks hold', () => {
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n\r\n0\r\n\r\na\r\n0123456789\r\n0\r\n\r\n';
    expect(answer(text)).toEqual({ status: 200, end: text.length, close: false });
    expect(answer(text.slice(0, -2))).toBeUndefined();
  });

  it('fails an answer whose chunk size is not a number, and closes its connection', () => {
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n';
    expect(answer(text)).toEqual({ status: 0, end: text.length, close: true });
  });

  it('reads a body-less answer and a server closing the connection', () => {
    const text = 'HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n';
    expect(answer(text)).toEqual({ status: 204, end: text.length, close: true });
  });
});

describe('KeepAliveClient', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A server answering each POST with its body's length, chunked when the path says so, from few connections. */
  async function start(): Promise<{ origin: string; sockets: Set<unknown>; bodies: string[] }> {
    const sockets = new Set<unknown>();
    const bodies: string[] = [];
    server = createServer((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        bodies.push(body);
        if (req.url === '/chunked') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('first ');
          res.end('second');
        } else if (req.url === '/close') res.writeHead(400, { connection: 'close' }).end('bye');
        else res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ length: body.length }));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { origin: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, sockets, bodies };
  }

  it('delivers every request with its body over at most the connections allowed, and reports each status', async () => {
    const { origin, sockets, bodies } = await start();
    const client = new KeepAliveClient(origin, 3);
    const statuses = await Promise.all(
      Array.from(
        { length: 40 },
        (_, i) =>
          new Promise<number>((resolve) =>
            client.post(i % 4 === 0 ? '/chunked' : '/', { 'content-type': 'application/json' }, `{"n":${i},"text":"快递"}`, resolve),
          ),
      ),
    );
    client.close();
    expect(statuses.filter((s) => s === 201)).toHaveLength(30);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(sockets.size).toBeLessThanOrEqual(3);
    expect(bodies.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `{"n":${i},"text":"快递"}`).sort());
  });

  it('opens a new connection after the server closed one, and reports a refused connection as 0', async () => {
    const { origin } = await start();
    const client = new KeepAliveClient(origin, 1);
    const post = (path: string) => new Promise<number>((resolve) => client.post(path, {}, 'x', resolve));
    expect(await Promise.all([post('/close'), post('/')])).toEqual([400, 201]);
    client.close();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const refused = new KeepAliveClient(origin, 1);
    expect(await new Promise<number>((resolve) => refused.post('/', {}, 'x', resolve))).toBe(0);
  });
});
