import type { Alert, AnalyzedMessage, Deps } from '../deps.js';
import { enqueueWebhookEvents, relaxDurability } from '../repositories/jobs.js';
import {
  analyzeSaid,
  conversationAnalysisRow,
  messageAnalysisRow,
  riskOf,
  turnsOf,
  type ConversationAnalysisRow,
  type KnownTurn,
  type MessageAnalysisRow,
} from './analysis-rows.js';
import {
  readConversations,
  readCustomerNames,
  readSaidMessages,
  readTurnsAfter,
  saveConversationAnalyses,
  saveMessageAnalyses,
} from './analysis-sql.js';
import { createRecentTurns, type RecentTurns, type TurnRow } from './recent-turns.js';

/** Conversations longer than this are analysed on their most recent turns (keeps a job bounded). */
const MAX_TURNS = 200;
/** Longest stretch of analysis before requests waiting on the event loop get their turn. */
const YIELD_AFTER_MS = 4;
/** Signals that raise a supervisor alert when a customer message carries them. */
const ALERT_SIGNALS = new Set(['abuse', 'threat', 'self_harm', 'escalation_threat']);
/** Customer messages in a row with rising anger that raise an `anger_rising` alert. */
const ANGER_RUN = 3;

export type { Alert } from '../deps.js';

const windows = new WeakMap<object, RecentTurns>();
/** One cache of conversation windows per database. */
function recentTurns(db: object): RecentTurns {
  let cache = windows.get(db);
  if (!cache) {
    cache = createRecentTurns({ maxTurns: MAX_TURNS });
    windows.set(db, cache);
  }
  return cache;
}

/** Messages analysed in one transaction: a claim of many batched jobs is split into these. */
const ANALYSIS_BATCH = 256;

/** Analyses one message (see `analyzeMessages`). */
export async function analyzeMessage(deps: Deps, messageId: string): Promise<void> {
  await analyzeMessages(deps, [messageId]);
}

/**
 * The messages an `analyze_message` job is for: `{ messageIds }` (one job per ingest statement or import chunk) or
 * `{ messageId }` (one message; jobs queued before batching, and single posts).
 */
export function analysisJobMessageIds(payload: unknown): string[] {
  const { messageId, messageIds } = (payload ?? {}) as { messageId?: unknown; messageIds?: unknown };
  if (Array.isArray(messageIds)) return messageIds.map(String);
  return typeof messageId === 'string' ? [messageId] : [];
}

/** Analyses the messages of many jobs, `ANALYSIS_BATCH` at a time (see `analyzeBatch`), calling `between` between them. */
export async function analyzeMessages(deps: Deps, messageIds: readonly string[], between?: () => Promise<void>): Promise<void> {
  for (let i = 0; i < messageIds.length; i += ANALYSIS_BATCH) {
    if (i > 0) await between?.();
    await analyzeBatch(deps, messageIds.slice(i, i + ANALYSIS_BATCH));
  }
}

/**
 * Analyses a batch of messages with a fixed number of queries (reads for the batch, one transaction of multi-row
 * writes): each message with its context (the customer's message it answers, earlier agent turns); each conversation
 * whose latest message is in the batch gets its conversation analysis refreshed once, reusing the analyses of its
 * earlier messages this thread made recently (`createRecentTurns`). Emits `message.analyzed` and alerts.
 * Idempotent, so a batch re-run after a crash is harmless.
 */
