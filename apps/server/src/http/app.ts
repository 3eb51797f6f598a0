import type { OpenAPIHono } from '@hono/zod-openapi';
import { compress } from 'hono/compress';
import { HTTPException } from 'hono/http-exception';
import { rateLimiter } from 'hono-rate-limiter';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { toAppError } from '../commands/messages.js';
import { authenticate } from './auth.js';
import type { AppEnv } from './env.js';
import { httpRequests } from './metrics.js';
import { createRouter } from './router.js';
import { authRoutes } from './routes/auth.js';
import { conversationRoutes } from './routes/conversations.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { clientIp } from './client-ip.js';
import { limitedBody } from './node-body.js';
import { nodeSecureHeaders } from './node-headers.js';

/** Largest JSON body accepted (a 20,000-character message fits many times over). */
const MAX_REQUEST_BYTES = 1024 * 1024;

/** Routes under /api that need a signed-in user or an API token. */
export type RouteModule = () => OpenAPIHono<AppEnv>;

/**
 * Builds the HTTP app; it never listens (tests call `app.request()`, `startServer` serves it).
 * @example
 * const app = createApp(deps);
 * const res = await app.request('/healthz');
 */
export function createApp(deps: Deps, extra: { public?: RouteModule[]; protected?: RouteModule[] } = {}): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.use('*', async (c, next) => {
    const started = performance.now();
    c.set('deps', deps);
    await next();
    httpRequests.observe(
      { method: c.req.method, route: c.req.routePath, status: String(c.res.status) },
      (performance.now() - started) / 1000,
    );
  });
  app.use(
    '*',
    nodeSecureHeaders({
      // A route's own header wins (e.g. /widget.js is loaded by other sites, so it sets Cross-Origin-Resource-Policy).
      overwrite: false,
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  // JSON lists compress about ninefold (an inbox page of 200 rows: 146 KiB → 16 KiB). Only reads are compressed: writes
  // answer with one small object, and the middleware would rebuild every answer as a web stream just to look at it.
  const gzip = compress();
  app.use('/api/*', (c, next) => {
    if (c.req.method !== 'GET') return next();
    if (c.req.header('accept-encoding')) return gzip(c, next);
    c.header('Vary', 'Accept-Encoding', { append: true });
    return next();
  });
  const limitBody = limitedBody(MAX_REQUEST_BYTES);
  // Batch imports stream their body and enforce their own, larger limit.
  app.use('/api/*', (c, next) => (c.req.path === '/api/imports' ? next() : limitBody(c, next)));
  app.use(
    '/api/auth/login',
    rateLimiter<AppEnv>({
      windowMs: 60_000,
      limit: 10,
      standardHeaders: 'draft-7',
      keyGenerator: (c) => `login:${clientIp(c) ?? 'local'}`,
      handler: () => {
        throw new AppError('rate_limited', 429, 'too many sign-in attempts; wait a minute');
      },
    }),
  );

  app.route('/', healthRoutes());
  app.route('/api', docsRoutes(app));
  app.route('/api', authRoutes());
  for (const module of extra.public ?? []) app.route('/', module());

  const api = createRouter();
  api.use('*', authenticate);
  api.route('/', conversationRoutes());
  for (const module of extra.protected ?? []) api.route('/', module());
  app.route('/api', api);

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((error, c) => {
    const appError =
      error instanceof HTTPException && error.status < 500
        ? new AppError(
            error.status === 413 ? 'payload_too_large' : 'invalid_input',
            error.status === 413 ? 413 : 400,
            error.message || 'malformed request',
          )
        : toAppError(error);
    if (appError.status === 500) console.error(error);
    return c.json(
      { error: { code: appError.code, message: appError.message, ...(appError.details ? { details: appError.details } : {}) } },
      appError.status,
    );
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'tongli_session' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'token', { type: 'http', scheme: 'bearer' });
  return app;
}
