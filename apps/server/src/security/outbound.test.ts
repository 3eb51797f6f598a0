import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress, postOutbound, privateTarget } from './outbound.js';

describe('outbound requests (webhooks)', () => {
  let server: Server;
  let port = 0;
  const bodies: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (url: string, allowPrivate: boolean, resolve?: Parameters<typeof postOutbound>[1]['resolve']) =>
    postOutbound(url, {
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      timeoutMs: 2000,
      allowPrivate,
      ...(resolve ? { resolve } : {}),
    });

  it('tells private addresses from public ones', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '224.0.0.1',
      'not-an-ip',
    ])
      expect([address, isPrivateAddress(address)]).toEqual([address, true]);
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect([address, isPrivateAddress(address)]).toEqual([address, false]);
    expect(privateTarget('http://127.0.0.1:8080/hook')).toMatch(/private address/);
    expect(privateTarget('http://[::1]/hook')).toMatch(/private address/);
    expect(privateTarget('http://LOCALHOST/hook')).toMatch(/private address/);
    expect(privateTarget('https://hooks.example.com/x')).toBeUndefined();
  });

  it('posts to a private receiver only when allowed', async () => {
    expect(await post(`http://127.0.0.1:${port}/hook`, true)).toBe(204);
    expect(bodies).toEqual(['{"a":1}']);
    await expect(post(`http://127.0.0.1:${port}/hook`, false)).rejects.toThrow(/127\.0\.0\.1 is 127\.0\.0\.1, a private address/);
    await expect(post(`http://localhost:${port}/hook`, false)).rejects.toThrow(/private address/);
    expect(bodies).toHaveLength(1);
  });

  it('refuses a public-looking name that resolves to a private address, checked on the connection itself', async () => {
    const resolveTo =
      (address: string): NonNullable<Parameters<typeof postOutbound>[1]['resolve']> =>
      (_host, _options, callback) =>
        callback(null, [{ address, family: 4 }]);
    await expect(post(`http://hooks.example.test:${port}/hook`, false, resolveTo('10.0.0.5'))).rejects.toThrow(
      /hooks\.example\.test is 10\.0\.0\.5, a private address/,
    );
    // A public address passes the guard: the request then fails (or not) on the network, never as a private address.
    const outcome = await post(`http://hooks.example.test:${port}/hook`, false, resolveTo('192.0.2.1')).then(
      (status) => `status ${status}`,
      (error: Error) => error.message,
    );
    expect(outcome).not.toMatch(/private address/);
    expect(bodies).toHaveLength(1);
  });
});
