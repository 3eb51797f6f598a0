import type { Deps } from '../../deps.js';
import { badRequest, notFound } from '../../errors.js';
import type { Principal } from '../../policies/policies.js';
import { writeAudit } from '../../repositories/audit.js';
import { enqueueJob } from '../../repositories/jobs.js';
import { privateTarget } from '../../security/outbound.js';
import { createSecret } from '../../security/secrets.js';
import {
  deleteWebhookRow,
  findDelivery,
  findWebhook,
  insertWebhook,
  resetDelivery,
  updateWebhookRow,
  type WebhookDeliveryRow,
  type WebhookRow,
} from '../repositories/webhooks.js';

interface Actor {
  principal: Principal;
  ip: string | undefined;
}

/** `*` subscribes to everything, so it absorbs any other event listed beside it. */
const normalizeEvents = (events: string[]): string[] => (events.includes('*') ? ['*'] : [...new Set(events)].sort());

/** A target that deliveries would refuse is refused now, where the admin sees why. */
function checkTarget(deps: Deps, url: string | undefined): void {
  const refused = url && !deps.config.webhooksAllowPrivate ? privateTarget(url) : undefined;
  if (refused) throw badRequest('private_address', refused);
}

/** Registers a webhook with a generated signing secret, returned here once. */
export async function createWebhookCommand(
  deps: Deps,
  actor: Actor,
  input: { url: string; events: string[] },
): Promise<{ webhook: WebhookRow; secret: string }> {
  checkTarget(deps, input.url);
  const secret = createSecret('whsec_');
  const webhook = await deps.db.kysely.transaction().execute(async (trx) => {
    const row = await insertWebhook(trx, {
      url: input.url,
      events: normalizeEvents(input.events),
      secret,
      createdBy: actor.principal.kind === 'user' ? actor.principal.id : null,
    });
    await writeAudit(trx, actor.principal, 'webhook.created', {
      type: 'webhook',
      id: row.id,
      details: { url: input.url, events: row.events },
      ip: actor.ip,
    });
    return row;
  });
  return { webhook, secret };
}

export async function updateWebhookCommand(
  deps: Deps,
  actor: Actor,
  id: string,
  input: { url?: string | undefined; events?: string[] | undefined; active?: boolean | undefined },
): Promise<WebhookRow> {
  checkTarget(deps, input.url);
  return deps.db.kysely.transaction().execute(async (trx) => {
    const row = await updateWebhookRow(trx, id, { ...input, events: input.events ? normalizeEvents(input.events) : undefined });
    if (!row) throw notFound('webhook');
    await writeAudit(trx, actor.principal, 'webhook.updated', {
      type: 'webhook',
      id,
      details: { url: row.url, events: row.events, active: row.active },
      ip: actor.ip,
    });
    return row;
  });
}

/** Deletes a webhook and its delivery history. */
export async function deleteWebhookCommand(deps: Deps, actor: Actor, id: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const before = await findWebhook(trx, id);
    if (!before || !(await deleteWebhookRow(trx, id))) throw notFound('webhook');
    await writeAudit(trx, actor.principal, 'webhook.deleted', { type: 'webhook', id, details: { url: before.url }, ip: actor.ip });
  });
}

/** Sends one delivery again as a new job (its attempts keep counting). */
export async function redeliverCommand(deps: Deps, actor: Actor, webhookId: string, deliveryId: string): Promise<WebhookDeliveryRow> {
  const delivery = await deps.db.kysely.transaction().execute(async (trx) => {
    if (!(await findDelivery(trx, webhookId, deliveryId))) throw notFound('delivery');
    const row = await resetDelivery(trx, deliveryId);
    await enqueueJob(trx, 'deliver_webhook', { deliveryId });
    await writeAudit(trx, actor.principal, 'webhook.redelivered', { type: 'webhook_delivery', id: deliveryId, ip: actor.ip });
    return row;
  });
  deps.wakeJobs();
  return delivery;
}
