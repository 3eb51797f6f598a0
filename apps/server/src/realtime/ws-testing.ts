import { WebSocket } from 'ws';
import { startServer } from '../platform.js';
import type { TestPlatform } from '../testing/platform.js';

/** A test's WebSocket client: records every JSON message and lets the test wait for one. */
export interface TestSocket {
  ws: WebSocket;
  received: Record<string, unknown>[];
  /** Resolves with the first message (already received or coming) matching the predicate, and consumes it. */
  next(predicate: (message: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  send(message: unknown): void;
  /** Resolves with the close code. */
  closed: Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens a socket; rejects with `{ status }` when the server refuses the upgrade.
 * @example
 * const visitor = await openSocket(`${url.replace('http', 'ws')}/ws/widget?inbox=${inboxId}`);
 */
export function openSocket(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const received: Record<string, unknown>[] = [];
    const consumed = new Set<Record<string, unknown>>();
    let waiters: { predicate: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
    const closed = new Promise<number>((done) => ws.once('close', (code) => done(code)));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      received.push(message);
      const waiter = waiters.find((w) => w.predicate(message));
      if (waiter) {
        consumed.add(message);
        waiters = waiters.filter((w) => w !== waiter);
        waiter.resolve(message);
      }
    });
    ws.once('unexpected-response', (_request, response) =>
      reject(Object.assign(new Error('upgrade refused'), { status: response.statusCode })),
    );
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        received,
        closed,
        send: (message) => ws.send(JSON.stringify(message)),
        next: (predicate, timeoutMs = 5000) => {
          const early = received.find((m) => !consumed.has(m) && predicate(m));
          if (early) {
            consumed.add(early);
            return Promise.resolve(early);
          }
          return new Promise((done, fail) => {
            const timer = setTimeout(
              () => fail(new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(received)}`)),
              timeoutMs,
            );
            waiters.push({
              predicate,
              resolve: (m) => {
                clearTimeout(timer);
                done(m);
              },
            });
          });
        },
        close: async () => {
          if (ws.readyState === WebSocket.CLOSED) return;
          ws.close();
          await closed;
        },
      }),
    );
  });
}

/** Serves a test platform on a free port; returns its ws:// base URL and a close that also closes the platform. */
export async function serveTestPlatform(t: TestPlatform): Promise<{ url: string; wsUrl: string; close(): Promise<void> }> {
  const served = await startServer({ ...t, deps: { ...t.deps, config: { ...t.deps.config, port: 0 } } });
  return { url: served.url, wsUrl: served.url.replace(/^http/, 'ws'), close: served.close };
}
