import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.js';

/**
 * Limits request bodies to `maxBytes` and, when served by @hono/node-server, reads them straight from Node's
 * IncomingMessage into Hono's body cache. Why: reading a body through `c.req` makes the adapter build a full
 * WHATWG Request with a web stream over the socket, which cost more than half the time of a small JSON post
 * (a bare Hono app: ~2,700 posts/s that way, ~6,300/s reading the Node stream, on this 2-core machine).
 * Without a Node request (`app.request()` in tests) Hono's own body limit applies.
 * @example
 * app.use('/api/*', limitedBody(1024 * 1024));
 */
export function limitedBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new AppError('payload_too_large', 413, `request body over ${maxBytes} bytes`);
  };
  const fallback = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const incoming = nodeRequest(c);
    if (!incoming) return fallback(c, next);
    if (!hasBody(incoming)) return next();
    if (Number(incoming.headers['content-length']) > maxBytes) tooLarge();
    const body = await readAll(incoming, maxBytes).catch((error: unknown) =>
      error === TOO_LARGE ? tooLarge() : Promise.reject(error as Error),
    );
    // Hono stores promises here although its type names the resolved values.
    const cache = c.req.bodyCache as Record<string, Promise<unknown>>;
    cache.arrayBuffer = Promise.resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
    cache.text = Promise.resolve(decodeUtf8(body));
    return next();
  };
}

const TOO_LARGE = Symbol('too large');

function nodeRequest(c: Context): IncomingMessage | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming && typeof env.incoming.on === 'function' ? env.incoming : undefined;
}

function hasBody(incoming: IncomingMessage): boolean {
  if (incoming.method === 'GET' || incoming.method === 'HEAD') return false;
  return incoming.headers['transfer-encoding'] !== undefined || Number(incoming.headers['content-length'] ?? 0) > 0;
}

function readAll(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        incoming.off('data', onData);
        incoming.resume(); // drain the rest so the connection stays usable for the 413
        reject(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    incoming.on('data', onData);
    incoming.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    incoming.once('error', reject);
  });
}

/** As `Request.text()`: UTF-8, invalid bytes replaced, a leading byte-order mark dropped. */
function decodeUtf8(body: Buffer): string {
  const text = body.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
