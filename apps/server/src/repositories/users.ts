import type { Role } from '../db/schema.js';
import { hashPassword } from '../security/secrets.js';
import type { Executor } from './jobs.js';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
  locale?: string;
  teamIds?: string[];
  skills?: string[];
}

/** Creates a user with a scrypt-hashed password and team memberships. */
export async function createUser(db: Executor, input: NewUser): Promise<{ id: string }> {
  const user = await db
    .insertInto('users')
    .values({
      email: input.email.trim().toLowerCase(),
      name: input.name,
      role: input.role,
      password_hash: await hashPassword(input.password),
      skills: JSON.stringify(input.skills ?? []),
      ...(input.locale ? { locale: input.locale } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (input.teamIds?.length) {
    await db
      .insertInto('team_members')
      .values(input.teamIds.map((team_id) => ({ team_id, user_id: user.id })))
      .execute();
  }
  return user;
}

export async function createTeam(db: Executor, name: string): Promise<{ id: string }> {
  return db.insertInto('teams').values({ name }).returning('id').executeTakeFirstOrThrow();
}
