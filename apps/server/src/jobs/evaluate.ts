import type { Turn } from '@tongli/engine';
import { sql } from 'kysely';
import { json } from '../db/schema.js';
import type { Deps } from '../deps.js';

/** Scores a conversation on the empathy scorecard (kind `auto`), replacing an earlier auto evaluation. */
export async function evaluateConversation(deps: Deps, conversationId: string): Promise<void> {
  const db = deps.db.kysely;
  const conversation = await db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst();
  if (!conversation) return;
  const messages = await db
    .selectFrom('messages')
    .select(['type', 'body', 'sender_id'])
    .where('conversation_id', '=', conversationId)
    .where('type', 'in', ['incoming', 'outgoing'])
    .orderBy('seq')
    .execute();
  if (!messages.some((m) => m.type === 'outgoing')) return;
  const turns: Turn[] = messages.map((m) => ({ role: m.type === 'incoming' ? 'customer' : 'agent', text: m.body }));
  const customer = await db.selectFrom('customers').select('name').where('id', '=', conversation.customer_id).executeTakeFirst();
  const analysis = deps.engine.analyzeConversation(conversationId, turns, customer?.name);
  // The agent evaluated is the one who wrote most replies.
  const counts = new Map<string, number>();
  for (const m of messages) if (m.type === 'outgoing' && m.sender_id) counts.set(m.sender_id, (counts.get(m.sender_id) ?? 0) + 1);
  const agentId = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? conversation.assignee_id;
  const result = {
    scorecard: analysis.scorecard,
    empathyScore: analysis.empathyScore,
    satisfaction: analysis.satisfaction,
    turnaround: analysis.turnaround,
    structure: analysis.structure,
    engine: { version: deps.engine.version, lexiconHash: deps.engine.lexiconHash },
  };
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('evaluations').where('conversation_id', '=', conversationId).where('kind', '=', 'auto').execute();
    await trx
      .insertInto('evaluations')
      .values({
        conversation_id: conversationId,
        agent_id: agentId ?? null,
        kind: 'auto',
        scorecard: analysis.scorecard.id,
        score: analysis.scorecard.total,
        result: json(result),
        updated_at: sql`now()`,
      })
      .execute();
  });
  deps.bus.publish({
    type: 'evaluation.created',
    conversationId,
    teamId: conversation.team_id,
    assigneeId: conversation.assignee_id,
    data: { conversationId, score: analysis.scorecard.total },
  });
}
