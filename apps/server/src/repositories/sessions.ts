import { sql } from 'kysely';
import type { Principal } from '../policies/policies.js';
import { createSecret, hashToken } from '../security/secrets.js';
import type { Executor } from './jobs.js';

export const SESSION_DAYS = 7;

/** Creates a session; only the hash of the returned token is stored. */
export async function createSession(db: Executor, userId: string): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = createSecret();
  const csrfToken = createSecret();
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  await db
    .insertInto('sessions')
    .values({ token_hash: hashToken(token), user_id: userId, csrf_token: csrfToken, expires_at: expiresAt })
    .execute();
  return { token, csrfToken, expiresAt };
}

export async function deleteSession(db: Executor, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
}

async function teamIdsOf(db: Executor, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('team_members').select('team_id').where('user_id', '=', userId).execute();
  return rows.map((row) => row.team_id);
}

/** The principal behind a session cookie, or undefined when unknown, expired or the user is disabled. */
export async function principalForSession(db: Executor, token: string): Promise<{ principal: Principal; csrfToken: string } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.name', 'users.role', 'sessions.csrf_token'])
    .where('sessions.token_hash', '=', hashToken(token))
    .where('sessions.expires_at', '>', sql<Date>`now()`)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    principal: { kind: 'user', id: row.id, name: row.name, role: row.role, teamIds: await teamIdsOf(db, row.id) },
    csrfToken: row.csrf_token,
  };
}

/** The principal behind an API token (`tl_…`), or undefined when unknown or revoked. */
export async function principalForToken(db: Executor, token: string): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'last_used_at'])
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  // Last use is kept to the minute: a write per request would halve ingest throughput.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: sql`now()` })
      .where('id', '=', row.id)
      .execute();
  }
  return { kind: 'token', id: row.id, name: row.name, role: row.role, teamIds: [] };
}

/** Creates an API token; the plain token is returned once and only its hash is kept. */
export async function createApiToken(
  db: Executor,
  input: { name: string; role: Principal['role']; createdBy: string | null },
): Promise<{ id: string; token: string }> {
  const token = createSecret('tl_');
  const row = await db
    .insertInto('api_tokens')
    .values({ name: input.name, role: input.role, token_hash: hashToken(token), prefix: token.slice(0, 7), created_by: input.createdBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}
