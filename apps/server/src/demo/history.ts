import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import {
  json,
  type ConversationsTable,
  type CustomerIdentitiesTable,
  type CustomersTable,
  type EvaluationsTable,
  type IdentityKind,
  type MessagesTable,
} from '../db/schema.js';
import type { Deps } from '../deps.js';
import { normalizeIdentity } from '../repositories/customers.js';
import type { Executor } from '../repositories/jobs.js';
import {
  analyzeSaid,
  conversationAnalysisRow,
  messageAnalysisRow,
  turnsOf,
  type ConversationAnalysisRow,
  type MessageAnalysisRow,
  type KnownTurn,
} from '../jobs/analysis-rows.js';
import { saveConversationAnalyses, saveMessageAnalyses } from '../jobs/analysis-sql.js';
import type { DemoCustomer, PlannedConversation } from './plan.js';
import type { SeededOrganisation } from './seed.js';

/** Rows per INSERT (keeps every statement well under PostgreSQL's 65,535 parameters). */
const CHUNK = 400;

interface StoredMessage {
  id: string;
  type: 'incoming' | 'outgoing';
  body: string;
}

export interface HistoryRows {
  customers: Insertable<CustomersTable>[];
  identities: Insertable<CustomerIdentitiesTable>[];
  conversations: Insertable<ConversationsTable>[];
  messages: Insertable<MessagesTable>[];
  messageAnalyses: MessageAnalysisRow[];
  conversationAnalyses: ConversationAnalysisRow[];
  evaluations: Insertable<EvaluationsTable>[];
}

/**
 * Turns the planned conversations into rows, analysed in process the way the `analyze_message` and
 * `evaluate_conversation` jobs would (same engine calls, same row shapes, same engine version and lexicon hash).
 * History is written in bulk rather than message by message through `postMessage`: a fortnight of conversations
 * then takes seconds, not minutes, and sends no emails, webhooks or live events for things that happened "before".
 */
export function buildHistory(deps: Deps, organisation: SeededOrganisation, plans: PlannedConversation[]): HistoryRows {
  const rows: HistoryRows = {
    customers: [],
    identities: [],
    conversations: [],
    messages: [],
    messageAnalyses: [],
    conversationAnalyses: [],
    evaluations: [],
  };
  const customerIds = new Map<number, string>();
  for (const plan of plans) {
    let customerId = customerIds.get(plan.customer.index);
    if (!customerId) {
      customerId = randomUUID();
      customerIds.set(plan.customer.index, customerId);
      addCustomer(rows, customerId, plan);
    }
    addConversation(deps, organisation, rows, customerId, plan);
  }
  return rows;
}

function addCustomer(rows: HistoryRows, id: string, plan: PlannedConversation): void {
  const { customer, createdAt } = plan;
  rows.customers.push({
    id,
    name: customer.name,
    locale: plan.lang === 'zh' ? 'zh-CN' : 'en',
    created_at: createdAt,
    updated_at: createdAt,
  });
  for (const identity of identitiesOf(customer)) {
    const { kind, value } = normalizeIdentity(identity);
    rows.identities.push({ customer_id: id, kind, value, created_at: createdAt });
  }
}

function identitiesOf(customer: DemoCustomer): { kind: IdentityKind; value: string }[] {
  return [
    { kind: 'visitor', value: customer.visitor },
    { kind: 'email', value: customer.email },
    ...(customer.phone ? [{ kind: 'phone' as const, value: customer.phone }] : []),
  ];
}

