import { sql } from 'kysely';
import { json, type Customer, type IdentityKind } from '../db/schema.js';
import type { Executor } from './jobs.js';

export interface IdentityInput {
  kind: IdentityKind;
  value: string;
}

/** Identities are matched case-insensitively for email, digits-only for phone. */
export function normalizeIdentity(identity: IdentityInput): IdentityInput {
  const value = identity.value.trim();
  if (identity.kind === 'email') return { kind: 'email', value: value.toLowerCase() };
  if (identity.kind === 'phone') return { kind: 'phone', value: value.replace(/[^\d+]/g, '').replace(/^(\+?86|0086)(?=1\d{10}$)/, '') };
  return { kind: identity.kind, value };
}

/** Follows merges to the surviving customer. */
export async function resolveCustomerId(db: Executor, id: string): Promise<string> {
  let current = id;
  for (let hop = 0; hop < 10; hop++) {
    const row = await db.selectFrom('customers').select('merged_into').where('id', '=', current).executeTakeFirst();
    if (!row?.merged_into) return current;
    current = row.merged_into;
  }
  return current;
}

/**
 * Finds the customer holding any of the identities, or creates one; missing identities are attached to them.
 * @example
 * const customer = await findOrCreateCustomer(trx, [{ kind: 'email', value: 'li@example.com' }], { name: '李女士' });
 */
export async function findOrCreateCustomer(
  db: Executor,
  identities: IdentityInput[],
  profile: { name?: string | undefined; locale?: string | undefined } = {},
): Promise<Customer> {
  const normalized = identities.map(normalizeIdentity).filter((identity) => identity.value !== '');
  let customerId: string | undefined;
  if (normalized.length > 0) {
    const match = await db
      .selectFrom('customer_identities')
      .select('customer_id')
      .where((eb) => eb.or(normalized.map((i) => eb.and([eb('kind', '=', i.kind), eb('value', '=', i.value)]))))
      .orderBy('created_at')
      .executeTakeFirst();
    if (match) customerId = await resolveCustomerId(db, match.customer_id);
  }
  if (!customerId) {
    const created = await db
      .insertInto('customers')
      .values({ name: profile.name ?? '', locale: profile.locale ?? null })
      .returning('id')
      .executeTakeFirstOrThrow();
    customerId = created.id;
  } else if (profile.name) {
    await db
      .updateTable('customers')
      .set({ name: profile.name, updated_at: sql`now()` })
      .where('id', '=', customerId)
      .where('name', '=', '')
      .execute();
  }
  if (normalized.length > 0) {
    await db
      .insertInto('customer_identities')
      .values(normalized.map((i) => ({ customer_id: customerId, kind: i.kind, value: i.value })))
      .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
      .execute();
  }
  return db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow();
}

/** Moves identities and conversations of `fromId` to `intoId` and marks `fromId` merged. */
export async function mergeCustomers(db: Executor, intoId: string, fromId: string): Promise<void> {
  await db.updateTable('customer_identities').set({ customer_id: intoId }).where('customer_id', '=', fromId).execute();
  await db.updateTable('conversations').set({ customer_id: intoId }).where('customer_id', '=', fromId).execute();
  const from = await db.selectFrom('customers').select(['name', 'attributes']).where('id', '=', fromId).executeTakeFirstOrThrow();
  const into = await db.selectFrom('customers').select(['name', 'attributes']).where('id', '=', intoId).executeTakeFirstOrThrow();
  await db
    .updateTable('customers')
    .set({
      name: into.name || from.name,
      attributes: json({ ...from.attributes, ...into.attributes }),
      updated_at: sql`now()`,
    })
    .where('id', '=', intoId)
    .execute();
  await db
    .updateTable('customers')
    .set({ merged_into: intoId, updated_at: sql`now()` })
    .where('id', '=', fromId)
    .execute();
}

export async function listIdentities(db: Executor, customerId: string): Promise<IdentityInput[]> {
  return db
    .selectFrom('customer_identities')
    .select(['kind', 'value'])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .execute();
}
