import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError, forbidden } from '../../errors.js';
import type { AppEnv } from '../../http/env.js';
import { createRouter } from '../../http/router.js';
import { ErrorSchema, MessageSchema } from '../../http/schemas.js';
import { authorize } from '../../policies/policies.js';
import { presentMessage } from '../../presenters/presenters.js';
import { receiveEmail } from './inbound.js';

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

const InboundResultSchema = z
  .object({
    message: MessageSchema,
    threaded: z.boolean().openapi({ description: 'The email joined an existing conversation through In-Reply-To / References' }),
  })
  .openapi('InboundEmail');

const RAW_TYPES = new Set(['message/rfc822', 'text/plain']);

/**
 * `POST /channels/email/{inboxId}/inbound`: a mail relay hands over one raw RFC 822 message (API token of an admin or
 * supervisor). 201 when stored, 200 when this Message-ID was stored before.
 */
export function emailRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/channels/email/{inboxId}/inbound',
      tags: ['channels'],
      summary: 'Deliver one raw inbound email (RFC 822) to an email inbox; replies thread by In-Reply-To / References',
      security: [{ token: [] }],
      request: {
        params: z.object({ inboxId: z.uuid().openapi({ param: { name: 'inboxId', in: 'path' } }) }),
        body: {
          content: {
            'message/rfc822': { schema: z.string().openapi({ format: 'binary' }) },
            'text/plain': { schema: z.string() },
          },
          required: true,
        },
      },
      responses: {
        201: { description: 'Stored', content: { 'application/json': { schema: InboundResultSchema } } },
        200: { description: 'Already stored (same Message-ID)', content: { 'application/json': { schema: InboundResultSchema } } },
        400: errorResponse('Not an email, or no sender'),
        401: errorResponse('No valid API token'),
        403: errorResponse('Not an API token of an admin or supervisor'),
        404: errorResponse('No such email inbox'),
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      if (principal.kind !== 'token') throw forbidden('inbound email is delivered with an API token');
      authorize(principal, 'channel.ingest');
      const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!RAW_TYPES.has(type)) throw new AppError('unsupported_content_type', 400, 'send the raw email as message/rfc822 or text/plain');
      const raw = Buffer.from(await c.req.arrayBuffer());
      if (raw.length === 0) throw new AppError('invalid_email', 400, 'the body is empty');
      const received = await receiveEmail(c.get('deps'), c.req.valid('param').inboxId, raw);
      return c.json({ message: presentMessage(received.message), threaded: received.threaded }, received.created ? 201 : 200);
    },
  );
  return app;
}
