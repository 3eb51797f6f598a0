import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/env.js';
import { createRouter } from '../../http/router.js';
import { notFound } from '../../errors.js';
import { authorize } from '../../policies/policies.js';
import { createWebhookCommand, deleteWebhookCommand, redeliverCommand, updateWebhookCommand } from '../commands/webhooks.js';
import { clientIp, ERRORS, jsonBody, jsonContent } from '../http.js';
import { presentDelivery, presentWebhook } from '../presenters.js';
import { findWebhook, listDeliveries, listWebhooks } from '../repositories/webhooks.js';
import { CreateWebhookSchema, IdParamSchema, UpdateWebhookSchema, WebhookDeliverySchema, WebhookSchema } from '../schemas.js';

const DeliveryParamSchema = IdParamSchema.extend({
  deliveryId: z.uuid().openapi({ param: { name: 'deliveryId', in: 'path' } }),
});

/**
 * Webhooks (admins). Each delivery is a POST signed in `x-tongli-signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`
 * with the secret returned once at creation; failures are retried with backoff.
 */
export function webhookRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks',
      tags: ['webhooks'],
      summary: 'List webhooks (no secrets)',
      responses: { 200: jsonContent(z.object({ items: z.array(WebhookSchema) }), 'Webhooks'), ...ERRORS },
    }),
    async (c) => {
      authorize(c.get('principal'), 'webhook.manage');
      return c.json({ items: (await listWebhooks(c.get('deps').db.kysely)).map(presentWebhook) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks',
      tags: ['webhooks'],
      summary: 'Register a webhook (http/https URL; events or `*`); the signing `secret` is returned this once',
      request: jsonBody(CreateWebhookSchema),
      responses: { 201: jsonContent(WebhookSchema.extend({ secret: z.string() }), 'Created'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'webhook.manage');
      const { webhook, secret } = await createWebhookCommand(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('json'));
      return c.json({ ...presentWebhook(webhook), secret }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/webhooks/{id}',
      tags: ['webhooks'],
      summary: 'Change URL, events or pause/resume (active)',
      request: { params: IdParamSchema, ...jsonBody(UpdateWebhookSchema) },
      responses: { 200: jsonContent(WebhookSchema, 'Updated'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'webhook.manage');
      const webhook = await updateWebhookCommand(
        c.get('deps'),
        { principal, ip: clientIp(c) },
        c.req.valid('param').id,
        c.req.valid('json'),
      );
      return c.json(presentWebhook(webhook), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/webhooks/{id}',
      tags: ['webhooks'],
      summary: 'Delete a webhook and its delivery history',
      request: { params: IdParamSchema },
      responses: { 204: { description: 'Deleted' }, ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'webhook.manage');
      await deleteWebhookCommand(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/{id}/deliveries',
      tags: ['webhooks'],
      summary: 'Recent deliveries of a webhook: status, attempts, response status, last error',
      request: { params: IdParamSchema, query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }) },
      responses: { 200: jsonContent(z.object({ items: z.array(WebhookDeliverySchema) }), 'Deliveries'), ...ERRORS },
    }),
    async (c) => {
      authorize(c.get('principal'), 'webhook.manage');
      const { db } = c.get('deps');
      const id = c.req.valid('param').id;
      if (!(await findWebhook(db.kysely, id))) throw notFound('webhook');
      return c.json({ items: (await listDeliveries(db.kysely, id, c.req.valid('query').limit)).map(presentDelivery) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/{id}/deliveries/{deliveryId}/redeliver',
      tags: ['webhooks'],
      summary: 'Send one delivery again (queued as a new job)',
      request: { params: DeliveryParamSchema },
      responses: { 202: jsonContent(WebhookDeliverySchema, 'Queued'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'webhook.manage');
      const { id, deliveryId } = c.req.valid('param');
      return c.json(presentDelivery(await redeliverCommand(c.get('deps'), { principal, ip: clientIp(c) }, id, deliveryId)), 202);
    },
  );

  return app;
}
