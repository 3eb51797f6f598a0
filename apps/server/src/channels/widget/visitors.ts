import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Message } from '../../db/schema.js';
import { mergeCustomers, normalizeIdentity, resolveCustomerId } from '../../repositories/customers.js';
import type { Executor } from '../../repositories/jobs.js';
import { createSecret, hashToken, safeEqual } from '../../security/secrets.js';
import type { SignedIdentity } from './protocol.js';

/*
 * Visitor tokens are stored as customer identities of kind `visitor` whose value is the token's SHA-256, rather than
 * in a table of their own: a visitor *is* an identity of a customer, so merges (mergeCustomers moves identities) and
 * the customer-360 lookups keep working without special cases, the unique (kind, value) index is the lookup index,
 * and a leaked database does not let anyone act as a visitor (the plain token lives only in the visitor's browser).
 */

export interface Visitor {
  customerId: string;
  /** The plain token, to hand back to the browser. */
  visitorToken: string;
  tokenHash: string;
  /** A customer made just now: they have no conversations yet, so there is nothing to look up or replay. */
  created?: boolean;
}

/** Whether `signature` is hex HMAC-SHA256(secret, externalId), compared in constant time. */
export function verifyIdentitySignature(secret: string, identity: Pick<SignedIdentity, 'externalId' | 'signature'>): boolean {
  const expected = createHmac('sha256', secret).update(identity.externalId).digest('hex');
  return safeEqual(expected, identity.signature.toLowerCase());
}

/** The (surviving) customer holding the identity: one query unless the customer was merged. */
async function customerWithIdentity(db: Executor, kind: 'visitor' | 'external', value: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('customer_identities')
    .innerJoin('customers', 'customers.id', 'customer_identities.customer_id')
    .select(['customer_identities.customer_id', 'customers.merged_into'])
    .where('customer_identities.kind', '=', kind)
    .where('customer_identities.value', '=', value)
    .executeTakeFirst();
  if (!row) return undefined;
  return row.merged_into ? resolveCustomerId(db, row.merged_into) : row.customer_id;
}

/** A new anonymous customer with a new visitor token, in one statement (atomic without a transaction). */
async function createAnonymousVisitor(db: Executor): Promise<Visitor> {
  const visitorToken = createSecret('tv_');
  const tokenHash = hashToken(visitorToken);
  const { rows } = await sql<{ customer_id: string }>`
    with customer as (insert into customers (name) values ('') returning id)
    insert into customer_identities (customer_id, kind, value) select id, 'visitor', ${tokenHash} from customer
    returning customer_id`.execute(db);
  const customerId = rows[0]?.customer_id;
  if (!customerId) throw new Error('tongli: creating an anonymous visitor returned no row');
  return { customerId, visitorToken, tokenHash, created: true };
}

async function hasExternalIdentity(db: Executor, customerId: string): Promise<boolean> {
  const row = await db
    .selectFrom('customer_identities')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('kind', '=', 'external')
    .executeTakeFirst();
  return row !== undefined;
}

async function createCustomer(db: Executor, name: string | undefined): Promise<string> {
  const row = await db
    .insertInto('customers')
    .values({ name: name ?? '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function addIdentity(db: Executor, customerId: string, kind: 'visitor' | 'external' | 'email', value: string): Promise<void> {
  const identity = normalizeIdentity({ kind, value });
  await db
    .insertInto('customer_identities')
    .values({ customer_id: customerId, kind: identity.kind, value: identity.value })
    .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
    .execute();
}

async function issueToken(db: Executor, customerId: string): Promise<Visitor> {
  const visitorToken = createSecret('tv_');
  const tokenHash = hashToken(visitorToken);
  await addIdentity(db, customerId, 'visitor', tokenHash);
  return { customerId, visitorToken, tokenHash };
}

/**
 * The customer behind a widget visitor. An unknown or missing token gets a new anonymous customer and token. A
 * verified identity (the caller checked the signature) links the visitor to the customer with that external id: an
 * anonymous visitor is merged into that customer; a visitor already known as someone else gets a fresh token, so one
 * shared browser never joins two people's histories.
 *
 * Without an identity this is one statement (a lookup, or the insert of a new visitor), so it needs no transaction;
 * with an identity it writes several rows and must run in one.
 */
export async function resolveVisitor(
  db: Executor,
  visitorToken: string | undefined,
  identity: SignedIdentity | undefined,
): Promise<Visitor> {
  const tokenHash = visitorToken ? hashToken(visitorToken) : undefined;
  const known = tokenHash ? await customerWithIdentity(db, 'visitor', tokenHash) : undefined;
  const current = known && visitorToken && tokenHash ? { customerId: known, visitorToken, tokenHash } : undefined;
  if (!identity) return current ?? createAnonymousVisitor(db);

  let visitor: Visitor;
  const owner = await customerWithIdentity(db, 'external', identity.externalId);
  if (current && owner === current.customerId) {
    visitor = current;
  } else if (current && !(await hasExternalIdentity(db, current.customerId))) {
    if (owner) {
      await mergeCustomers(db, owner, current.customerId);
      visitor = { ...current, customerId: owner };
    } else {
      await addIdentity(db, current.customerId, 'external', identity.externalId);
      visitor = current;
    }
  } else {
    const customerId = owner ?? (await createCustomer(db, identity.name));
    if (!owner) await addIdentity(db, customerId, 'external', identity.externalId);
    visitor = await issueToken(db, customerId);
  }
  if (identity.email) await addIdentity(db, visitor.customerId, 'email', identity.email);
  if (identity.name) {
    await db
      .updateTable('customers')
      .set({ name: identity.name, updated_at: sql`now()` })
      .where('id', '=', visitor.customerId)
      .where('name', '=', '')
      .execute();
  }
  return visitor;
}

export interface ConversationScope {
  id: string;
  team_id: string | null;
  assignee_id: string | null;
  inbox_id: string;
}

/** The visitor's newest conversation in the inbox that is not resolved. */
export async function findOpenConversation(db: Executor, customerId: string, inboxId: string): Promise<ConversationScope | undefined> {
  return db
    .selectFrom('conversations')
    .select(['id', 'team_id', 'assignee_id', 'inbox_id'])
    .where('customer_id', '=', customerId)
    .where('inbox_id', '=', inboxId)
    .where('status', '!=', 'resolved')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Customer and agent messages (never notes or activity) of the visitor's conversations in the inbox after `lastSeq`. */
export async function visibleMessagesSince(
  db: Executor,
  customerId: string,
  inboxId: string,
  lastSeq: number,
  limit: number,
): Promise<Message[]> {
  const rows = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .selectAll('messages')
    .where('conversations.customer_id', '=', customerId)
    .where('conversations.inbox_id', '=', inboxId)
    .where('messages.seq', '>', lastSeq)
    .where('messages.type', 'in', ['incoming', 'outgoing'])
    .orderBy('messages.seq', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}

/** A message stored earlier under this idempotency key, with its conversation's customer. */
export async function findMessageByKey(db: Executor, key: string): Promise<{ id: string; seq: number; customerId: string } | undefined> {
  const row = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.id', 'messages.seq', 'conversations.customer_id'])
    .where('messages.idempotency_key', '=', key)
    .executeTakeFirst();
  return row ? { id: row.id, seq: Number(row.seq), customerId: row.customer_id } : undefined;
}
