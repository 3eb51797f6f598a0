import type { Deps } from '../../deps.js';
import { AppError, badRequest, notFound } from '../../errors.js';
import type { Principal } from '../../policies/policies.js';
import { writeAudit } from '../../repositories/audit.js';
import { createTeam } from '../../repositories/users.js';
import { findTeam, renameTeam, setTeamMembers, type TeamRow } from '../repositories/teams.js';
import { missingIds } from '../repositories/users.js';

interface Actor {
  principal: Principal;
  ip: string | undefined;
}

async function nameFree(deps: Deps, name: string, exceptId?: string): Promise<void> {
  let query = deps.db.kysely.selectFrom('teams').select('id').where('name', '=', name);
  if (exceptId) query = query.where('id', '!=', exceptId);
  if (await query.executeTakeFirst()) throw new AppError('team_name_taken', 409, 'a team with this name already exists');
}

export async function createTeamCommand(deps: Deps, actor: Actor, name: string): Promise<TeamRow> {
  await nameFree(deps, name);
  const id = await deps.db.kysely.transaction().execute(async (trx) => {
    const team = await createTeam(trx, name);
    await writeAudit(trx, actor.principal, 'team.created', { type: 'team', id: team.id, details: { name }, ip: actor.ip });
    return team.id;
  });
  return (await findTeam(deps.db.kysely, id))!;
}

export async function renameTeamCommand(deps: Deps, actor: Actor, id: string, name: string): Promise<TeamRow> {
  if (!(await findTeam(deps.db.kysely, id))) throw notFound('team');
  await nameFree(deps, name, id);
  await deps.db.kysely.transaction().execute(async (trx) => {
    await renameTeam(trx, id, name);
    await writeAudit(trx, actor.principal, 'team.renamed', { type: 'team', id, details: { name }, ip: actor.ip });
  });
  return (await findTeam(deps.db.kysely, id))!;
}

/** Replaces the team's members; audited as `team.members_changed`. */
export async function setTeamMembersCommand(deps: Deps, actor: Actor, id: string, userIds: string[]): Promise<TeamRow> {
  if (!(await findTeam(deps.db.kysely, id))) throw notFound('team');
  const missing = await missingIds(deps.db.kysely, 'users', userIds);
  if (missing.length > 0) throw badRequest('unknown_user', `no user with id ${missing.join(', ')}`);
  await deps.db.kysely.transaction().execute(async (trx) => {
    await setTeamMembers(trx, id, userIds);
    await writeAudit(trx, actor.principal, 'team.members_changed', { type: 'team', id, details: { userIds }, ip: actor.ip });
  });
  return (await findTeam(deps.db.kysely, id))!;
}
