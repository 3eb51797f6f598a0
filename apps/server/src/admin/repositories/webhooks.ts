import type { Selectable } from 'kysely';
import { json, type WebhookDeliveriesTable, type WebhooksTable } from '../../db/schema.js';
import type { Executor } from '../../repositories/jobs.js';

export type WebhookRow = Omit<Selectable<WebhooksTable>, 'secret'>;
export type WebhookDeliveryRow = Omit<Selectable<WebhookDeliveriesTable>, 'payload'>;

const COLUMNS = ['id', 'url', 'events', 'active', 'created_by', 'created_at'] as const;
const DELIVERY_COLUMNS = [
  'id',
  'webhook_id',
  'event',
  'status',
  'attempts',
  'response_status',
  'last_error',
  'created_at',
  'delivered_at',
] as const;

/** Webhooks without their signing secrets. */
export async function listWebhooks(db: Executor): Promise<WebhookRow[]> {
  return db.selectFrom('webhooks').select(COLUMNS).orderBy('created_at').orderBy('id').execute();
}

export async function findWebhook(db: Executor, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function insertWebhook(
  db: Executor,
  input: { url: string; events: string[]; secret: string; createdBy: string | null },
): Promise<WebhookRow> {
  return db
    .insertInto('webhooks')
    .values({ url: input.url, events: json(input.events), secret: input.secret, created_by: input.createdBy })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function updateWebhookRow(
  db: Executor,
  id: string,
  fields: { url?: string | undefined; events?: string[] | undefined; active?: boolean | undefined },
): Promise<WebhookRow | undefined> {
  return db
    .updateTable('webhooks')
    .set({
      ...(fields.url !== undefined ? { url: fields.url } : {}),
      ...(fields.events !== undefined ? { events: json(fields.events) } : {}),
      ...(fields.active !== undefined ? { active: fields.active } : {}),
    })
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirst();
}

export async function deleteWebhookRow(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listDeliveries(db: Executor, webhookId: string, limit: number): Promise<WebhookDeliveryRow[]> {
  return db
    .selectFrom('webhook_deliveries')
    .select(DELIVERY_COLUMNS)
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function findDelivery(db: Executor, webhookId: string, deliveryId: string): Promise<WebhookDeliveryRow | undefined> {
  return db
    .selectFrom('webhook_deliveries')
    .select(DELIVERY_COLUMNS)
    .where('id', '=', deliveryId)
    .where('webhook_id', '=', webhookId)
    .executeTakeFirst();
}

/** Puts a delivery back to pending so a new `deliver_webhook` job sends it again. */
export async function resetDelivery(db: Executor, deliveryId: string): Promise<WebhookDeliveryRow> {
  return db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', last_error: null, delivered_at: null })
    .where('id', '=', deliveryId)
    .returning(DELIVERY_COLUMNS)
    .executeTakeFirstOrThrow();
}
