import type { Role } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { notFound } from '../../errors.js';
import type { Principal } from '../../policies/policies.js';
import { forgetCachedTokens } from '../../http/token-cache.js';
import { writeAudit } from '../../repositories/audit.js';
import { createApiToken } from '../../repositories/sessions.js';
import { findApiToken, revokeApiToken, type ApiTokenRow } from '../repositories/tokens.js';

interface Actor {
  principal: Principal;
  ip: string | undefined;
}

/** Creates an API token; the plain token is returned here once and only its hash is stored. */
export async function createApiTokenCommand(
  deps: Deps,
  actor: Actor,
  input: { name: string; role: Role },
): Promise<{ row: ApiTokenRow; token: string }> {
  const created = await deps.db.kysely.transaction().execute(async (trx) => {
    const result = await createApiToken(trx, {
      name: input.name,
      role: input.role,
      createdBy: actor.principal.kind === 'user' ? actor.principal.id : null,
    });
    await writeAudit(trx, actor.principal, 'token.created', {
      type: 'api_token',
      id: result.id,
      details: { name: input.name, role: input.role },
      ip: actor.ip,
    });
    return result;
  });
  return { row: (await findApiToken(deps.db.kysely, created.id))!, token: created.token };
}

/** Revokes a token: the next request with it gets 401 `invalid_token`. */
export async function revokeApiTokenCommand(deps: Deps, actor: Actor, id: string): Promise<ApiTokenRow> {
  const before = await findApiToken(deps.db.kysely, id);
  if (!before) throw notFound('API token');
  await deps.db.kysely.transaction().execute(async (trx) => {
    await revokeApiToken(trx, id);
    await writeAudit(trx, actor.principal, 'token.revoked', { type: 'api_token', id, details: { name: before.name }, ip: actor.ip });
  });
  forgetCachedTokens(deps.db);
  return (await findApiToken(deps.db.kysely, id))!;
}
