import { sql, type Selectable } from 'kysely';
import type { ApiTokensTable } from '../../db/schema.js';
import type { Executor } from '../../repositories/jobs.js';

export type ApiTokenRow = Omit<Selectable<ApiTokensTable>, 'token_hash'>;

const COLUMNS = ['id', 'name', 'prefix', 'role', 'created_by', 'created_at', 'last_used_at', 'revoked_at'] as const;

/** Tokens without their hashes, newest first. */
export async function listApiTokens(db: Executor): Promise<ApiTokenRow[]> {
  return db.selectFrom('api_tokens').select(COLUMNS).orderBy('created_at', 'desc').orderBy('id').execute();
}

export async function findApiToken(db: Executor, id: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Revokes the token (idempotent: an already revoked token keeps its first revocation time). */
export async function revokeApiToken(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .execute();
}
