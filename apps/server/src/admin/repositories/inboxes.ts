import type { Channel, Inbox } from '../../db/schema.js';
import { json } from '../../db/schema.js';
import type { Executor } from '../../repositories/jobs.js';

export async function listInboxes(db: Executor): Promise<Inbox[]> {
  return db.selectFrom('inboxes').selectAll().orderBy('name').orderBy('id').execute();
}

export async function findInbox(db: Executor, id: string): Promise<Inbox | undefined> {
  return db.selectFrom('inboxes').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertInbox(
  db: Executor,
  input: { name: string; channel: Channel; teamId: string | null; settings: Record<string, unknown> },
): Promise<Inbox> {
  return db
    .insertInto('inboxes')
    .values({ name: input.name, channel: input.channel, team_id: input.teamId, settings: json(input.settings) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateInboxRow(
  db: Executor,
  id: string,
  fields: { name?: string | undefined; teamId?: string | null | undefined; settings?: Record<string, unknown> | undefined },
): Promise<Inbox> {
  return db
    .updateTable('inboxes')
    .set({
      ...(fields.name !== undefined ? { name: fields.name } : {}),
      ...(fields.teamId !== undefined ? { team_id: fields.teamId } : {}),
      ...(fields.settings !== undefined ? { settings: json(fields.settings) } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
