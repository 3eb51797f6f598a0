import { sql } from 'kysely';
import type { Role, User } from '../../db/schema.js';
import type { Executor } from '../../repositories/jobs.js';
import { hashPassword } from '../../security/secrets.js';

export type UserWithTeams = User & { team_ids: string[] };

/** Users with their team ids, by name; disabled users only when asked. */
export async function listUsers(db: Executor, options: { includeDisabled: boolean }): Promise<UserWithTeams[]> {
  let query = db
    .selectFrom('users')
    .selectAll('users')
    .select(
      sql<
        string[]
      >`coalesce((select array_agg(tm.team_id::text order by tm.team_id) from team_members tm where tm.user_id = users.id), '{}')`.as(
        'team_ids',
      ),
    );
  if (!options.includeDisabled) query = query.where('users.disabled_at', 'is', null);
  return query.orderBy('users.name').orderBy('users.id').execute();
}

export async function findUser(db: Executor, id: string): Promise<UserWithTeams | undefined> {
  return db
    .selectFrom('users')
    .selectAll('users')
    .select(
      sql<
        string[]
      >`coalesce((select array_agg(tm.team_id::text order by tm.team_id) from team_members tm where tm.user_id = users.id), '{}')`.as(
        'team_ids',
      ),
    )
    .where('users.id', '=', id)
    .executeTakeFirst();
}

export async function updateUserFields(
  db: Executor,
  id: string,
  fields: { name?: string | undefined; role?: Role | undefined; locale?: string | undefined; skills?: string[] | undefined },
): Promise<void> {
  const set = {
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.role !== undefined ? { role: fields.role } : {}),
    ...(fields.locale !== undefined ? { locale: fields.locale } : {}),
    ...(fields.skills !== undefined ? { skills: JSON.stringify(fields.skills) } : {}),
  };
  if (Object.keys(set).length === 0) return;
  await db.updateTable('users').set(set).where('id', '=', id).execute();
}

/** Replaces the user's team memberships. */
export async function setUserTeams(db: Executor, userId: string, teamIds: string[]): Promise<void> {
  await db.deleteFrom('team_members').where('user_id', '=', userId).execute();
  if (teamIds.length > 0) {
    await db
      .insertInto('team_members')
      .values([...new Set(teamIds)].map((team_id) => ({ team_id, user_id: userId })))
      .execute();
  }
}

export async function setUserDisabled(db: Executor, id: string, disabled: boolean): Promise<void> {
  await db
    .updateTable('users')
    .set({ disabled_at: disabled ? sql<Date>`now()` : null })
    .where('id', '=', id)
    .execute();
}

export async function setUserPassword(db: Executor, id: string, password: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(password) })
    .where('id', '=', id)
    .execute();
}

/** Signs the user out everywhere. */
export async function deleteUserSessions(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** Ids among `ids` that are not existing users / teams (for clear 4xx errors instead of FK violations). */
export async function missingIds(db: Executor, table: 'users' | 'teams', ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = await db.selectFrom(table).select('id').where('id', 'in', ids).execute();
  const known = new Set(found.map((row) => row.id));
  return ids.filter((id) => !known.has(id));
}

export async function countActiveAdmins(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
