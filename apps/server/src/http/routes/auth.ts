import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { createRouter } from '../router.js';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../repositories/audit.js';
import { createSession, deleteSession, SESSION_DAYS } from '../../repositories/sessions.js';
import { verifyPassword } from '../../security/secrets.js';
import { authenticate, SESSION_COOKIE } from '../auth.js';
import type { AppEnv } from '../env.js';
import { ErrorSchema } from '../schemas.js';
import { clientIp } from '../client-ip.js';

const MeSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['user', 'token']),
    name: z.string(),
    role: z.enum(['agent', 'supervisor', 'qa', 'admin']),
    teamIds: z.array(z.string()),
    csrfToken: z.string().nullable(),
  })
  .openapi('Me');

const LoginSchema = z.object({ email: z.string().min(3).max(320), password: z.string().min(1).max(200) }).openapi('Login');

// A real hash to compare against when the email is unknown, so timing does not reveal which emails exist.
const DUMMY_HASH = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA$ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U';

/** Sign-in (public, rate-limited by the app), sign-out and "who am I". */
export function authRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      tags: ['auth'],
      summary: 'Sign in; sets an httpOnly SameSite=Strict session cookie and returns the CSRF token',
      request: { body: { content: { 'application/json': { schema: LoginSchema } }, required: true } },
      responses: {
        200: { description: 'Signed in', content: { 'application/json': { schema: MeSchema } } },
        401: { description: 'Wrong email or password', content: { 'application/json': { schema: ErrorSchema } } },
        429: { description: 'Too many attempts', content: { 'application/json': { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const { db, config } = c.get('deps');
      const { email, password } = c.req.valid('json');
      const user = await db.kysely
        .selectFrom('users')
        .select(['id', 'name', 'role', 'password_hash', 'disabled_at'])
        .where('email', '=', email.trim().toLowerCase())
        .executeTakeFirst();
      const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
      const ip = clientIp(c);
      if (!user || !ok || user.disabled_at) {
        await writeAudit(db.kysely, null, 'auth.login_failed', { type: 'user', details: { email }, ip });
        throw new AppError('invalid_credentials', 401, 'wrong email or password');
      }
      const session = await createSession(db.kysely, user.id);
      const teams = await db.kysely.selectFrom('team_members').select('team_id').where('user_id', '=', user.id).execute();
      setCookie(c, SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: config.secureCookies,
        path: '/',
        maxAge: SESSION_DAYS * 86_400,
      });
      await writeAudit(db.kysely, { kind: 'user', id: user.id, name: user.name, role: user.role, teamIds: [] }, 'auth.login', {
        type: 'user',
        id: user.id,
        ip,
      });
      return c.json(
        {
          id: user.id,
          kind: 'user' as const,
          name: user.name,
          role: user.role,
          teamIds: teams.map((t) => t.team_id),
          csrfToken: session.csrfToken,
        },
        200,
      );
    },
  );

  app.use('/auth/logout', authenticate);
  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/logout',
      tags: ['auth'],
      summary: 'Sign out (ends the session)',
      responses: { 204: { description: 'Signed out' } },
    }),
    async (c) => {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie) await deleteSession(c.get('deps').db.kysely, cookie);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );

  app.use('/auth/me', authenticate);
  app.openapi(
    createRoute({
      method: 'get',
      path: '/auth/me',
      tags: ['auth'],
      summary: 'The signed-in user (or API token) and the CSRF token to send with changes',
      responses: { 200: { description: 'Who is calling', content: { 'application/json': { schema: MeSchema } } } },
    }),
    (c) => {
      const p = c.get('principal');
      return c.json(
        { id: p.id, kind: p.kind, name: p.name, role: p.role, teamIds: [...p.teamIds], csrfToken: c.get('csrfToken') ?? null },
        200,
      );
    },
  );

  return app;
}
