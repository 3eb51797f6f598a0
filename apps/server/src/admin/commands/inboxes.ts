import type { Channel, Inbox } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { badRequest, notFound } from '../../errors.js';
import type { Principal } from '../../policies/policies.js';
import { writeAudit } from '../../repositories/audit.js';
import { createSecret } from '../../security/secrets.js';
import { findInbox, insertInbox, updateInboxRow } from '../repositories/inboxes.js';
import { missingIds } from '../repositories/users.js';

interface Actor {
  principal: Principal;
  ip: string | undefined;
}

export interface InboxSettingsInput {
  emailAddress?: string | undefined;
  greeting?: string | undefined;
  allowedOrigins?: string[] | undefined;
}

async function checkTeam(deps: Deps, teamId: string | null | undefined): Promise<void> {
  if (teamId && (await missingIds(deps.db.kysely, 'teams', [teamId])).length > 0)
    throw badRequest('unknown_team', `no team with id ${teamId}`);
}

const clean = (settings: InboxSettingsInput): Record<string, unknown> =>
  Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));

/** Email inboxes need their address; web inboxes get a generated identity secret (HMAC key for signed visitors). */
export async function createInboxCommand(
  deps: Deps,
  actor: Actor,
  input: { name: string; channel: Channel; teamId?: string | null | undefined; settings?: InboxSettingsInput | undefined },
): Promise<Inbox> {
  await checkTeam(deps, input.teamId);
  const settings = clean(input.settings ?? {});
  if (input.channel === 'email' && !settings.emailAddress)
    throw badRequest('email_address_required', 'email inboxes need settings.emailAddress');
  if (input.channel === 'web') settings.identitySecret = createSecret();
  return deps.db.kysely.transaction().execute(async (trx) => {
    const inbox = await insertInbox(trx, { name: input.name, channel: input.channel, teamId: input.teamId ?? null, settings });
    await writeAudit(trx, actor.principal, 'inbox.created', {
      type: 'inbox',
      id: inbox.id,
      details: { name: input.name, channel: input.channel },
      ip: actor.ip,
    });
    return inbox;
  });
}

export async function updateInboxCommand(
  deps: Deps,
  actor: Actor,
  id: string,
  input: {
    name?: string | undefined;
    teamId?: string | null | undefined;
    settings?: InboxSettingsInput | undefined;
    rotateIdentitySecret?: boolean | undefined;
  },
): Promise<Inbox> {
  const before = await findInbox(deps.db.kysely, id);
  if (!before) throw notFound('inbox');
  await checkTeam(deps, input.teamId);
  if (input.rotateIdentitySecret && before.channel !== 'web')
    throw badRequest('not_a_web_inbox', 'only web inboxes have an identity secret');
  let settings: Record<string, unknown> | undefined;
  if (input.settings || input.rotateIdentitySecret) {
    settings = { ...before.settings, ...clean(input.settings ?? {}) };
    if (input.rotateIdentitySecret) settings.identitySecret = createSecret();
    if (before.channel === 'email' && !settings.emailAddress)
      throw badRequest('email_address_required', 'email inboxes need settings.emailAddress');
  }
  return deps.db.kysely.transaction().execute(async (trx) => {
    const inbox = await updateInboxRow(trx, id, { name: input.name, teamId: input.teamId, settings });
    const fields = (['name', 'teamId', 'settings'] as const).filter((field) => input[field] !== undefined);
    await writeAudit(trx, actor.principal, 'inbox.updated', {
      type: 'inbox',
      id,
      details: { fields, rotatedIdentitySecret: input.rotateIdentitySecret === true },
      ip: actor.ip,
    });
    return inbox;
  });
}
