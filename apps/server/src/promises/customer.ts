import type { Executor } from '../repositories/jobs.js';
import { presentPromise, type PresentedPromise } from './presenter.js';
import { listPromises } from './repository.js';

/**
 * The tracked promises still to keep (open or overdue) in the given conversations, soonest due first — for the
 * customer 360 (the caller passes only conversations the viewer may see).
 */
export async function listOpenTrackedPromises(db: Executor, conversationIds: readonly string[], now: Date): Promise<PresentedPromise[]> {
  const rows = await listPromises(db, { conversationIds, status: 'active', scope: { teams: 'all', userId: '' }, limit: 200 }, now);
  return rows.map((row) => presentPromise(row, now));
}