async function analyzeBatch(deps: Deps, messageIds: readonly string[]): Promise<void> {
  const db = deps.db.kysely;
  if (messageIds.length === 0) return;
  // In conversation order, so a conversation's refresh finds its earlier messages of this batch already analysed.
  const messages = await readSaidMessages(db, messageIds);
  if (messages.length === 0) return;
  const conversationIds = [...new Set(messages.map((m) => m.conversation_id))];
  const conversations = new Map((await readConversations(db, conversationIds)).map((c) => [c.id, c]));
  const names = await readCustomerNames(db, [...new Set([...conversations.values()].map((c) => c.customer_id))]);
  // The most recent turns of each conversation, oldest first; older context is fetched per message when needed.
  // Only the turns added since this thread's last read of a conversation (`recentTurns`).
  const { analyzer, version, lexiconHash } = deps.engine;
  const turns = recentTurns(deps.db);
  const after = conversationIds.map((id) => turns.after(id));
  const recent = await readTurnsAfter(db, conversationIds, after, MAX_TURNS);
  const read = new Map<string, TurnRow[]>(conversationIds.map((id) => [id, []]));
  for (const row of recent) read.get(row.conversation_id)?.push(row);
  conversationIds.forEach((id, i) => turns.read(id, after[i] ?? 0, read.get(id) ?? []));
  for (const message of messages) turns.add(message);

  const stamp = { version, lexiconHash };
  const known = (m: TurnRow): KnownTurn | undefined => turns.analysis(stamp, m);
  const messageRows: MessageAnalysisRow[] = [];
  const conversationRows: ConversationAnalysisRow[] = [];
  const analyzed: { message: (typeof messages)[number]; result: unknown; alerts: Alert[]; summary: unknown }[] = [];
  const forHooks: AnalyzedMessage[] = [];
  let slice = performance.now();
  for (const message of messages) {
    // Analysis shares the event loop with ingest: give way every few milliseconds so requests are not held up.
    if (performance.now() - slice > YIELD_AFTER_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
    const conversation = conversations.get(message.conversation_id);
    if (!conversation) continue;
    let history = turns.turns(conversation.id);
    const latest = history.at(-1);
    const isLatest = latest?.seq === message.seq;
    if (!history.some((m) => m.seq === message.seq)) {
      // A message older than the loaded window (a backfill of a long conversation): its own context.
      history = (
        await db
          .selectFrom('messages')
          .select(['id', 'conversation_id', 'type', 'body', 'seq'])
          .where('conversation_id', '=', conversation.id)
          .where('type', 'in', ['incoming', 'outgoing'])
          .where('seq', '<=', message.seq)
          .orderBy('seq', 'desc')
          .limit(MAX_TURNS)
          .execute()
      ).reverse();
    }
    const upTo = history.filter((m) => m.seq <= message.seq);
    const name = names.get(conversation.customer_id);
    const { result, normalized } = analyzeSaid(analyzer, message, upTo.slice(0, -1), { customerName: name, known });
    turns.remember(stamp, message, result, normalized);
    const customerResult = result.role === 'customer' ? result.customer : undefined;
    const agentResult = result.role === 'agent' ? result.agent : undefined;
    const whole = isLatest ? deps.engine.analyzeConversation(conversation.id, turnsOf(upTo, known), name) : undefined;
    const last = whole?.trajectory.at(-1);
    const risk = whole ? riskOf(whole) : [];
    const alerts: Alert[] = [];
    for (const signal of customerResult?.signals ?? []) {
      if (ALERT_SIGNALS.has(signal.id)) {
        alerts.push({
          kind: signal.id,
          severity: signal.id === 'self_harm' || signal.id === 'threat' ? 'critical' : 'warning',
          messageId: message.id,
          conversationId: conversation.id,
        });
      }
    }
    if (customerResult && whole && isAngerRising(whole.trajectory.slice(-ANGER_RUN))) {
      alerts.push({ kind: 'anger_rising', severity: 'warning', messageId: message.id, conversationId: conversation.id });
    }
    messageRows.push(messageAnalysisRow(message, result, stamp));
    let summary: unknown = null;
    if (whole) {
      conversationRows.push(conversationAnalysisRow(conversation.id, whole, stamp, message.seq));
      summary = {
        lastEmotion: last?.emotion,
        lastIntensity: last?.intensity,
        risk,
        empathyScore: whole.empathyScore,
        satisfaction: whole.satisfaction.score,
      };
    }
    analyzed.push({ message, result, alerts, summary });
    forHooks.push({
      message,
      conversation,
      ...(customerResult ? { customer: customerResult } : {}),
      ...(agentResult ? { agent: agentResult } : {}),
      ...(whole ? { whole } : {}),
      alerts,
    });
  }
  if (messageRows.length === 0) return;

  const alerts = analyzed.flatMap((a) => a.alerts);
  let applied = new Set<string>();
  await db.transaction().execute(async (trx) => {
    // Analyses can be recomputed from the messages, so their commit need not wait for the disk.
    await relaxDurability(trx);
    const as = deps.db.kind === 'postgres' ? 'bytes' : 'text';
    await saveMessageAnalyses(trx, messageRows, as);
    // A refresh that read fewer messages than the stored one (another thread's, committed first) is dropped.
    applied = await saveConversationAnalyses(trx, conversationRows, as);
    await enqueueWebhookEvents(
      trx,
      'message.analyzed',
      analyzed.map((a) => ({ message_id: a.message.id, conversation_id: a.message.conversation_id, analysis: a.result })),
    );
    await enqueueWebhookEvents(trx, 'alert.raised', alerts);
    for (const hook of deps.analysisHooks ?? []) await hook(trx, forHooks, deps);
  });
  for (const a of analyzed) {
    const conversation = conversations.get(a.message.conversation_id);
    if (!conversation) continue;
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
        messageId: a.message.id,
        conversationId: conversation.id,
        analysis: a.result,
        conversation: applied.has(conversation.id) ? a.summary : null,
      },
    });
    for (const alert of a.alerts) deps.bus.publish({ type: 'alert.raised', ...scope, data: alert });
  }
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
