import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/env.js';
import { createRouter } from '../../http/router.js';
import { authorize } from '../../policies/policies.js';
import { DEFAULT_GUIDELINES, saveGuidelines } from '../commands/guidelines.js';
import { clientIp, ERRORS, jsonBody, jsonContent } from '../http.js';
import { presentGuidelines } from '../presenters.js';
import { latestGuidelines, listGuidelinesHistory } from '../repositories/guidelines.js';
import { GuidelinesContentSchema, GuidelinesSchema } from '../schemas.js';

/** The organisation's empathy guidelines (do-say, don't-say, glossary), versioned; saving applies them at once. */
export function guidelinesRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/guidelines',
      tags: ['guidelines'],
      summary: 'The current guidelines (version 0 with empty lists when none were written)',
      responses: { 200: jsonContent(GuidelinesSchema, 'Current guidelines'), ...ERRORS },
    }),
    async (c) => {
      const latest = await latestGuidelines(c.get('deps').db.kysely);
      const body = latest ? presentGuidelines(latest) : { version: 0, content: DEFAULT_GUIDELINES, updatedBy: null, createdAt: null };
      return c.json(body as z.infer<typeof GuidelinesSchema>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/guidelines',
      tags: ['guidelines'],
      summary: 'Save a new version; analysis uses it at once (no restart) and older analyses are redone in the background',
      request: jsonBody(GuidelinesContentSchema),
      responses: { 200: jsonContent(GuidelinesSchema, 'Saved'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'guidelines.edit');
      const row = await saveGuidelines(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('json'));
      return c.json(presentGuidelines(row) as z.infer<typeof GuidelinesSchema>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/guidelines/history',
      tags: ['guidelines'],
      summary: 'Earlier versions, newest first',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }) },
      responses: { 200: jsonContent(z.object({ items: z.array(GuidelinesSchema) }), 'Versions'), ...ERRORS },
    }),
    async (c) => {
      const rows = await listGuidelinesHistory(c.get('deps').db.kysely, c.req.valid('query').limit);
      return c.json({ items: rows.map(presentGuidelines) as z.infer<typeof GuidelinesSchema>[] }, 200);
    },
  );

  return app;
}
