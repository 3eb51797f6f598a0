import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/env.js';
import { createRouter } from '../../http/router.js';
import { notFound } from '../../errors.js';
import { authorize, can } from '../../policies/policies.js';
import { createUserAccount, resetUserPassword, setUserAccountDisabled, updateUserAccount } from '../commands/users.js';
import { clientIp, ERRORS, jsonBody, jsonContent } from '../http.js';
import { presentUser, presentUserSummary } from '../presenters.js';
import { findUser, listUsers } from '../repositories/users.js';
import { CreateUserSchema, ResetPasswordSchema, UpdateUserSchema, IdParamSchema, UserSchema, UserSummarySchema } from '../schemas.js';

const ListUsersQuerySchema = z.object({
  includeDisabled: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .openapi({ description: 'Admins only' }),
});

/** Users: everyone may list colleagues (id, name, role); admins see details and manage accounts. */
export function userRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users',
      tags: ['users'],
      summary: 'List users: id, name and role for everyone; full details for admins',
      request: { query: ListUsersQuerySchema },
      responses: { 200: jsonContent(z.object({ items: z.array(z.union([UserSchema, UserSummarySchema])) }), 'Users'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      const admin = can(principal, 'user.manage');
      const rows = await listUsers(c.get('deps').db.kysely, { includeDisabled: admin && c.req.valid('query').includeDisabled });
      return c.json({ items: rows.map((row) => (admin ? presentUser(row) : presentUserSummary(row))) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags: ['users'],
      summary: 'Create a user (password of at least 10 characters, stored as a scrypt hash)',
      request: jsonBody(CreateUserSchema),
      responses: { 201: jsonContent(UserSchema, 'Created'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'user.manage');
      const user = await createUserAccount(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('json'));
      return c.json(presentUser(user), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}',
      tags: ['users'],
      summary: 'One user in full (admins)',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(UserSchema, 'The user'), ...ERRORS },
    }),
    async (c) => {
      authorize(c.get('principal'), 'user.manage');
      const user = await findUser(c.get('deps').db.kysely, c.req.valid('param').id);
      if (!user) throw notFound('user');
      return c.json(presentUser(user), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/users/{id}',
      tags: ['users'],
      summary: 'Change name, role, locale, skills or team memberships',
      request: { params: IdParamSchema, ...jsonBody(UpdateUserSchema) },
      responses: { 200: jsonContent(UserSchema, 'Updated'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'user.manage');
      const user = await updateUserAccount(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('param').id, c.req.valid('json'));
      return c.json(presentUser(user), 200);
    },
  );

  for (const [path, disabled, summary] of [
    ['/users/{id}/disable', true, 'Disable a user and end all their sessions'],
    ['/users/{id}/enable', false, 'Re-enable a disabled user'],
  ] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path,
        tags: ['users'],
        summary,
        request: { params: IdParamSchema },
        responses: { 200: jsonContent(UserSchema, 'Updated'), ...ERRORS },
      }),
      async (c) => {
        const principal = c.get('principal');
        authorize(principal, 'user.manage');
        const user = await setUserAccountDisabled(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('param').id, disabled);
        return c.json(presentUser(user), 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/password',
      tags: ['users'],
      summary: 'Set a new password (at least 10 characters); ends all the user’s sessions',
      request: { params: IdParamSchema, ...jsonBody(ResetPasswordSchema) },
      responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Password changed'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'user.manage');
      await resetUserPassword(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('param').id, c.req.valid('json').password);
      return c.json({ ok: true as const }, 200);
    },
  );

  return app;
}
