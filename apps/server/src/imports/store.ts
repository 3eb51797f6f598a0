import { sql } from 'kysely';
import { json, type NewMessage } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { findOrCreateCustomer } from '../repositories/customers.js';
import { enqueueJob, type Executor } from '../repositories/jobs.js';
import type { ImportDialogue } from './reader.js';

/** Skipped rows kept word for word on a batch (the rest are counted in one last entry). */
export const MAX_SKIPS_KEPT = 1000;
const INSERT_CHUNK = 500;

/**
 * Stores one imported conversation with its messages (resolved, at the times the data gives) and queues its analysis
 * and automatic evaluation, in one transaction. Returns a reason instead when it cannot be stored.
 */
export async function storeDialogue(
  deps: Deps,
  batchId: string,
  inbox: { id: string; team_id: string | null },
  dialogue: ImportDialogue,
): Promise<string | null> {
  if (dialogue.turns.length === 0) return `conversation ${dialogue.id.slice(0, 80)} has no message`;
  const now = new Date();
  const base = dialogue.at ?? dialogue.turns.find((t) => t.at)?.at ?? now;
  let previous = base.getTime();
  // Turns without a time follow the one before by a millisecond, so the order survives sorting by time.
  const times = dialogue.turns.map((t) => {
    previous = t.at ? t.at.getTime() : previous + 1;
    return new Date(previous);
  });
  const last = times.at(-1) ?? base;
  return deps.db.kysely.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('conversations')
      .select('id')
      .where('inbox_id', '=', inbox.id)
      .where('external_id', '=', dialogue.id)
      .executeTakeFirst();
    if (existing) return `conversation ${dialogue.id.slice(0, 80)} is already in this inbox`;
    const customer = await findOrCreateCustomer(trx, dialogue.identities, { name: dialogue.customerName?.slice(0, 200) });
    const conversation = await trx
      .insertInto('conversations')
      .values({
        inbox_id: inbox.id,
        customer_id: customer.id,
        team_id: inbox.team_id,
        status: 'resolved',
        subject: (dialogue.subject ?? '').slice(0, 500),
        tags: json(['import']),
        external_id: dialogue.id.slice(0, 200),
        created_at: base,
        updated_at: last,
        last_message_at: last,
        resolved_at: last,
        ...(dialogue.turns.some((t) => t.role === 'agent')
          ? { first_response_at: times[dialogue.turns.findIndex((t) => t.role === 'agent')] ?? null }
          : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const rows: NewMessage[] = dialogue.turns.map((turn, i) => ({
      conversation_id: conversation.id,
      type: turn.role === 'customer' ? 'incoming' : 'outgoing',
      sender_type: turn.role,
      body: turn.role === 'customer' && deps.config.redactAtRest ? deps.redact(turn.text) : turn.text,
      metadata: json({
        importBatchId: batchId,
        ...(turn.role === 'agent' && dialogue.agent ? { agent: dialogue.agent.slice(0, 200) } : {}),
      }),
      created_at: times[i] ?? base,
    }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const ids = await trx
        .insertInto('messages')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .returning('id')
        .execute();
      // One analysis job for the chunk (the outbox, in the same transaction as the messages).
      await enqueueJob(trx, 'analyze_message', {
        messageIds: ids.map(({ id }) => id),
        importBatchId: batchId,
        conversationId: conversation.id,
      });
    }
    if (dialogue.turns.some((t) => t.role === 'agent')) await enqueueJob(trx, 'evaluate_conversation', { conversationId: conversation.id });
    return null;
  });
}

/** Saves the counters and skipped rows read so far. */
export async function saveProgress(
  db: Executor,
  batchId: string,
  progress: { total: number; imported: number; skipped: unknown[] },
  status?: 'failed',
): Promise<void> {
  await db
    .updateTable('import_batches')
    .set({
      total: progress.total,
      imported: progress.imported,
      skipped: json(progress.skipped),
      ...(status ? { status, finished_at: sql`now()` } : {}),
    })
    .where('id', '=', batchId)
    .execute();
}

/**
 * How many of the batch's conversations are fully analysed: those with no analysis job of the batch still pending.
 * Marks the batch done when every one is.
 */
export async function refreshAnalyzed(db: Executor, batch: { id: string; imported: number; status: string }): Promise<number> {
  const pending = await db
    .selectFrom('jobs')
    .select(sql<number>`count(distinct payload->>'conversationId')`.as('n'))
    .where('kind', '=', 'analyze_message')
    .where('done_at', 'is', null)
    .where(sql<boolean>`payload->>'importBatchId' = ${batch.id}`)
    .executeTakeFirstOrThrow();
  const analyzed = Math.max(0, batch.imported - Number(pending.n));
  await db
    .updateTable('import_batches')
    .set({
      analyzed,
      ...(batch.status === 'running' && analyzed >= batch.imported ? { status: 'done', finished_at: sql`now()` } : {}),
    })
    .where('id', '=', batch.id)
    .execute();
  return analyzed;
}
