import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/env.js';
import { createRouter } from '../../http/router.js';
import { notFound } from '../../errors.js';
import { authorize, can } from '../../policies/policies.js';
import { createInboxCommand, updateInboxCommand } from '../commands/inboxes.js';
import { clientIp, ERRORS, jsonBody, jsonContent } from '../http.js';
import { presentInbox } from '../presenters.js';
import { findInbox, listInboxes } from '../repositories/inboxes.js';
import { CreateInboxSchema, InboxSchema, UpdateInboxSchema, IdParamSchema } from '../schemas.js';

/** Inboxes: everyone may list them; only admins see settings (they hold the web widget's identity secret). */
export function inboxRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/inboxes',
      tags: ['inboxes'],
      summary: 'List inboxes (settings for admins only)',
      responses: { 200: jsonContent(z.object({ items: z.array(InboxSchema) }), 'Inboxes'), ...ERRORS },
    }),
    async (c) => {
      const withSettings = can(c.get('principal'), 'inbox.manage');
      const rows = await listInboxes(c.get('deps').db.kysely);
      return c.json({ items: rows.map((row) => presentInbox(row, { withSettings })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/inboxes/{id}',
      tags: ['inboxes'],
      summary: 'One inbox (settings for admins only)',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(InboxSchema, 'The inbox'), ...ERRORS },
    }),
    async (c) => {
      const inbox = await findInbox(c.get('deps').db.kysely, c.req.valid('param').id);
      if (!inbox) throw notFound('inbox');
      return c.json(presentInbox(inbox, { withSettings: can(c.get('principal'), 'inbox.manage') }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/inboxes',
      tags: ['inboxes'],
      summary: 'Create an inbox; email inboxes need settings.emailAddress, web inboxes get a generated identitySecret',
      request: jsonBody(CreateInboxSchema),
      responses: { 201: jsonContent(InboxSchema, 'Created'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'inbox.manage');
      const inbox = await createInboxCommand(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('json'));
      return c.json(presentInbox(inbox, { withSettings: true }), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/inboxes/{id}',
      tags: ['inboxes'],
      summary: 'Rename, move to a team, change settings (merged) or rotate the web identity secret',
      request: { params: IdParamSchema, ...jsonBody(UpdateInboxSchema) },
      responses: { 200: jsonContent(InboxSchema, 'Updated'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'inbox.manage');
      const inbox = await updateInboxCommand(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('param').id, c.req.valid('json'));
      return c.json(presentInbox(inbox, { withSettings: true }), 200);
    },
  );

  return app;
}
