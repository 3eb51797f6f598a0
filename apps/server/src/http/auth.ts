import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { AppError } from '../errors.js';
import { principalForSession } from '../repositories/sessions.js';
import { safeEqual } from '../security/secrets.js';
import type { AppEnv } from './env.js';
import { cachedPrincipalForToken } from './token-cache.js';

export const SESSION_COOKIE = 'tongli_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authenticates by `Authorization: Bearer tl_…` (API token) or the session cookie; cookie sessions must send the
 * CSRF token in `x-csrf-token` on every unsafe method.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const { db } = c.get('deps');
  const header = c.req.header('authorization');
  if (header?.startsWith('Bearer ')) {
    const principal = await cachedPrincipalForToken(db, header.slice(7).trim());
    if (!principal) throw new AppError('invalid_token', 401, 'the API token is unknown or revoked');
    c.set('principal', principal);
    c.set('csrfToken', undefined);
    return next();
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  const session = cookie ? await principalForSession(db.kysely, cookie) : undefined;
  if (!session) throw new AppError('unauthenticated', 401, 'sign in first');
  if (!SAFE_METHODS.has(c.req.method)) {
    const sent = c.req.header('x-csrf-token') ?? '';
    if (!safeEqual(sent, session.csrfToken)) throw new AppError('csrf_failed', 403, 'missing or wrong x-csrf-token header');
  }
  c.set('principal', session.principal);
  c.set('csrfToken', session.csrfToken);
  return next();
});
