import type { AgentAnalysis, CustomerAnalysis, Turn } from '@tongli/engine';
import { sql } from 'kysely';
import { json } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { enqueueWebhookEvent, relaxDurability } from '../repositories/jobs.js';

/** Conversations longer than this are analysed on their most recent turns (keeps a job bounded). */
const MAX_TURNS = 200;
/** Signals that raise a supervisor alert when a customer message carries them. */
const ALERT_SIGNALS = new Set(['abuse', 'threat', 'self_harm', 'escalation_threat']);
/** Customer messages in a row with rising anger that raise an `anger_rising` alert. */
const ANGER_RUN = 3;

export interface Alert {
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  messageId: string;
  conversationId: string;
}

/**
 * Analyses one message; when it is the conversation's latest, also refreshes the conversation's analysis (a burst of
 * messages then costs one conversation analysis per message that is still the latest, not one per message).
 * Emits `message.analyzed` and any alerts.
 */
export async function analyzeMessage(deps: Deps, messageId: string): Promise<void> {
  const db = deps.db.kysely;
  const message = await db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (!message || (message.type !== 'incoming' && message.type !== 'outgoing')) return;
  const conversation = await db.selectFrom('conversations').selectAll().where('id', '=', message.conversation_id).executeTakeFirstOrThrow();
  const customer = await db.selectFrom('customers').select('name').where('id', '=', conversation.customer_id).executeTakeFirst();
  // The turns up to and including this message (its context), plus one look-ahead row telling whether it is the latest.
  const [history, later] = await Promise.all([
    db
      .selectFrom('messages')
      .select(['id', 'type', 'body', 'seq'])
      .where('conversation_id', '=', conversation.id)
      .where('type', 'in', ['incoming', 'outgoing'])
      .where('seq', '<=', message.seq)
      .orderBy('seq', 'desc')
      .limit(MAX_TURNS)
      .execute(),
    db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversation.id)
      .where('type', 'in', ['incoming', 'outgoing'])
      .where('seq', '>', message.seq)
      .limit(1)
      .executeTakeFirst(),
  ]);
  history.reverse();
  const isLatest = later === undefined;
  const { analyzer } = deps.engine;
  const before = history.slice(0, -1);
  let customerResult: CustomerAnalysis | undefined;
  let agentResult: AgentAnalysis | undefined;
  if (message.type === 'incoming') {
    customerResult = analyzer.analyzeCustomer(message.body);
  } else {
    const lastCustomer = before.findLast((m) => m.type === 'incoming');
    agentResult = analyzer.analyzeAgent(message.body, {
      ...(lastCustomer ? { customer: lastCustomer.body } : {}),
      previousAgentTurns: before
        .filter((m) => m.type === 'outgoing')
        .slice(-5)
        .map((m) => m.body),
      ...(customer?.name ? { customerName: customer.name } : {}),
    });
  }

  const whole = isLatest
    ? deps.engine.analyzeConversation(
        conversation.id,
        history.map((m): Turn => ({ role: m.type === 'incoming' ? 'customer' : 'agent', text: m.body })),
      )
    : undefined;
  const last = whole?.trajectory.at(-1);
  const risk = whole
    ? Object.entries(whole.signals)
        .filter(([, count]) => count > 0)
        .map(([id]) => id)
    : [];

  const alerts: Alert[] = [];
  for (const signal of customerResult?.signals ?? []) {
    if (ALERT_SIGNALS.has(signal.id)) {
      alerts.push({
        kind: signal.id,
        severity: signal.id === 'self_harm' || signal.id === 'threat' ? 'critical' : 'warning',
        messageId,
        conversationId: conversation.id,
      });
    }
  }
  if (customerResult && whole && isAngerRising(whole.trajectory.slice(-ANGER_RUN))) {
    alerts.push({ kind: 'anger_rising', severity: 'warning', messageId, conversationId: conversation.id });
  }

  const version = deps.engine.version;
  const hash = deps.engine.lexiconHash;
  const result = customerResult ? { role: 'customer', customer: customerResult } : { role: 'agent', agent: agentResult };
  await db.transaction().execute(async (trx) => {
    // Analyses can be recomputed from the messages, so their commit need not wait for the disk.
    await relaxDurability(trx);
    const values = {
      conversation_id: conversation.id,
      engine_version: version,
      lexicon_hash: hash,
      emotion: customerResult?.emotion ?? null,
      intensity: customerResult?.intensity ?? null,
      sentiment: customerResult?.sentiment ?? null,
      empathy: agentResult?.empathyScore ?? null,
      signals: json((customerResult?.signals ?? []).map((s) => s.id)),
      result: json(result),
      analyzed_at: sql<Date>`now()`,
    };
    await trx
      .insertInto('message_analyses')
      .values({ message_id: messageId, ...values })
      .onConflict((oc) => oc.column('message_id').doUpdateSet(values))
      .execute();
    if (whole) {
      const summary = {
        engine_version: version,
        lexicon_hash: hash,
        last_emotion: last?.emotion ?? null,
        last_intensity: last?.intensity ?? null,
        empathy_score: whole.empathyScore,
        satisfaction: whole.satisfaction.score,
        risk: json(risk),
        result: json(whole),
        analyzed_at: sql<Date>`now()`,
      };
      await trx
        .insertInto('conversation_analyses')
        .values({ conversation_id: conversation.id, ...summary })
        .onConflict((oc) => oc.column('conversation_id').doUpdateSet(summary))
        .execute();
    }
    await enqueueWebhookEvent(trx, 'message.analyzed', { message_id: messageId, conversation_id: conversation.id, analysis: result });
    for (const alert of alerts) await enqueueWebhookEvent(trx, 'alert.raised', alert);
  });
  const scope = {
    conversationId: conversation.id,
    teamId: conversation.team_id,
    assigneeId: conversation.assignee_id,
    inboxId: conversation.inbox_id,
  };
  deps.bus.publish({
    type: 'message.analyzed',
    ...scope,
    data: {
      messageId,
      conversationId: conversation.id,
      analysis: result,
      conversation: whole
        ? {
            lastEmotion: last?.emotion,
            lastIntensity: last?.intensity,
            risk,
            empathyScore: whole.empathyScore,
            satisfaction: whole.satisfaction.score,
          }
        : null,
    },
  });
  for (const alert of alerts) deps.bus.publish({ type: 'alert.raised', ...scope, data: alert });
  if (alerts.length > 0) deps.wakeJobs();
}

/** Anger (or negative sentiment) strictly rising over the last customer turns. */
function isAngerRising(points: readonly { emotion: string; intensity: number; sentiment: number }[]): boolean {
  if (points.length < ANGER_RUN) return false;
  if (!points.every((p) => p.emotion === 'anger' || p.sentiment < -0.3)) return false;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (!a || !b || b.intensity <= a.intensity) return false;
  }
  return true;
}
