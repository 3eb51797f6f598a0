import type { Selectable } from 'kysely';
import type { AuditLogTable } from '../../db/schema.js';
import type { Executor } from '../../repositories/jobs.js';

export type AuditRow = Selectable<AuditLogTable>;

/** Audit entries, newest first; `action` ending in `.` matches every action under that noun (`user.`). */
export async function listAudit(
  db: Executor,
  filter: { action?: string | undefined; actor?: string | undefined; before?: number | undefined; limit: number },
): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.action) {
    query = filter.action.endsWith('.')
      ? query.where('action', 'like', `${filter.action.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`)
      : query.where('action', '=', filter.action);
  }
  if (filter.actor) query = query.where('actor_id', '=', filter.actor);
  if (filter.before !== undefined) query = query.where('id', '<', filter.before);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}
