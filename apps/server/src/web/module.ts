import type { Context } from 'hono';
import type { RouteModule } from '../http/app.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import type { PlatformModule } from '../platform.js';
import { DEFAULT_WEB_DIST, loadStaticFiles, type StaticFile, type StaticFiles } from './static.js';

/** Paths that belong to the API and sockets: never answered with the web app. */
const RESERVED = /^\/(api|ws)(\/|$)/;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tongli</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>Tongli 同理</h1>
<p>The web app is not built yet. Build it, then reload this page:</p>
<pre>npm run build -w @tongli/web</pre>
<p>网页应用尚未构建。请运行上面的命令后刷新本页。The API is up: <a href="/api/docs">/api/docs</a>.</p>
</body></html>
`;

function respond(c: Context<AppEnv>, file: StaticFile, status = 200): Response {
  const headers: Record<string, string> = {
    'content-type': file.type,
    'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
  let body = file.body;
  if (file.gzip) {
    headers.vary = 'accept-encoding';
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      body = file.gzip;
      headers['content-encoding'] = 'gzip';
    }
  }
  headers['content-length'] = String(body.length);
  return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(body), { status, headers });
}

/**
 * Serves the built web app (apps/web/dist) at `/`: its files by exact path, and `index.html` for any other page a
 * browser asks for (client-side routes such as `/conversations/…`), after every other route had its chance. Without
 * a build, `/` explains how to make one.
 */
export function createWebRoutes(options: { distDir?: string } = {}): RouteModule {
  const dir = options.distDir ?? DEFAULT_WEB_DIST;
  let files: Promise<StaticFiles | undefined> | undefined;
  // A missing build is looked for again on the next request, so building while the server runs just works.
  const load = async (): Promise<StaticFiles | undefined> => {
    files ??= loadStaticFiles(dir);
    const loaded = await files;
    if (!loaded) files = undefined;
    return loaded;
  };

  return () => {
    const app = createRouter();
    app.use('*', async (c, next) => {
      const method = c.req.method;
      const path = c.req.path;
      if ((method !== 'GET' && method !== 'HEAD') || RESERVED.test(path)) return next();
      const web = await load();
      const file = web?.get(path === '/' ? '/index.html' : path);
      if (file) return respond(c, file);
      await next();
      if (c.res.status !== 404) return;
      // Only pages get the app shell; a missing script or image stays a 404.
      const wantsPage = (c.req.header('accept') ?? '').includes('text/html') || path === '/';
      if (!wantsPage) return;
      c.res = undefined;
      const index = web?.get('/index.html');
      c.res = index
        ? respond(c, index)
        : new Response(NOT_BUILT, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' } });
    });
    return app;
  };
}

/** The web app, served by the platform itself (register it last: every other route comes first). */
export const webModule: PlatformModule = { publicRoutes: [createWebRoutes()] };
