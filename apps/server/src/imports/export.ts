import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { createRedactor } from '@tongli/engine';
import { forbidden } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import { ErrorSchema } from '../http/schemas.js';
import { authorize } from '../policies/policies.js';
import { writeAudit } from '../repositories/audit.js';
import type { Executor } from '../repositories/jobs.js';
import { clientIp } from '../http/client-ip.js';

/** Conversations read per page while streaming an export. */
const PAGE = 100;

const redactor = createRedactor();

const CSV_COLUMNS = [
  'conversation_id',
  'inbox_id',
  'channel',
  'status',
  'subject',
  'conversation_created_at',
  'resolved_at',
  'message_id',
  'role',
  'created_at',
  'text',
  'emotion',
  'intensity',
  'sentiment',
  'empathy',
  'signals',
  'conversation_last_emotion',
  'conversation_empathy_score',
  'conversation_satisfaction',
] as const;

/** One CSV cell: quoted, and defused when a spreadsheet would read it as a formula. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.join(' ') : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

interface ExportQuery {
  from?: string | undefined;
  to?: string | undefined;
}

/** Pages through conversations created in [from, to) with their messages and analyses, oldest first. */
async function* pages(db: Executor, q: ExportQuery) {
  let after: { at: Date; id: string } | undefined;
  for (;;) {
    let query = db
      .selectFrom('conversations')
      .innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id')
      .leftJoin('conversation_analyses', 'conversation_analyses.conversation_id', 'conversations.id')
      .select([
        'conversations.id',
        'conversations.inbox_id',
        'inboxes.channel',
        'conversations.status',
        'conversations.subject',
        'conversations.tags',
        'conversations.created_at',
        'conversations.resolved_at',
        'conversation_analyses.last_emotion',
        'conversation_analyses.empathy_score',
        'conversation_analyses.satisfaction',
        'conversation_analyses.risk',
      ]);
    if (q.from) query = query.where('conversations.created_at', '>=', new Date(q.from));
    if (q.to) query = query.where('conversations.created_at', '<', new Date(q.to));
    if (after) {
      const cursor = after;
      query = query.where((eb) =>
        eb.or([
          eb('conversations.created_at', '>', cursor.at),
          eb.and([eb('conversations.created_at', '=', cursor.at), eb('conversations.id', '>', cursor.id)]),
        ]),
      );
    }
    const conversations = await query.orderBy('conversations.created_at').orderBy('conversations.id').limit(PAGE).execute();
    if (conversations.length === 0) return;
    const messages = await db
      .selectFrom('messages')
      .leftJoin('message_analyses', 'message_analyses.message_id', 'messages.id')
      .select([
        'messages.id',
        'messages.conversation_id',
        'messages.type',
        'messages.sender_type',
        'messages.body',
        'messages.created_at',
        'message_analyses.emotion',
        'message_analyses.intensity',
        'message_analyses.sentiment',
        'message_analyses.empathy',
        'message_analyses.signals',
      ])
      .where(
        'messages.conversation_id',
        'in',
        conversations.map((c) => c.id),
      )
      .where('messages.type', 'in', ['incoming', 'outgoing'])
      .orderBy('messages.seq')
      .execute();
    const byConversation = new Map<string, typeof messages>();
    for (const m of messages) {
      const list = byConversation.get(m.conversation_id);
      if (list) list.push(m);
      else byConversation.set(m.conversation_id, [m]);
    }
    yield conversations.map((c) => ({ ...c, messages: byConversation.get(c.id) ?? [] }));
    const last = conversations.at(-1);
    if (!last || conversations.length < PAGE) return;
    after = { at: last.created_at, id: last.id };
  }
}

/** PII-safe export of conversations with messages and analyses (CSV one row per message, or JSONL one per conversation). */
export function exportRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/exports/conversations',
      tags: ['exports'],
      summary:
        'Stream conversations with messages and analyses; phones, ID numbers, bank cards and e-mails are redacted unless an admin asks redact=false (audited)',
      request: {
        query: z.object({
          format: z.enum(['csv', 'jsonl']).default('jsonl'),
          from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
          to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
          redact: z.enum(['true', 'false']).default('true'),
        }),
      },
      responses: {
        200: {
          description: 'The export, streamed',
          content: { 'text/csv': { schema: z.string() }, 'application/x-ndjson': { schema: z.string() } },
        },
        400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
        401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorSchema } } },
        403: { description: 'Not allowed', content: { 'application/json': { schema: ErrorSchema } } },
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const principal = c.get('principal');
      authorize(principal, 'export.read');
      const q = c.req.valid('query');
      const redact = q.redact !== 'false';
      if (!redact && principal.role !== 'admin') throw forbidden('only admins may export without redaction');
      await writeAudit(db.kysely, principal, 'export.conversations', {
        details: { format: q.format, from: q.from ?? null, to: q.to ?? null, redacted: redact },
        ip: clientIp(c),
      });
      const clean = (text: string): string => (redact ? redactor.redact(text) : text);
      const encoder = new TextEncoder();
      const source = pages(db.kysely, q);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          if (q.format === 'csv') controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(',')}\n`));
        },
        async pull(controller) {
          try {
            const next = await source.next();
            if (next.done) {
              controller.close();
              return;
            }
            let out = '';
            for (const conv of next.value) {
              if (q.format === 'jsonl') {
                out += `${JSON.stringify({
                  id: conv.id,
                  inboxId: conv.inbox_id,
                  channel: conv.channel,
                  status: conv.status,
                  subject: clean(conv.subject),
                  tags: conv.tags,
                  createdAt: conv.created_at.toISOString(),
                  resolvedAt: conv.resolved_at?.toISOString() ?? null,
                  analysis: {
                    lastEmotion: conv.last_emotion,
                    empathyScore: conv.empathy_score,
                    satisfaction: conv.satisfaction,
                    risk: conv.risk ?? [],
                  },
                  turns: conv.messages.map((m) => ({
                    id: m.id,
                    role: m.sender_type === 'customer' ? 'customer' : 'agent',
                    text: clean(m.body),
                    createdAt: m.created_at.toISOString(),
                    analysis: {
                      emotion: m.emotion,
                      intensity: m.intensity,
                      sentiment: m.sentiment,
                      empathy: m.empathy,
                      signals: m.signals ?? [],
                    },
                  })),
                })}\n`;
              } else {
                for (const m of conv.messages) {
                  out += `${[
                    conv.id,
                    conv.inbox_id,
                    conv.channel,
                    conv.status,
                    clean(conv.subject),
                    conv.created_at,
                    conv.resolved_at,
                    m.id,
                    m.sender_type === 'customer' ? 'customer' : 'agent',
                    m.created_at,
                    clean(m.body),
                    m.emotion,
                    m.intensity,
                    m.sentiment,
                    m.empathy,
                    m.signals,
                    conv.last_emotion,
                    conv.empathy_score,
                    conv.satisfaction,
                  ]
                    .map(cell)
                    .join(',')}\n`;
                }
              }
            }
            controller.enqueue(encoder.encode(out));
          } catch (error) {
            controller.error(error);
          }
        },
        async cancel() {
          await source.return(undefined);
        },
      });
      const stamp = new Date().toISOString().slice(0, 10);
      return new Response(stream, {
        status: 200,
        headers: {
          'content-type': q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
          'content-disposition': `attachment; filename="conversations-${stamp}.${q.format}"`,
          'cache-control': 'no-store',
        },
      });
    },
  );
  return app;
}
