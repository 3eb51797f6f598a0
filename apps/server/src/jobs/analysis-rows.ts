import {
  AGENT_CONTEXT_TURNS,
  type AgentAnalysis,
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
 */
export function analyzeSaid(
  analyzer: Pick<Analyzer, 'analyzeCustomer' | 'analyzeAgent'>,
  message: SaidMessage,
  before: readonly SaidMessage[],
  customerName?: string | null,
): MessageResult {
  if (message.type === 'incoming') return { role: 'customer', customer: analyzer.analyzeCustomer(message.body) };
  const lastCustomer = before.findLast((m) => m.type === 'incoming');
  const agent = analyzer.analyzeAgent(message.body, {
    ...(lastCustomer ? { customer: lastCustomer.body } : {}),
    previousAgentTurns: before
      .filter((m) => m.type === 'outgoing')
      .slice(-AGENT_CONTEXT_TURNS)
      .map((m) => m.body),
    ...(customerName ? { customerName } : {}),
  });
  return { role: 'agent', agent };
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
