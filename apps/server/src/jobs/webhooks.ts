import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { json } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { enqueueJob } from '../repositories/jobs.js';
import { postOutbound } from '../security/outbound.js';

export const WEBHOOK_EVENTS = [
  'conversation.created',
  'conversation.updated',
  'conversation.resolved',
  'message.created',
  'message.analyzed',
  'alert.raised',
  'csat.requested',
  'csat.answered',
] as const;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` — the receiver recomputes it with the shared secret. */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** Fans an event out into one delivery (and one delivery job) per subscribed, active webhook. */
export async function fanOutWebhookEvent(deps: Deps, event: string, data: unknown): Promise<void> {
  const hooks = await deps.db.kysely.selectFrom('webhooks').select(['id', 'events']).where('active', '=', true).execute();
  const targets = hooks.filter((hook) => hook.events.includes(event) || hook.events.includes('*'));
  if (targets.length === 0) return;
  await deps.db.kysely.transaction().execute(async (trx) => {
    for (const hook of targets) {
      const delivery = await trx
        .insertInto('webhook_deliveries')
        .values({ webhook_id: hook.id, event, payload: json({ event, data, sent_at: new Date().toISOString() }) })
        .returning('id')
        .executeTakeFirstOrThrow();
      await enqueueJob(trx, 'deliver_webhook', { deliveryId: delivery.id });
    }
  });
  deps.wakeJobs();
}

/** Posts one delivery; throws on failure so the job runner retries with backoff. */
export async function deliverWebhook(deps: Deps, deliveryId: string, finalAttempt: boolean): Promise<void> {
  const db = deps.db.kysely;
  const delivery = await db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .select([
      'webhook_deliveries.id',
      'webhook_deliveries.payload',
      'webhook_deliveries.status',
      'webhook_deliveries.event',
      'webhooks.url',
      'webhooks.secret',
    ])
    .where('webhook_deliveries.id', '=', deliveryId)
    .executeTakeFirst();
  if (!delivery || delivery.status === 'delivered') return;
  const body = JSON.stringify(delivery.payload);
  let status: number | null = null;
  let error: string | null = null;
  try {
    status = await postOutbound(delivery.url, {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'tongli-webhooks/1',
        'x-tongli-event': delivery.event,
        'x-tongli-delivery': delivery.id,
        'x-tongli-signature': signWebhook(delivery.secret, body, Math.floor(Date.now() / 1000)),
      },
      body,
      timeoutMs: 10_000,
      allowPrivate: deps.config.webhooksAllowPrivate,
    });
    if (status < 200 || status >= 300) error = `HTTP ${status}`;
  } catch (caught) {
    error = (caught as Error).message;
  }
  await db
    .updateTable('webhook_deliveries')
    .set({
      attempts: sql`attempts + 1`,
      response_status: status,
      last_error: error,
      status: error ? (finalAttempt ? 'failed' : 'pending') : 'delivered',
      delivered_at: error ? null : sql`now()`,
    })
    .where('id', '=', deliveryId)
    .execute();
  if (error) throw new Error(`webhook delivery failed: ${error}`);
}
