import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/env.js';
import { createRouter } from '../../http/router.js';
import { authorize } from '../../policies/policies.js';
import { createApiTokenCommand, revokeApiTokenCommand } from '../commands/tokens.js';
import { clientIp, ERRORS, jsonBody, jsonContent } from '../http.js';
import { presentApiToken } from '../presenters.js';
import { listApiTokens } from '../repositories/tokens.js';
import { ApiTokenSchema, CreateApiTokenSchema, IdParamSchema } from '../schemas.js';

/** API tokens (admins): the plain token is shown once at creation; lists show only the prefix. */
export function tokenRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/tokens',
      tags: ['tokens'],
      summary: 'List API tokens (no secrets)',
      responses: { 200: jsonContent(z.object({ items: z.array(ApiTokenSchema) }), 'Tokens'), ...ERRORS },
    }),
    async (c) => {
      authorize(c.get('principal'), 'token.manage');
      return c.json({ items: (await listApiTokens(c.get('deps').db.kysely)).map(presentApiToken) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/tokens',
      tags: ['tokens'],
      summary: 'Create an API token; `token` is returned this once (use it as `Authorization: Bearer …`)',
      request: jsonBody(CreateApiTokenSchema),
      responses: { 201: jsonContent(ApiTokenSchema.extend({ token: z.string() }), 'Created'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'token.manage');
      const { row, token } = await createApiTokenCommand(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('json'));
      return c.json({ ...presentApiToken(row), token }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/tokens/{id}',
      tags: ['tokens'],
      summary: 'Revoke an API token',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(ApiTokenSchema, 'Revoked'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'token.manage');
      return c.json(
        presentApiToken(await revokeApiTokenCommand(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('param').id)),
        200,
      );
    },
  );

  return app;
}
