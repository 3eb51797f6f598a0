import { createHash } from 'node:crypto';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError, notFound } from '../../errors.js';
import type { AppEnv } from '../../http/env.js';
import { createRouter } from '../../http/router.js';
import { ErrorSchema, IdParamSchema } from '../../http/schemas.js';
import { authorize } from '../../policies/policies.js';
import { WIDGET_SCRIPT } from './script.js';

const SCRIPT_ETAG = `"${createHash('sha256').update(WIDGET_SCRIPT).digest('base64url').slice(0, 22)}"`;

const errors = {
  401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
  409: { description: 'Not a web inbox', content: { 'application/json': { schema: ErrorSchema } } },
};

export const WidgetSnippetSchema = z
  .object({
    inboxId: z.uuid(),
    scriptUrl: z.string(),
    snippet: z.string().openapi({ description: 'Paste before </body> on every page that shows the chat' }),
    identitySigning: z.boolean().openapi({ description: 'Whether the inbox has an identity secret for signed visitor identities' }),
  })
  .openapi('WidgetSnippet');

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `GET /widget.js`: the embeddable chat script (public, cacheable, loadable from any site). */
export function widgetScriptRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/widget.js',
      tags: ['widget'],
      summary: 'The embeddable web chat widget script',
      responses: { 200: { description: 'JavaScript', content: { 'application/javascript': { schema: z.string() } } } },
    }),
    (c) => {
      c.header('cache-control', 'public, max-age=300');
      c.header('etag', SCRIPT_ETAG);
      // Host sites load this script from another origin.
      c.header('cross-origin-resource-policy', 'cross-origin');
      if (c.req.header('if-none-match') === SCRIPT_ETAG) return c.body(null, 304);
      return c.body(WIDGET_SCRIPT, 200, { 'content-type': 'application/javascript; charset=utf-8' });
    },
  );
  return app;
}

/** `GET /api/inboxes/{id}/widget-snippet`: the tag to paste into a site (supervisors and admins). */
export function widgetSnippetRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/inboxes/{id}/widget-snippet',
      tags: ['widget'],
      summary: 'The script tag that embeds the chat widget of a web inbox',
      request: { params: IdParamSchema },
      responses: { 200: { description: 'Snippet', content: { 'application/json': { schema: WidgetSnippetSchema } } }, ...errors },
    }),
    async (c) => {
      authorize(c.get('principal'), 'widget.install');
      const { id } = c.req.valid('param');
      const { db, config } = c.get('deps');
      const inbox = await db.kysely.selectFrom('inboxes').select(['id', 'channel', 'settings']).where('id', '=', id).executeTakeFirst();
      if (!inbox) throw notFound('inbox');
      if (inbox.channel !== 'web') throw new AppError('not_web_inbox', 409, 'only web inboxes have a chat widget');
      const base = (config.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
      const scriptUrl = `${base}/widget.js`;
      const secret = inbox.settings.identitySecret;
      return c.json(
        {
          inboxId: inbox.id,
          scriptUrl,
          snippet: `<script src="${escapeAttribute(scriptUrl)}" data-inbox="${inbox.id}" async></script>`,
          identitySigning: typeof secret === 'string' && secret !== '',
        },
        200,
      );
    },
  );
  return app;
}
