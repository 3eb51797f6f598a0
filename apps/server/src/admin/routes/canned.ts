import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/env.js';
import { createRouter } from '../../http/router.js';
import { notFound } from '../../errors.js';
import { authorize } from '../../policies/policies.js';
import type { Deps } from '../../deps.js';
import {
  analyzeTemplate,
  CANNED_VARIABLES,
  createCannedReplyCommand,
  deleteCannedReplyCommand,
  recordCannedUse,
  renderCannedReply,
  updateCannedReplyCommand,
} from '../commands/canned.js';
import { clientIp, ERRORS, jsonBody, jsonContent } from '../http.js';
import { presentCannedReply } from '../presenters.js';
import { findCannedReply, loadCannedUsage, searchCannedReplies, type CannedReplyRow } from '../repositories/canned.js';
import {
  CannedReplySchema,
  CannedUseSchema,
  CreateCannedReplySchema,
  IdParamSchema,
  RenderCannedReplySchema,
  RenderedCannedReplySchema,
  UpdateCannedReplySchema,
} from '../schemas.js';

const SearchQuerySchema = z.object({
  q: z.string().trim().max(200).optional().openapi({ description: 'Matches short code, title or body' }),
  locale: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Canned replies as presented: each with its usage and the engine's analysis of its text. */
async function present(deps: Deps, rows: readonly CannedReplyRow[]) {
  const usage = await loadCannedUsage(
    deps.db.kysely,
    rows.map((r) => r.id),
  );
  return rows.map((r) => presentCannedReply(r, usage.get(r.id), analyzeTemplate(deps.engine.analyzer, r.body)));
}

/** Canned replies keyed by short code; everyone uses them, supervisors and admins edit them. */
export function cannedRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/canned-replies',
      tags: ['canned replies'],
      summary: `Search canned replies; bodies may use ${CANNED_VARIABLES.map((v) => `{{${v}}}`).join(' ')}`,
      request: { query: SearchQuerySchema },
      responses: { 200: jsonContent(z.object({ items: z.array(CannedReplySchema) }), 'Canned replies'), ...ERRORS },
    }),
    async (c) => {
      const rows = await searchCannedReplies(c.get('deps').db.kysely, c.req.valid('query'));
      return c.json({ items: await present(c.get('deps'), rows) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/canned-replies/{id}',
      tags: ['canned replies'],
      summary: 'One canned reply',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(CannedReplySchema, 'The reply'), ...ERRORS },
    }),
    async (c) => {
      const row = await findCannedReply(c.get('deps').db.kysely, c.req.valid('param').id);
      if (!row) throw notFound('canned reply');
      const [presented] = await present(c.get('deps'), [row]);
      return c.json(presented!, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/canned-replies',
      tags: ['canned replies'],
      summary: 'Create a canned reply (short code unique, `[a-z0-9_-]+`)',
      request: jsonBody(CreateCannedReplySchema),
      responses: { 201: jsonContent(CannedReplySchema, 'Created'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'canned.edit');
      const row = await createCannedReplyCommand(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('json'));
      const [presented] = await present(c.get('deps'), [row]);
      return c.json(presented!, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/canned-replies/{id}',
      tags: ['canned replies'],
      summary: 'Change a canned reply',
      request: { params: IdParamSchema, ...jsonBody(UpdateCannedReplySchema) },
      responses: { 200: jsonContent(CannedReplySchema, 'Updated'), ...ERRORS },
    }),
    async (c) => {
      authorize(c.get('principal'), 'canned.edit');
      const row = await updateCannedReplyCommand(c.get('deps'), c.req.valid('param').id, c.req.valid('json'));
      const [presented] = await present(c.get('deps'), [row]);
      return c.json(presented!, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/canned-replies/{id}',
      tags: ['canned replies'],
      summary: 'Delete a canned reply',
      request: { params: IdParamSchema },
      responses: { 204: { description: 'Deleted' }, ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'canned.edit');
      await deleteCannedReplyCommand(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/canned-replies/{id}/render',
      tags: ['canned replies'],
      summary: 'Fill the variables for a conversation you can see; `missing` lists those without a value (do not send while any is)',
      request: { params: IdParamSchema, ...jsonBody(RenderCannedReplySchema) },
      responses: { 200: jsonContent(RenderedCannedReplySchema, 'Rendered'), ...ERRORS },
    }),
    async (c) => {
      const rendered = await renderCannedReply(
        c.get('deps'),
        c.get('principal'),
        c.req.valid('param').id,
        c.req.valid('json').conversationId,
      );
      return c.json(rendered, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/canned-replies/{id}/uses',
      tags: ['canned replies'],
      summary: 'Record that the canned reply went out in a reply on a conversation you can see (counted in its usage statistics)',
      request: { params: IdParamSchema, ...jsonBody(CannedUseSchema) },
      responses: { 204: { description: 'Recorded' }, ...ERRORS },
    }),
    async (c) => {
      await recordCannedUse(c.get('deps'), c.get('principal'), c.req.valid('param').id, c.req.valid('json').conversationId);
      return c.body(null, 204);
    },
  );

  return app;
}
