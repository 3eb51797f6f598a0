import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/env.js';
import { createRouter } from '../../http/router.js';
import { authorize } from '../../policies/policies.js';
import { ERRORS, jsonContent } from '../http.js';
import { presentAuditEntry } from '../presenters.js';
import { listAudit } from '../repositories/audit.js';
import { AuditEntrySchema } from '../schemas.js';

const AuditQuerySchema = z.object({
  action: z.string().max(100).optional().openapi({ description: 'Exact action (`user.created`), or a prefix ending in `.` (`user.`)' }),
  actor: z.uuid().optional().openapi({ description: 'User or token id' }),
  before: z.coerce.number().int().min(1).optional().openapi({ description: 'Entries with a smaller id (next page)' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The audit log (admins), newest first. */
export function auditRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      tags: ['audit'],
      summary: 'Audit log entries, newest first; page with `before`',
      request: { query: AuditQuerySchema },
      responses: { 200: jsonContent(z.object({ items: z.array(AuditEntrySchema) }), 'Entries'), ...ERRORS },
    }),
    async (c) => {
      authorize(c.get('principal'), 'audit.read');
      const rows = await listAudit(c.get('deps').db.kysely, c.req.valid('query'));
      return c.json({ items: rows.map(presentAuditEntry) }, 200);
    },
  );
  return app;
}
