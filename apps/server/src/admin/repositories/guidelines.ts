import { json } from '../../db/schema.js';
import type { Executor } from '../../repositories/jobs.js';

export interface GuidelinesRow {
  version: number;
  content: unknown;
  updated_by: string | null;
  created_at: Date;
}

export async function latestGuidelines(db: Executor): Promise<GuidelinesRow | undefined> {
  return db.selectFrom('guidelines').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
}

/** The newest version number (0 when none), cheap enough to poll. */
export async function latestGuidelinesVersion(db: Executor): Promise<number> {
  const row = await db.selectFrom('guidelines').select('version').orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row?.version ?? 0;
}

export async function insertGuidelines(db: Executor, content: unknown, updatedBy: string | null): Promise<GuidelinesRow> {
  return db
    .insertInto('guidelines')
    .values({ content: json(content), updated_by: updatedBy })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listGuidelinesHistory(db: Executor, limit: number): Promise<GuidelinesRow[]> {
  return db.selectFrom('guidelines').selectAll().orderBy('version', 'desc').limit(limit).execute();
}