function addConversation(
  deps: Deps,
  organisation: SeededOrganisation,
  rows: HistoryRows,
  customerId: string,
  plan: PlannedConversation,
): void {
  const inbox =
    organisation.inboxes.get(plan.channel === 'web' ? `web_${plan.team}` : plan.channel) ??
    [...organisation.inboxes.values()].find((i) => i.channel === plan.channel);
  if (!inbox) throw new Error(`tongli: the demo has no ${plan.channel} inbox`);
  const agent = plan.assignee ? organisation.users.get(plan.assignee) : undefined;
  const id = randomUUID();
  const messages = plan.messages.map((m) => ({ id: randomUUID(), ...m }));
  const last = messages.at(-1);
  const lastAt = last?.at ?? plan.createdAt;
  const firstReply = messages.find((m) => m.kind === 'outgoing');
  // The customer waits from their first unanswered message.
  const lastReplyIndex = messages.findLastIndex((m) => m.kind === 'outgoing');
  const waiting = plan.status === 'resolved' ? undefined : messages[lastReplyIndex + 1];
  const resolvedAt = plan.status === 'resolved' ? new Date(lastAt.getTime() + 30_000) : null;

  rows.conversations.push({
    id,
    inbox_id: inbox.id,
    customer_id: customerId,
    team_id: organisation.teams.get(plan.team) ?? null,
    assignee_id: agent?.id ?? null,
    status: plan.status,
    priority: plan.priority,
    subject: plan.scenario.subject[plan.lang],
    tags: json(plan.tags),
    created_at: plan.createdAt,
    updated_at: resolvedAt ?? lastAt,
    last_message_at: last ? lastAt : null,
    waiting_since: waiting?.at ?? null,
    first_response_at: firstReply?.at ?? null,
    resolved_at: resolvedAt,
  });
  // As `postMessage` stores them (customer text redacted when so configured).
  const stored: StoredMessage[] = messages.map((m) => ({
    id: m.id,
    type: m.kind,
    body: m.kind === 'incoming' && deps.config.redactAtRest ? deps.redact(m.text) : m.text,
  }));
  const email = plan.channel === 'email';
  for (const [i, m] of messages.entries()) {
    const incoming = m.kind === 'incoming';
    rows.messages.push({
      id: m.id,
      conversation_id: id,
      type: m.kind,
      sender_type: incoming ? 'customer' : 'agent',
      sender_id: incoming ? null : (agent?.id ?? null),
      body: stored[i]?.body ?? m.text,
      content_type: email && incoming ? 'email' : 'text',
      // Emails carry a Message-ID and sender, as the email channel stores them, so a reply threads on.
      email_message_id: email ? `<${m.id}@${incoming ? 'mail.example.org' : organisation.emailDomain}>` : null,
      metadata: json({
        demo: plan.scenario.id,
        ...(email && incoming
          ? { from: { address: plan.customer.email, name: plan.customer.name }, subject: plan.scenario.subject[plan.lang] }
          : {}),
      }),
      created_at: m.at,
    });
  }
  if (resolvedAt) {
    rows.messages.push({
      id: randomUUID(),
      conversation_id: id,
      type: 'activity',
      sender_type: 'system',
      sender_id: agent?.id ?? null,
      body: 'status:resolved',
      content_type: 'text',
      metadata: json({ by: agent?.name ?? 'system', changes: ['status:resolved'] }),
      created_at: resolvedAt,
    });
  }
  analyse(deps, rows, {
    id,
    customerName: plan.customer.name,
    messages: stored,
    agentId: agent?.id ?? null,
    resolved: resolvedAt !== null,
  });
}

/** What `analyzeMessage` stores for each message and for the conversation, and what `evaluateConversation` stores. */
function analyse(
  deps: Deps,
  rows: HistoryRows,
  conversation: { id: string; customerName: string; messages: StoredMessage[]; agentId: string | null; resolved: boolean },
): void {
  const { analyzer, version, lexiconHash } = deps.engine;
  const said = conversation.messages;
  if (said.length === 0) return;
  const made = new Map<string, KnownTurn>();
  const known = (m: StoredMessage) => made.get(m.id);
  said.forEach((message, i) => {
    const analysed = analyzeSaid(analyzer, message, said.slice(0, i), { customerName: conversation.customerName, known });
    made.set(message.id, analysed);
    rows.messageAnalyses.push(
      messageAnalysisRow({ id: message.id, conversation_id: conversation.id }, analysed.result, { version, lexiconHash }),
    );
  });
  const whole = deps.engine.analyzeConversation(conversation.id, turnsOf(said, known), conversation.customerName);
  rows.conversationAnalyses.push(conversationAnalysisRow(conversation.id, whole, { version, lexiconHash }));
  if (conversation.resolved && said.some((m) => m.type === 'outgoing')) {
    rows.evaluations.push({
      conversation_id: conversation.id,
      agent_id: conversation.agentId,
      kind: 'auto',
      scorecard: whole.scorecard.id,
      score: whole.scorecard.total,
      result: json({
        scorecard: whole.scorecard,
        empathyScore: whole.empathyScore,
        satisfaction: whole.satisfaction,
        turnaround: whole.turnaround,
        structure: whole.structure,
        engine: { version, lexiconHash },
      }),
    });
  }
}

/** Writes the rows in bulk, parents before children. */
export async function insertHistory(trx: Executor, rows: HistoryRows): Promise<void> {
  for (const chunk of chunks(rows.customers)) await trx.insertInto('customers').values(chunk).execute();
  for (const chunk of chunks(rows.identities)) await trx.insertInto('customer_identities').values(chunk).execute();
  for (const chunk of chunks(rows.conversations)) await trx.insertInto('conversations').values(chunk).execute();
  // Messages keep the plan's order, so their `seq` follows time within each conversation.
  for (const chunk of chunks(rows.messages)) await trx.insertInto('messages').values(chunk).execute();
  for (const chunk of chunks(rows.messageAnalyses)) await saveMessageAnalyses(trx, chunk);
  for (const chunk of chunks(rows.conversationAnalyses)) await saveConversationAnalyses(trx, chunk);
  for (const chunk of chunks(rows.evaluations)) await trx.insertInto('evaluations').values(chunk).execute();
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
