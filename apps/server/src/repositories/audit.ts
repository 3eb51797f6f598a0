import { json } from '../db/schema.js';
import type { Principal } from '../policies/policies.js';
import type { Executor } from './jobs.js';

/** Records a sensitive action: who did what to which object, from where. */
export async function writeAudit(
  db: Executor,
  actor: Principal | null,
  action: string,
  target: { type?: string; id?: string; details?: Record<string, unknown>; ip?: string | undefined } = {},
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_id: actor?.id ?? null,
      actor_type: actor ? actor.kind : 'anonymous',
      action,
      target_type: target.type ?? null,
      target_id: target.id ?? null,
      details: json(target.details ?? {}),
      ip: target.ip ?? null,
    })
    .execute();
}
