import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/env.js';
import { createRouter } from '../../http/router.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const page = (body: string): string => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>同理 · 在线客服演示 / Chat widget demo</title></head>
<body style="margin:0;font:15px/1.6 system-ui,sans-serif;color:#1f2937;background:#f8fafc">
<main style="max-width:40em;margin:0 auto;padding:24px 20px 120px">
${body}
</main>
</body></html>
`;

/**
 * `GET /demo/widget?inbox=<id>`: a plain customer-facing page that embeds the real `/widget.js` for a web inbox, so the
 * whole loop can be tried in two tabs (customer here, agent in the workspace). Public like the widget itself; the inbox
 * id is checked to be a UUID before it is put in an attribute, and the page has no inline script (the CSP stays strict).
 */
export function widgetDemoRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/demo/widget',
      tags: ['widget'],
      summary: 'A demo customer page embedding the chat widget of a web inbox',
      request: { query: z.object({ inbox: z.string().optional() }) },
      responses: {
        200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } },
        400: { description: 'No or malformed inbox id', content: { 'text/html': { schema: z.string() } } },
      },
    }),
    (c) => {
      const inbox = c.req.valid('query').inbox ?? '';
      c.header('cache-control', 'no-store');
      if (!UUID.test(inbox)) {
        return c.html(
          page(`<h1>缺少收件箱 / Missing inbox</h1>
<p>请在地址中加上网页收件箱的编号：<code>/demo/widget?inbox=&lt;id&gt;</code>。</p>
<p>Add a web inbox id to the address: <code>/demo/widget?inbox=&lt;id&gt;</code>.</p>`),
          400,
        );
      }
      return c.html(
        page(`<h1 style="font-size:22px">同理商城 · 客服演示</h1>
<p>这是一个顾客页面。点击右下角蓝色的对话按钮开始对话；在另一个标签页以坐席身份登录工作台，即可看到顾客的情绪与话术提示并回复。</p>
<p lang="en" style="color:#4b5563">A customer-facing demo page. Open the blue chat button at the bottom right and write a message; sign in to the
workspace as an agent in another tab to see the customer's emotion and the coaching hints, and reply.</p>
<script src="/widget.js" data-inbox="${inbox.toLowerCase()}" data-title="同理商城 · 在线客服" async></script>`),
        200,
      );
    },
  );
  return app;
}
