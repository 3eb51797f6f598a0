import type { Role } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { AppError, badRequest, notFound } from '../../errors.js';
import type { Principal } from '../../policies/policies.js';
import { writeAudit } from '../../repositories/audit.js';
import { createUser, type NewUser } from '../../repositories/users.js';
import {
  countActiveAdmins,
  deleteUserSessions,
  findUser,
  missingIds,
  setUserDisabled,
  setUserPassword,
  setUserTeams,
  updateUserFields,
  type UserWithTeams,
} from '../repositories/users.js';

interface Actor {
  principal: Principal;
  ip: string | undefined;
}

async function checkTeams(deps: Deps, teamIds: string[] | undefined): Promise<void> {
  const missing = await missingIds(deps.db.kysely, 'teams', teamIds ?? []);
  if (missing.length > 0) throw badRequest('unknown_team', `no team with id ${missing.join(', ')}`);
}

/** Creates a user (password hashed by `createUser`); audited as `user.created`. */
export async function createUserAccount(deps: Deps, actor: Actor, input: NewUser): Promise<UserWithTeams> {
  await checkTeams(deps, input.teamIds);
  const id = await deps.db.kysely.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom('users').select('id').where('email', '=', input.email.trim().toLowerCase()).executeTakeFirst();
    if (exists) throw new AppError('email_taken', 409, 'a user with this email already exists');
    const user = await createUser(trx, input);
    await writeAudit(trx, actor.principal, 'user.created', {
      type: 'user',
      id: user.id,
      details: { email: input.email.trim().toLowerCase(), role: input.role },
      ip: actor.ip,
    });
    return user.id;
  });
  return (await findUser(deps.db.kysely, id))!;
}

export interface UserUpdate {
  name?: string | undefined;
  role?: Role | undefined;
  locale?: string | undefined;
  skills?: string[] | undefined;
  teamIds?: string[] | undefined;
}

/** Changes profile, role or teams; a role change is audited as `user.role_changed`, the rest as `user.updated`. */
export async function updateUserAccount(deps: Deps, actor: Actor, id: string, input: UserUpdate): Promise<UserWithTeams> {
  const before = await findUser(deps.db.kysely, id);
  if (!before) throw notFound('user');
  await checkTeams(deps, input.teamIds);
  const roleChanged = input.role !== undefined && input.role !== before.role;
  if (roleChanged && before.role === 'admin') await keepAnAdmin(deps, before);
  await deps.db.kysely.transaction().execute(async (trx) => {
    await updateUserFields(trx, id, input);
    if (input.teamIds) await setUserTeams(trx, id, input.teamIds);
    if (roleChanged) {
      await writeAudit(trx, actor.principal, 'user.role_changed', {
        type: 'user',
        id,
        details: { from: before.role, to: input.role },
        ip: actor.ip,
      });
    }
    const fields = (['name', 'locale', 'skills', 'teamIds'] as const).filter((field) => input[field] !== undefined);
    if (fields.length > 0) await writeAudit(trx, actor.principal, 'user.updated', { type: 'user', id, details: { fields }, ip: actor.ip });
  });
  return (await findUser(deps.db.kysely, id))!;
}

/** Refuses to disable or demote the last active admin (nobody could manage users any more). */
async function keepAnAdmin(deps: Deps, user: UserWithTeams): Promise<void> {
  if (user.role === 'admin' && !user.disabled_at && (await countActiveAdmins(deps.db.kysely)) <= 1) {
    throw new AppError('last_admin', 409, 'the last active admin cannot be disabled or demoted');
  }
}

/** Disables (and signs out everywhere) or re-enables a user; audited as `user.disabled` / `user.enabled`. */
export async function setUserAccountDisabled(deps: Deps, actor: Actor, id: string, disabled: boolean): Promise<UserWithTeams> {
  const before = await findUser(deps.db.kysely, id);
  if (!before) throw notFound('user');
  if (disabled && actor.principal.kind === 'user' && actor.principal.id === id) {
    throw new AppError('cannot_disable_self', 409, 'you cannot disable your own account');
  }
  if (disabled) await keepAnAdmin(deps, before);
  await deps.db.kysely.transaction().execute(async (trx) => {
    await setUserDisabled(trx, id, disabled);
    if (disabled) await deleteUserSessions(trx, id);
    await writeAudit(trx, actor.principal, disabled ? 'user.disabled' : 'user.enabled', { type: 'user', id, ip: actor.ip });
  });
  return (await findUser(deps.db.kysely, id))!;
}

/** Sets a new password and signs the user out everywhere; audited as `user.password_reset` (never the password). */
export async function resetUserPassword(deps: Deps, actor: Actor, id: string, password: string): Promise<void> {
  const before = await findUser(deps.db.kysely, id);
  if (!before) throw notFound('user');
  await deps.db.kysely.transaction().execute(async (trx) => {
    await setUserPassword(trx, id, password);
    await deleteUserSessions(trx, id);
    await writeAudit(trx, actor.principal, 'user.password_reset', { type: 'user', id, ip: actor.ip });
  });
}
