import {
  AGENT_CONTEXT_TURNS,
  type AgentAnalysis,
  type AgentContext,
  type Analyzer,
  type ConversationAnalysis,
  type CustomerAnalysis,
  type NormalizedText,
  type Turn,
} from '@tongli/engine';
import type { ConversationAnalysesTable, MessageAnalysesTable } from '../db/schema.js';

/** A customer message or a reply, as analysis sees it. */
export interface SaidMessage {
  id: string;
  type: string;
  body: string;
}

/** What is stored (and sent to webhooks and agents) as one message's analysis. */
export type MessageResult = { role: 'customer'; customer: CustomerAnalysis } | { role: 'agent'; agent: AgentAnalysis };

/** Who made an analysis: rows made by another engine or lexicon are re-analysed by the backfill job. */
export interface AnalysisStamp {
  version: string;
  lexiconHash: string;
}

/**
 * Analyses one message with what came before it: a customer message on its own, a reply with the customer message it
 * answers and the earlier replies — the same context the conversation analysis gives that turn, so it can reuse this.
 * `known` gives the earlier turns' analyses and normalised texts where kept, which a reply's context then reuses instead
 * of analysing the customer's message and normalising up to `AGENT_CONTEXT_TURNS` replies again. Returns the message's
 * normalised text with its analysis, for the caller to keep.
 */
export function analyzeSaid<M extends SaidMessage>(
  analyzer: Pick<Analyzer, 'analyzeCustomer' | 'analyzeAgent' | 'normalize'>,
  message: SaidMessage,
  before: readonly M[],
  options: { customerName?: string | null | undefined; known?: (message: M) => KnownTurn | undefined } = {},
): { result: MessageResult; normalized: NormalizedText } {
  const normalized = analyzer.normalize(message.body);
  if (message.type === 'incoming')
    return { result: { role: 'customer', customer: analyzer.analyzeCustomer(message.body, normalized) }, normalized };
  const known = options.known ?? (() => undefined);
  const lastCustomer = before.findLast((m) => m.type === 'incoming');
  const customerKnown = lastCustomer ? known(lastCustomer) : undefined;
  const previous = before.filter((m) => m.type === 'outgoing').slice(-AGENT_CONTEXT_TURNS);
  const context: AgentContext = {
    previousAgentTurns: previous.map((m) => m.body),
    normalized: {
      ...(customerKnown?.normalized ? { customer: customerKnown.normalized } : {}),
      previousAgentTurns: previous.map((m) => known(m)?.normalized),
    },
  };
  if (lastCustomer) context.customer = lastCustomer.body;
  if (customerKnown?.result.role === 'customer') context.customerAnalysis = customerKnown.result.customer;
  if (options.customerName) context.customerName = options.customerName;
  return { result: { role: 'agent', agent: analyzer.analyzeAgent(message.body, context, normalized) }, normalized };
}

/** What is known of a turn already: its analysis, and its normalised text when it was kept. */
export interface KnownTurn {
  result: MessageResult;
  normalized?: NormalizedText;
}

/** A conversation's turns for `analyzeConversation`, carrying each turn's analysis (and normalised text) where known. */
export function turnsOf<M extends SaidMessage>(messages: readonly M[], known: (message: M) => KnownTurn | undefined): Turn[] {
  return messages.map((m): Turn => {
    const role = m.type === 'incoming' ? 'customer' : 'agent';
    const found = known(m);
    if (!found) return { role, text: m.body };
    const { result, normalized } = found;
    const analysis = result.role === 'customer' ? result.customer : result.agent;
    return normalized ? { role, text: m.body, analysis, normalized } : { role, text: m.body, analysis };
  });
}

/** A row of `message_analyses` as written (`saveMessageAnalyses`): JSON columns as values, serialised with the batch. */
export type MessageAnalysisRow = Omit<MessageAnalysesTable, 'analyzed_at' | 'signals' | 'result'> & {
  signals: string[];
  result: MessageResult;
};

/** A row of `conversation_analyses` as written (`saveConversationAnalyses`), JSON columns as values. */
export type ConversationAnalysisRow = Omit<ConversationAnalysesTable, 'analyzed_at' | 'risk' | 'result'> & {
  risk: string[];
  /** Each message's analysis is in `message_analyses`; `messages` is left out (undefined is not serialised). */
  result: Omit<ConversationAnalysis, 'messages'> & { messages?: undefined };
};

export function messageAnalysisRow(
  message: { id: string; conversation_id: string },
  result: MessageResult,
  stamp: AnalysisStamp,
): MessageAnalysisRow {
  const customer = result.role === 'customer' ? result.customer : undefined;
  return {
    message_id: message.id,
    conversation_id: message.conversation_id,
    engine_version: stamp.version,
    lexicon_hash: stamp.lexiconHash,
    emotion: customer?.emotion ?? null,
    intensity: customer?.intensity ?? null,
    sentiment: customer?.sentiment ?? null,
    empathy: result.role === 'agent' ? result.agent.empathyScore : null,
    signals: (customer?.signals ?? []).map((signal) => signal.id),
    result,
  };
}

/** The risk signals a conversation raised. */
export function riskOf(whole: ConversationAnalysis): string[] {
  return Object.entries(whole.signals)
    .filter(([, count]) => count > 0)
    .map(([id]) => id);
}

export function conversationAnalysisRow(
  conversationId: string,
  whole: ConversationAnalysis,
  stamp: AnalysisStamp,
  throughSeq: number | null = null,
): ConversationAnalysisRow {
  const last = whole.trajectory.at(-1);
  return {
    conversation_id: conversationId,
    through_seq: throughSeq,
    engine_version: stamp.version,
    lexicon_hash: stamp.lexiconHash,
    last_emotion: last?.emotion ?? null,
    last_intensity: last?.intensity ?? null,
    empathy_score: whole.empathyScore,
    satisfaction: whole.satisfaction.score,
    satisfaction_label: whole.satisfaction.label,
    risk: riskOf(whole),
    lang: whole.lang,
    turnaround: whole.turnaround,
    peak_emotion: whole.peak?.emotion ?? null,
    peak_sentiment: whole.peak?.sentiment ?? null,
    // Each message's analysis is stored with the message; repeating them here doubled what every refresh writes.
    result: { ...whole, messages: undefined },
  };
}
