import type { Db } from '../db/database.js';
import type { Principal } from '../policies/policies.js';
import { principalForToken } from '../repositories/sessions.js';
import { hashToken } from '../security/secrets.js';

/** How long a process trusts a token it has checked; a revocation elsewhere takes effect here within this time. */
const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;
const caches = new WeakMap<Db, Map<string, { principal: Principal; until: number }>>();

/**
 * The principal of an API token, checked against the database at most every few seconds per token: integrations post
 * thousands of messages a second with one token, and a lookup per request would be a query per message.
 */
export async function cachedPrincipalForToken(db: Db, token: string, now = Date.now()): Promise<Principal | undefined> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  const key = hashToken(token);
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.principal;
  const principal = await principalForToken(db.kysely, token);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  if (principal) cache.set(key, { principal, until: now + TTL_MS });
  else cache.delete(key);
  return principal;
}

/** Drops every cached token of this database (after a revocation in this process). */
export function forgetCachedTokens(db: Db): void {
  caches.get(db)?.clear();
}
