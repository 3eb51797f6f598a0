import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { z } from 'zod';

/** A slow consumer holding more than this many unsent bytes is cut off instead of growing the heap. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface SocketServer {
  wss: WebSocketServer;
  /**
   * Completes an upgrade and enrols the socket in the heartbeat. Always upgrade through this, never through
   * `wss.handleUpgrade`: in `noServer` mode `ws` emits no `connection` event, so a socket upgraded directly would never
   * be marked alive and the next heartbeat would terminate it.
   */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer, onSocket: (ws: WebSocket) => void): void;
  close(): Promise<void>;
}

/**
 * A `ws` server in `noServer` mode with one shared heartbeat for all its sockets: every `heartbeatMs` each socket that
 * did not answer the previous ping is terminated and the others are pinged. No per-connection timers, so thousands of
 * idle connections cost only their buffers.
 * @example
 * const server = createSocketServer({ maxPayload: 64 * 1024, onHeartbeat: () => sweepStale() });
 * server.accept(request, socket, head, (ws) => attach(ws));
 */
export function createSocketServer(options: { maxPayload: number; heartbeatMs?: number; onHeartbeat?: () => void }): SocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload, perMessageDeflate: false });
  const alive = new WeakSet<WebSocket>();
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
    options.onHeartbeat?.();
  }, options.heartbeatMs ?? 30_000);
  timer.unref();
  return {
    wss,
    accept: (request, socket, head, onSocket) =>
      wss.handleUpgrade(request, socket, head, (ws) => {
        alive.add(ws);
        ws.on('pong', () => alive.add(ws));
        onSocket(ws);
      }),
    close: async () => {
      clearInterval(timer);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Answers an upgrade request with a plain HTTP error (the API's error shape) and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The request's path and query (the host part is a placeholder). */
export function requestUrl(request: IncomingMessage): URL {
  return new URL(request.url ?? '/', 'http://localhost');
}

/** Sends one JSON message; a socket that is not open is skipped, one that cannot keep up is terminated. */
export function sendJson(ws: WebSocket, message: unknown): void {
  sendRaw(ws, JSON.stringify(message));
}

/** Like `sendJson` for a message already serialised once for many sockets. */
export function sendRaw(ws: WebSocket, text: string): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
    ws.terminate();
    return;
  }
  ws.send(text);
}

/** Parses and validates one client frame; `undefined` plus an error message when it is not valid. */
export function parseFrame<T extends z.ZodType>(schema: T, data: unknown): { value: z.infer<T> } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
  } catch {
    return { error: 'messages must be JSON' };
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    return { error: result.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ') };
  }
  return { value: result.data };
}

/**
 * A token bucket: `capacity` messages at once, refilled at `perSecond`; reads the clock on each call, no timer.
 * @example
 * const allow = createRateLimit(10, 10);
 * if (!allow()) sendJson(ws, { type: 'error', code: 'rate_limited', message: 'slow down' });
 */
export function createRateLimit(capacity: number, perSecond: number, now: () => number = Date.now): () => boolean {
  let tokens = capacity;
  let last = now();
  return () => {
    const t = now();
    tokens = Math.min(capacity, tokens + ((t - last) / 1000) * perSecond);
    last = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

/**
 * Whether a browser's `Origin` may open the socket: no Origin (non-browser clients), or the configured public URL's
 * origin, or the origin of the Host the request was sent to. Stops cross-site WebSocket hijacking of cookie sessions.
 */
export function isSameOrigin(request: IncomingMessage, publicUrl: string | undefined): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (publicUrl && new URL(publicUrl).origin === origin) return true;
  const host = request.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/**
 * One instance per platform, created on first use (tests run several platforms in one process).
 * @example
 * const hubFor = perPlatform(createAgentHub);
 */
export function perPlatform<D extends object, T>(create: (deps: D) => T): (deps: D) => T {
  const instances = new WeakMap<D, T>();
  return (deps) => {
    let instance = instances.get(deps);
    if (!instance) {
      instance = create(deps);
      instances.set(deps, instance);
    }
    return instance;
  };
}
