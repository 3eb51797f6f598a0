import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createSocketServer, type SocketServer } from './ws-server.js';

/** An HTTP server whose upgrades go to a socket server with a fast heartbeat. */
async function serve(heartbeatMs: number): Promise<{ url: string; sockets: SocketServer; http: Server }> {
  const sockets = createSocketServer({ maxPayload: 1024, heartbeatMs });
  const http = createServer();
  http.on('upgrade', (request, socket, head) => sockets.accept(request, socket, head, (ws) => ws.on('message', (m) => ws.send(m))));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`, sockets, http };
}

const opened = (ws: WebSocket) => new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
/** Resolves after `n` pings; rejects if the server closes the socket first. */
const pings = (ws: WebSocket, n: number) =>
  new Promise<void>((resolve, reject) => {
    let seen = 0;
    ws.on('ping', () => {
      if (++seen === n) resolve();
    });
    ws.once('close', (code) => reject(new Error(`closed (${code}) after ${seen} pings`)));
  });

describe('socket server heartbeat', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('keeps a socket that answers pings open across heartbeats', async () => {
    // A heartbeat long enough for a pong to come back on a loaded machine (20 ms lost sockets under CI load).
    const { url, sockets, http } = await serve(150);
    cleanup.push(
      () => new Promise((resolve) => http.close(() => resolve())),
      () => sockets.close(),
    );
    const client = new WebSocket(url);
    cleanup.push(async () => client.terminate());
    await opened(client);
    // Three pings mean the server swept at least three times, and each sweep after the first checked the pong.
    await pings(client, 3);
    expect(client.readyState).toBe(WebSocket.OPEN);
    const echo = new Promise<string>((resolve) => client.once('message', (m) => resolve(String(m))));
    client.send('still here');
    expect(await echo).toBe('still here');
  });

  it('terminates a socket that stops answering pings', async () => {
    const { url, sockets, http } = await serve(20);
    cleanup.push(
      () => new Promise((resolve) => http.close(() => resolve())),
      () => sockets.close(),
    );
    const silent = new WebSocket(url, { autoPong: false });
    cleanup.push(async () => silent.terminate());
    const closed = new Promise<number>((resolve) => silent.once('close', resolve));
    await opened(silent);
    expect(await closed).toBe(1006);
  });
});
