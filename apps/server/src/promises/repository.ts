import { sql, type Insertable, type Selectable } from 'kysely';
import type { PromisesTable } from '../db/schema.js';
import type { Executor } from '../repositories/jobs.js';

export type PromiseRow = Selectable<PromisesTable>;

/** A promise with what a list shows next to it: the conversation's subject, customer and scope, the agent's name. */
export interface PromiseListRow extends PromiseRow {
  subject: string;
  customer_id: string;
  customer_name: string;
  agent_name: string | null;
  team_id: string | null;
  assignee_id: string | null;
  inbox_id: string;
}

export type PromiseStatusFilter = 'active' | 'open' | 'overdue' | 'fulfilled' | 'cancelled' | 'all';

/** Stores promises found in agent replies; a promise already stored for the same message and place is kept as is. */
export async function insertPromises(db: Executor, rows: Insertable<PromisesTable>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insertInto('promises')
    .values(rows)
    .onConflict((oc) => oc.columns(['message_id', 'span_start']).doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}

/** Promises with their conversation, filtered; visibility (teams) is the caller's `scope`. */
export async function listPromises(
  db: Executor,
  filter: {
    conversationIds?: readonly string[];
    agentId?: string;
    status: PromiseStatusFilter;
    scope: { teams: readonly string[] | 'all'; userId: string };
    limit: number;
  },
  now: Date,
): Promise<PromiseListRow[]> {
  if (filter.conversationIds && filter.conversationIds.length === 0) return [];
  let query = db
    .selectFrom('promises')
    .innerJoin('conversations', 'conversations.id', 'promises.conversation_id')
    .innerJoin('customers', 'customers.id', 'conversations.customer_id')
    .leftJoin('users', 'users.id', 'promises.agent_id')
    .selectAll('promises')
    .select([
      'conversations.subject',
      'conversations.customer_id',
      'customers.name as customer_name',
      'users.name as agent_name',
      'conversations.team_id',
      'conversations.assignee_id',
      'conversations.inbox_id',
    ]);
  if (filter.conversationIds) query = query.where('promises.conversation_id', 'in', filter.conversationIds);
  if (filter.agentId) query = query.where('promises.agent_id', '=', filter.agentId);
  // Overdue is also an open promise whose time has passed before the ticker marked it.
  if (filter.status === 'active') query = query.where('promises.status', 'in', ['open', 'overdue']);
  else if (filter.status === 'open') query = query.where('promises.status', '=', 'open').where('promises.due_at', '>', now);
  else if (filter.status === 'overdue')
    query = query.where((eb) =>
      eb.or([eb('promises.status', '=', 'overdue'), eb.and([eb('promises.status', '=', 'open'), eb('promises.due_at', '<=', now)])]),
    );
  else if (filter.status !== 'all') query = query.where('promises.status', '=', filter.status);
  const { teams, userId } = filter.scope;
  if (teams !== 'all') {
    query = query.where((eb) =>
      eb.or([
        eb('conversations.team_id', 'is', null),
        eb('conversations.assignee_id', '=', userId),
        ...(teams.length > 0 ? [eb('conversations.team_id', 'in', teams)] : []),
      ]),
    );
  }
  return query.orderBy('promises.due_at').limit(filter.limit).execute();
}

export async function findPromise(db: Executor, id: string): Promise<PromiseRow | undefined> {
  return db.selectFrom('promises').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Closes or reopens a promise, or moves its due time (which re-arms its reminder and overdue alert). */
export async function updatePromise(
  db: Executor,
  id: string,
  change: { status?: 'open' | 'fulfilled' | 'cancelled'; dueAt?: Date; note?: string | null },
  userId: string | null,
): Promise<PromiseRow> {
  const closing = change.status === 'fulfilled' || change.status === 'cancelled';
  return db
    .updateTable('promises')
    .set({
      ...(change.status ? { status: change.status } : {}),
      ...(closing ? { closed_at: sql`now()`, closed_by: userId } : {}),
      ...(change.status === 'open' ? { closed_at: null, closed_by: null } : {}),
      ...(change.dueAt ? { due_at: change.dueAt, due_known: true, reminded_at: null, overdue_at: null } : {}),
      ...(change.dueAt && !closing ? { status: 'open' as const } : {}),
      ...(change.note !== undefined ? { note: change.note } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Marks open promises due within `leadMs` of `now` as reminded; returns them (each once). */
export async function claimReminders(db: Executor, now: Date, leadMs: number): Promise<PromiseRow[]> {
  return db
    .updateTable('promises')
    .set({ reminded_at: now })
    .where('status', '=', 'open')
    .where('reminded_at', 'is', null)
    .where('due_at', '>', now)
    .where('due_at', '<=', new Date(now.getTime() + leadMs))
    .returningAll()
    .execute();
}

/** Marks open promises past due as overdue; returns them (each once). */
export async function claimOverdue(db: Executor, now: Date): Promise<PromiseRow[]> {
  return db
    .updateTable('promises')
    .set({ status: 'overdue', overdue_at: now })
    .where('status', '=', 'open')
    .where('due_at', '<=', now)
    .returningAll()
    .execute();
}
