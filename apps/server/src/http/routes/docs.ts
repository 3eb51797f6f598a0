import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tongli API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;
const INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

/** `/api/openapi.json` (generated from the route schemas) and `/api/docs`, a browsable reference served offline. */
export function docsRoutes(root: OpenAPIHono<AppEnv>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/openapi.json', (c) =>
    c.json(
      root.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'Tongli API',
          version: c.get('deps').engine.version,
          description:
            'Empathy-first customer service platform. Authenticate with the session cookie (plus x-csrf-token on changes) or `Authorization: Bearer tl_…`.',
        },
        security: [{ session: [] }, { token: [] }],
      }),
    ),
  );
  app.get('/docs', (c) => c.html(PAGE));
  // One route for every asset: a static /docs/init.js beside /docs/:asset made Hono's fast RegExpRouter refuse the
  // route table, so every request of the API was matched by the slower TrieRouter.
  app.get('/docs/:asset', (c) => {
    const asset = c.req.param('asset');
    if (asset === 'init.js') return c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' });
    const type = ASSETS[asset];
    if (!type) return c.notFound();
    return c.body(readFileSync(join(SWAGGER_DIR, asset)), 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });
  return app;
}
