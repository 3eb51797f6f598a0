import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A timestamp column: read as Date, written as Date or an ISO string, defaulted by the database. */
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: the drivers parse it; writes go through JSON.stringify (see `json()`). */
type Json<T> = ColumnType<T, string, string>;
type JsonDefault<T> = ColumnType<T, string | undefined, string>;

export type Role = 'agent' | 'supervisor' | 'qa' | 'admin';
export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export type MessageType = 'incoming' | 'outgoing' | 'note' | 'activity';
export type SenderType = 'customer' | 'agent' | 'system';
export type Channel = 'web' | 'email' | 'api' | 'import';
export type IdentityKind = 'phone' | 'email' | 'visitor' | 'external';

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  locale: Generated<string>;
  skills: JsonDefault<string[]>;
  created_at: CreatedAt;
  disabled_at: NullableTimestamp;
}

export interface TeamsTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  name: string;
  token_hash: string;
  prefix: string;
  role: Role;
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface InboxesTable {
  id: Generated<string>;
  name: string;
  channel: Channel;
  team_id: string | null;
  settings: JsonDefault<Record<string, unknown>>;
  created_at: CreatedAt;
}

export interface CustomersTable {
  id: Generated<string>;
  name: Generated<string>;
  locale: string | null;
  attributes: JsonDefault<Record<string, unknown>>;
  merged_into: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface CustomerIdentitiesTable {
  id: Generated<string>;
  customer_id: string;
  kind: IdentityKind;
  value: string;
  created_at: CreatedAt;
}

export interface ConversationsTable {
  id: Generated<string>;
  inbox_id: string;
  customer_id: string;
  team_id: string | null;
  assignee_id: string | null;
  status: Generated<ConversationStatus>;
  priority: Generated<Priority>;
  subject: Generated<string>;
  tags: JsonDefault<string[]>;
  external_id: string | null;
  snoozed_until: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  last_message_at: NullableTimestamp;
  waiting_since: NullableTimestamp;
  first_response_at: NullableTimestamp;
  resolved_at: NullableTimestamp;
}

export interface MessagesTable {
  id: Generated<string>;
  seq: Generated<number>;
  conversation_id: string;
  type: MessageType;
  sender_type: SenderType;
  sender_id: string | null;
  body: string;
  content_type: Generated<'text' | 'email'>;
  idempotency_key: string | null;
  email_message_id: string | null;
  metadata: JsonDefault<Record<string, unknown>>;
  created_at: CreatedAt;
}

export interface MessageAnalysesTable {
  message_id: string;
  conversation_id: string;
  engine_version: string;
  lexicon_hash: string;
  emotion: string | null;
  intensity: number | null;
  sentiment: number | null;
  empathy: number | null;
  signals: JsonDefault<string[]>;
  result: Json<unknown>;
  analyzed_at: CreatedAt;
}

export interface ConversationAnalysesTable {
  conversation_id: string;
  engine_version: string;
  lexicon_hash: string;
  last_emotion: string | null;
  last_intensity: number | null;
  empathy_score: number | null;
  satisfaction: number | null;
  risk: JsonDefault<string[]>;
  /** The whole analysis, stored as json (see migration 0014); aggregates read the columns below. */
  result: Json<unknown>;
  lang: string | null;
  turnaround: number | null;
  peak_emotion: string | null;
  peak_sentiment: number | null;
  satisfaction_label: string | null;
  /** The `seq` of the last message the analysis read; a refresh that read less does not replace it (0017). */
  through_seq: number | null;
  analyzed_at: CreatedAt;
}

export interface EvaluationsTable {
  id: Generated<string>;
  conversation_id: string;
  agent_id: string | null;
  kind: 'auto' | 'review';
  reviewer_id: string | null;
  scorecard: string;
  score: number;
  result: Json<unknown>;
  status: Generated<'final' | 'disputed' | 'resolved'>;
  dispute: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface CannedRepliesTable {
  id: Generated<string>;
  short_code: string;
  title: string;
  body: string;
  locale: Generated<string>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface GuidelinesTable {
  version: Generated<number>;
  content: Json<unknown>;
  updated_by: string | null;
  created_at: CreatedAt;
}

export interface ScorecardsTable {
  version: Generated<number>;
  content: Json<unknown>;
  updated_by: string | null;
  created_at: CreatedAt;
}

export interface WebhooksTable {
  id: Generated<string>;
  url: string;
  secret: string;
  events: Json<string[]>;
  active: Generated<boolean>;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  webhook_id: string;
  event: string;
  payload: Json<unknown>;
  status: Generated<'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  response_status: number | null;
  last_error: string | null;
  created_at: CreatedAt;
  delivered_at: NullableTimestamp;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: Json<unknown>;
  run_at: CreatedAt;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_until: NullableTimestamp;
  locked_by: string | null;
  last_error: string | null;
  done_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface ImportBatchesTable {
  id: Generated<string>;
  inbox_id: string;
  status: Generated<'running' | 'done' | 'failed'>;
  total: Generated<number>;
  imported: Generated<number>;
  analyzed: Generated<number>;
  skipped: JsonDefault<unknown[]>;
  created_by: string | null;
  created_at: CreatedAt;
  finished_at: NullableTimestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor_id: string | null;
  actor_type: 'user' | 'token' | 'system' | 'anonymous';
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: JsonDefault<Record<string, unknown>>;
  ip: string | null;
  created_at: CreatedAt;
}

// Routing and automation (migration 0010)
export type RoutingStrategy = 'round_robin' | 'least_busy' | 'skills';
export type Presence = 'online' | 'away' | 'offline';
export type AutomationEvent = 'conversation.created' | 'conversation.updated' | 'message.analyzed';

export interface RoutingQueuesTable {
  id: Generated<string>;
  name: string;
  inbox_id: string | null;
  team_id: string | null;
  strategy: Generated<RoutingStrategy>;
  fallback: Generated<'round_robin' | 'least_busy' | 'none'>;
  required_skills: JsonDefault<string[]>;
  match_language: Generated<boolean>;
  continuity: Generated<boolean>;
  emotion_aware: Generated<boolean>;
  anger_threshold: Generated<number>;
  abuse_cooldown_minutes: Generated<number>;
  escalate_to_supervisor: Generated<boolean>;
  enabled: Generated<boolean>;
  last_assigned_id: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface AgentRoutingTable {
  user_id: string;
  presence: Generated<Presence>;
  capacity: Generated<number>;
  presence_changed_at: CreatedAt;
}

export interface RoutingDecisionsTable {
  id: Generated<number>;
  conversation_id: string;
  queue_id: string | null;
  assignee_id: string | null;
  reason: string;
  details: JsonDefault<Record<string, unknown>>;
  created_at: CreatedAt;
}

export interface AutomationRulesTable {
  id: Generated<string>;
  name: string;
  enabled: Generated<boolean>;
  event: AutomationEvent;
  conditions: Json<unknown>;
  actions: Json<unknown>;
  position: Generated<number>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface AutomationFiringsTable {
  id: Generated<string>;
  rule_id: string | null;
  rule_name: string;
  conversation_id: string;
  message_id: string | null;
  event: AutomationEvent;
  dedupe_key: string | null;
  actions: Json<unknown>;
  created_at: CreatedAt;
}

// CSAT surveys (migration 0012)
export interface CsatSurveysTable {
  id: Generated<string>;
  conversation_id: string;
  token_hash: string;
  channel: string;
  agent_id: string | null;
  team_id: string | null;
  sent_at: CreatedAt;
  rating: number | null;
  comment: string | null;
  comment_analysis: ColumnType<unknown, string | null | undefined, string | null>;
  answered_at: NullableTimestamp;
  locale: Generated<string>;
  delivered_at: NullableTimestamp;
}

// SLAs and promises (migration 0011)
export interface SlaSettingsTable {
  id: Generated<number>;
  tick_seconds: Generated<number>;
  promise_reminder_minutes: Generated<number>;
  promise_default_hours: Generated<number>;
  updated_by: string | null;
  updated_at: CreatedAt;
}

export interface SlaCalendarsTable {
  id: Generated<string>;
  inbox_id: string | null;
  time_zone: Generated<string>;
  hours: JsonDefault<{ day: number; start: string; end: string }[]>;
  holidays: JsonDefault<string[]>;
  workdays: JsonDefault<string[]>;
  auto_expectation: Generated<boolean>;
  updated_by: string | null;
  updated_at: CreatedAt;
}

export interface SlaPoliciesTable {
  id: Generated<string>;
  inbox_id: string | null;
  priority: Priority | null;
  first_response_minutes: number;
  next_response_minutes: number;
  warn_percent: Generated<number>;
  updated_by: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface SlaAlertsTable {
  conversation_id: string;
  target: 'first_response' | 'next_response';
  kind: 'warning' | 'breached';
  waiting_since: Timestamp;
  due_at: Timestamp;
  created_at: CreatedAt;
}

export interface SlaExpectationsTable {
  id: Generated<string>;
  conversation_id: string;
  reason: 'pending' | 'transfer' | 'note' | 'manual';
  source_message_id: string | null;
  team_id: string | null;
  locale: string;
  due_at: Timestamp;
  body: string;
  status: Generated<'proposed' | 'sent' | 'dismissed'>;
  message_id: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface PromisesTable {
  id: Generated<string>;
  conversation_id: string;
  message_id: string;
  span_start: number;
  agent_id: string | null;
  text: string;
  due_phrase: string;
  due_at: Timestamp;
  due_known: Generated<boolean>;
  status: Generated<'open' | 'overdue' | 'fulfilled' | 'cancelled'>;
  reminded_at: NullableTimestamp;
  overdue_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  closed_by: string | null;
  note: string | null;
  created_at: CreatedAt;
}

export interface Database {
  users: UsersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  inboxes: InboxesTable;
  customers: CustomersTable;
  customer_identities: CustomerIdentitiesTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  message_analyses: MessageAnalysesTable;
  conversation_analyses: ConversationAnalysesTable;
  evaluations: EvaluationsTable;
  canned_replies: CannedRepliesTable;
  guidelines: GuidelinesTable;
  scorecards: ScorecardsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  jobs: JobsTable;
  import_batches: ImportBatchesTable;
  audit_log: AuditLogTable;
  // Routing and automation (migration 0010)
  routing_queues: RoutingQueuesTable;
  agent_routing: AgentRoutingTable;
  routing_decisions: RoutingDecisionsTable;
  automation_rules: AutomationRulesTable;
  automation_firings: AutomationFiringsTable;
  // CSAT surveys (migration 0012)
  csat_surveys: CsatSurveysTable;
  // SLAs and promises (migration 0011)
  sla_settings: SlaSettingsTable;
  sla_calendars: SlaCalendarsTable;
  sla_policies: SlaPoliciesTable;
  sla_alerts: SlaAlertsTable;
  sla_expectations: SlaExpectationsTable;
  promises: PromisesTable;
  // Metrics and canned-reply statistics (migration 0013)
  canned_reply_uses: CannedReplyUsesTable;
  // The installation's id (migration 0015)
  instance: InstanceTable;
}

/** One row: the installation's id, which names its realtime channel. */
export interface InstanceTable {
  singleton: Generated<boolean>;
  id: Generated<string>;
}

// Metrics and canned-reply statistics (migration 0013)
export interface CannedReplyUsesTable {
  id: Generated<number>;
  canned_reply_id: string;
  user_id: string | null;
  conversation_id: string | null;
  used_at: CreatedAt;
}

export type User = Selectable<UsersTable>;
export type Conversation = Selectable<ConversationsTable>;
export type Message = Selectable<MessagesTable>;

// Column lists for prepared statements, which must name their columns: a column a newer server's migration adds (a
// rolling upgrade) must not change a prepared statement's result, which PostgreSQL refuses.
/** Every column of `messages`, as SQL. */
export const MESSAGE_COLUMNS =
  'id, seq, conversation_id, type, sender_type, sender_id, body, content_type, idempotency_key, email_message_id, metadata, created_at';
/** Every column of `conversations`, as SQL. */
export const CONVERSATION_COLUMNS =
  'id, inbox_id, customer_id, team_id, assignee_id, status, priority, subject, tags, external_id, snoozed_until, created_at, ' +
  'updated_at, last_message_at, waiting_since, first_response_at, resolved_at';
export type NewMessage = Insertable<MessagesTable>;
export type Customer = Selectable<CustomersTable>;
export type Inbox = Selectable<InboxesTable>;
export type Job = Selectable<JobsTable>;
export type ConversationUpdate = Updateable<ConversationsTable>;
export type CsatSurvey = Selectable<CsatSurveysTable>;

/** Serialises a value for a jsonb column (both drivers accept JSON text for jsonb parameters). */
export function json(value: unknown): string {
  return JSON.stringify(value);
}
