import { sql } from 'kysely';
import type { Executor } from '../../repositories/jobs.js';

export interface TeamRow {
  id: string;
  name: string;
  created_at: Date;
  member_ids: string[];
}

const memberIds = sql<
  string[]
>`coalesce((select array_agg(tm.user_id::text order by tm.user_id) from team_members tm where tm.team_id = teams.id), '{}')`.as(
  'member_ids',
);

export async function listTeams(db: Executor): Promise<TeamRow[]> {
  return db.selectFrom('teams').select(['id', 'name', 'created_at', memberIds]).orderBy('name').execute();
}

export async function findTeam(db: Executor, id: string): Promise<TeamRow | undefined> {
  return db.selectFrom('teams').select(['id', 'name', 'created_at', memberIds]).where('id', '=', id).executeTakeFirst();
}

export async function renameTeam(db: Executor, id: string, name: string): Promise<boolean> {
  const result = await db.updateTable('teams').set({ name }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Replaces the team's members. */
export async function setTeamMembers(db: Executor, teamId: string, userIds: string[]): Promise<void> {
  await db.deleteFrom('team_members').where('team_id', '=', teamId).execute();
  if (userIds.length > 0) {
    await db
      .insertInto('team_members')
      .values([...new Set(userIds)].map((user_id) => ({ team_id: teamId, user_id })))
      .execute();
  }
}

export async function listTeamMembers(
  db: Executor,
  teamId: string,
): Promise<{ id: string; name: string; role: 'agent' | 'supervisor' | 'qa' | 'admin' }[]> {
  return db
    .selectFrom('team_members')
    .innerJoin('users', 'users.id', 'team_members.user_id')
    .select(['users.id', 'users.name', 'users.role'])
    .where('team_members.team_id', '=', teamId)
    .where('users.disabled_at', 'is', null)
    .orderBy('users.name')
    .execute();
}
