import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError, badRequest, notFound } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import { ErrorSchema, IdParamSchema } from '../http/schemas.js';
import { authorize } from '../policies/policies.js';
import { writeAudit } from '../repositories/audit.js';
import { ImportFormatError, readImport, type SkippedRow } from './reader.js';
import { MAX_SKIPS_KEPT, refreshAnalyzed, saveProgress, storeDialogue } from './store.js';

/** Largest import accepted, counted while streaming (the file is never held whole). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** Progress is saved every this many conversations, so GET shows it while a large file is stored. */
const SAVE_EVERY = 50;

const errors = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
  413: { description: 'Too large', content: { 'application/json': { schema: ErrorSchema } } },
};

const ImportBatchSchema = z
  .object({
    id: z.uuid(),
    inboxId: z.uuid(),
    status: z.enum(['running', 'done', 'failed']),
    total: z.number().openapi({ description: 'Conversations read (stored or skipped)' }),
    imported: z.number(),
    analyzed: z.number().openapi({ description: 'Stored conversations whose every message is analysed' }),
    skipped: z.array(z.object({ line: z.number(), reason: z.string() })),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('ImportBatch');

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

function present(row: {
  id: string;
  inbox_id: string;
  status: 'running' | 'done' | 'failed';
  total: number;
  imported: number;
  analyzed: number;
  skipped: unknown[];
  created_at: Date;
  finished_at: Date | null;
}) {
  return {
    id: row.id,
    inboxId: row.inbox_id,
    status: row.status,
    total: row.total,
    imported: row.imported,
    analyzed: row.analyzed,
    skipped: row.skipped as SkippedRow[],
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** Counts bytes as they stream past and stops the read once over `max`. */
async function* limited(body: ReadableStream<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    seen += chunk.byteLength;
    if (seen > max) throw new AppError('payload_too_large', 413, `an import may be at most ${max / 1024 / 1024} MB; split the file`);
    yield chunk;
  }
}

function formatOf(query: string | undefined, contentType: string | undefined): 'jsonl' | 'csv' | undefined {
  if (query === 'csv' || query === 'jsonl') return query;
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('csv')) return 'csv';
  if (type.includes('ndjson') || type.includes('jsonl') || type.includes('json')) return 'jsonl';
  return undefined;
}

/** Batch import of conversation history (JSONL or CSV), analysed in the background, with progress. */
export function importRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/imports',
      tags: ['imports'],
      summary:
        'Import conversations: the body is JSONL (application/x-ndjson) or CSV (text/csv), streamed, at most 50 MB; stored at once, analysed in the background',
      request: {
        query: z.object({ inboxId: z.uuid(), format: z.enum(['jsonl', 'csv']).optional() }),
      },
      responses: { 202: json(ImportBatchSchema, 'Stored; analysis under way'), ...errors },
    }),
    async (c) => {
      const deps = c.get('deps');
      const db = deps.db.kysely;
      const principal = c.get('principal');
      authorize(principal, 'import.run');
      const query = c.req.valid('query');
      const inbox = await db.selectFrom('inboxes').select(['id', 'team_id']).where('id', '=', query.inboxId).executeTakeFirst();
      if (!inbox) throw notFound('inbox');
      const format = formatOf(query.format, c.req.header('content-type'));
      if (!format)
        throw badRequest('unknown_format', 'say format=jsonl or format=csv (or send content-type application/x-ndjson or text/csv)');
      const body = c.req.raw.body;
      if (!body) throw badRequest('empty_body', 'the import file is missing (send it as the request body)');
      const batch = await db
        .insertInto('import_batches')
        .values({ inbox_id: inbox.id, created_by: principal.kind === 'user' ? principal.id : null })
        .returningAll()
        .executeTakeFirstOrThrow();
      await writeAudit(db, principal, 'import.run', { type: 'import_batch', id: batch.id, details: { inboxId: inbox.id, format } });
      const progress = { total: 0, imported: 0, skipped: [] as SkippedRow[] };
      let dropped = 0;
      const skip = (row: SkippedRow): void => {
        if (progress.skipped.length < MAX_SKIPS_KEPT) progress.skipped.push(row);
        else dropped++;
      };
      const summary = (): SkippedRow[] =>
        dropped > 0 ? [...progress.skipped, { line: 0, reason: `${dropped} more rows skipped` }] : progress.skipped;
      try {
        for await (const dialogue of readImport(limited(body, MAX_IMPORT_BYTES), format, skip)) {
          progress.total++;
          const reason = await storeDialogue(deps, batch.id, inbox, dialogue);
          if (reason) skip({ line: dialogue.line, reason });
          else progress.imported++;
          if (progress.total % SAVE_EVERY === 0) {
            await saveProgress(db, batch.id, { ...progress, skipped: summary() });
            deps.wakeJobs();
          }
        }
      } catch (error) {
        const reason = error instanceof ImportFormatError || error instanceof AppError ? error.message : 'the upload broke off';
        await saveProgress(db, batch.id, { ...progress, skipped: [...summary(), { line: 0, reason }] }, 'failed');
        deps.wakeJobs();
        if (error instanceof ImportFormatError) throw badRequest('invalid_import', error.message);
        throw error;
      }
      await saveProgress(db, batch.id, { ...progress, skipped: summary() });
      deps.wakeJobs();
      const row = await db.selectFrom('import_batches').selectAll().where('id', '=', batch.id).executeTakeFirstOrThrow();
      return c.json(present(row), 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/imports/{id}',
      tags: ['imports'],
      summary: 'Import progress: conversations read, stored, analysed, and the rows skipped with line numbers and reasons',
      request: { params: IdParamSchema },
      responses: { 200: json(ImportBatchSchema, 'Progress'), ...errors },
    }),
    async (c) => {
      const { db } = c.get('deps');
      authorize(c.get('principal'), 'import.run');
      const batch = await db.kysely.selectFrom('import_batches').selectAll().where('id', '=', c.req.valid('param').id).executeTakeFirst();
      if (!batch) throw notFound('import');
      if (batch.status === 'running') await refreshAnalyzed(db.kysely, batch);
      const row = await db.kysely.selectFrom('import_batches').selectAll().where('id', '=', batch.id).executeTakeFirstOrThrow();
      return c.json(present(row), 200);
    },
  );

  return app;
}
