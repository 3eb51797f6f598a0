import type { Transaction } from 'kysely';
import type { Config } from './config/config.js';
import type { Db } from './db/database.js';
import type { AgentAnalysis, ConversationAnalysis, CustomerAnalysis } from '@tongli/engine';
import type { Conversation, Database, Message } from './db/schema.js';
import type { EngineService } from './engine/engine-service.js';
import type { Principal } from './policies/policies.js';
import type { EventBus } from './realtime/bus.js';

/**
 * Runs inside `postMessage`'s transaction right after a new message is stored, so work a channel must do for it (e.g.
 * queue an email) commits or rolls back with the message. May return the message as updated.
 */
export type MessageHook = ((
  trx: Transaction<Database>,
  message: Message,
  conversation: { id: string; inbox_id: string; team_id: string | null; assignee_id: string | null },
) => Promise<Message | void>) & {
  /** The inbox channels the hook acts on; a reply elsewhere skips the hook's transaction and joins the group commit. */
  channels?: readonly string[];
};

/** A raised supervisor alert (abuse, threat, self-harm, escalation threat, anger rising). */
export interface Alert {
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  messageId: string;
  conversationId: string;
}

/** One message as the analysis job just analysed it, with its conversation as stored. */
export interface AnalyzedMessage {
  message: Message;
  conversation: Conversation;
  customer?: CustomerAnalysis;
  agent?: AgentAnalysis;
  /** The whole conversation up to this message; only when the message is the latest one. */
  whole?: ConversationAnalysis;
  alerts: readonly Alert[];
}

/**
 * Runs inside the analysis job's transaction after analyses are written (e.g. promises, automation rules, routing);
 * a throw fails the batch, which is retried, so hooks must be idempotent.
 */
export type AnalysisHook = (trx: Transaction<Database>, analyzed: readonly AnalyzedMessage[], deps: Deps) => Promise<void>;

/** What changed on a conversation: `before` is null when it was just created. */
export interface ConversationChange {
  before: Conversation | null;
  after: Conversation;
  /** `status:resolved`, `assignee:<id>|-`, `team:<id>|-` … (empty on create). */
  changes: readonly string[];
  /** Who did it; null for the system (channels, automation). */
  principal: Principal | null;
}

/**
 * Runs inside the transaction that creates or updates a conversation (routing, SLA clocks, CSAT surveys). May return
 * the conversation as it changed it (e.g. assigned), which the caller then publishes.
 */
export type ConversationHook = (trx: Transaction<Database>, change: ConversationChange, deps: Deps) => Promise<Conversation | void>;

/** Everything the app and the jobs need, built once at start-up (and by tests with an in-memory database). */
export interface Deps {
  config: Config;
  db: Db;
  engine: EngineService;
  bus: EventBus;
  /** Tells the job runner there is new work (it also polls, so a missed wake only delays). */
  wakeJobs(): void;
  /** Redacts PII from text (used for exports, and at rest when configured). */
  redact(text: string): string;
  /** Message hooks modules register in `start()` (and remove on stop); absent means none. */
  messageHooks?: MessageHook[];
  /** Hooks of the modules mounted (`PlatformModule.analysisHooks`). */
  analysisHooks?: AnalysisHook[];
  /** Hooks of the modules mounted (`PlatformModule.conversationHooks`). */
  conversationHooks?: ConversationHook[];
}
