import { sql, type Transaction, type Updateable } from 'kysely';
import { fillTemplate } from '../admin/commands/canned.js';
import { loadRenderContext } from '../admin/repositories/canned.js';
import { publishConversation } from '../commands/conversations.js';
import { postMessage } from '../commands/messages.js';
import { json, type AutomationEvent, type Conversation, type ConversationsTable, type Database } from '../db/schema.js';
import type { AnalysisHook, ConversationHook, Deps } from '../deps.js';
import { enqueueJob, enqueueWebhookEvent, type Executor } from '../repositories/jobs.js';
import { evaluateConditions, type Facts } from './evaluate.js';
import {
  countRecentFirings,
  findFiring,
  insertFiring,
  listRules,
  loadConversationContext,
  updateFiringActions,
  type ActionOutcome,
  type RuleRow,
} from './repository.js';
import type { Action } from './rules.js';

/** Side effects that need their own transaction (a canned reply, a supervisor notice) run in this job after commit. */
export const EFFECTS_JOB = 'automation_effects';
/** Messages older than this are history (imports, re-analysis after an engine upgrade): no rule fires on them. */
export const FIRE_MAX_AGE_MS = 60 * 60 * 1000;
/** Loop guard: one rule fires at most this often on one conversation within `LOOP_WINDOW_MS`. */
export const MAX_FIRINGS_PER_WINDOW = 5;
export const LOOP_WINDOW_MS = 60 * 60 * 1000;

/** The event being evaluated: which conversation, which message, and the key that makes a firing happen once. */
interface Occurrence {
  event: AutomationEvent;
  conversation: Conversation;
  facts: Facts;
  messageId: string | null;
  /** Same key, same rule: fires once (null: every occurrence is new, e.g. each conversation update). */
  dedupeKey: string | null;
  /** When the occurrence happened; rules created after it do not fire on it. */
  at: Date;
}

/**
 * Evaluates the enabled rules of an event in order and applies the actions of those that match, inside the caller's
 * transaction; logs every firing. Returns the conversation as the actions left it.
 */
export async function runRules(
  trx: Transaction<Database>,
  occurrence: Occurrence,
  now = new Date(),
  loaded?: readonly RuleRow[],
): Promise<Conversation> {
  let conversation = occurrence.conversation;
  const rules = loaded ?? (await listRules(trx, { event: occurrence.event, enabledOnly: true }));
  for (const rule of rules) {
    if (rule.created_at.getTime() > occurrence.at.getTime()) continue;
    const facts: Facts = { ...occurrence.facts, teamId: conversation.team_id, priority: conversation.priority, tags: conversation.tags };
    if (!evaluateConditions(rule.conditions, facts).matched) continue;
    if ((await countRecentFirings(trx, rule.id, conversation.id, new Date(now.getTime() - LOOP_WINDOW_MS))) >= MAX_FIRINGS_PER_WINDOW) {
      continue;
    }
    // Claims the occurrence first: a rule that already fired for it does nothing again.
    const firing = await insertFiring(trx, {
      rule,
      conversationId: conversation.id,
      messageId: occurrence.messageId,
      event: occurrence.event,
      dedupeKey: occurrence.dedupeKey,
      actions: [],
    });
    if (!firing) continue;
    const outcomes: ActionOutcome[] = [];
    let queued = false;
    const before = conversation;
    for (const action of rule.actions) {
      const result = await applyAction(trx, action, conversation, { rule, firingId: firing.id, messageId: occurrence.messageId });
      conversation = result.conversation;
      outcomes.push(result.outcome);
      if (result.outcome.status === 'queued') queued = true;
    }
    await updateFiringActions(trx, firing.id, outcomes);
    const changed = before !== conversation;
    if (queued || (changed && occurrence.event === 'message.analyzed')) {
      await enqueueJob(trx, EFFECTS_JOB, { firingId: firing.id, announce: changed && occurrence.event === 'message.analyzed' });
    }
  }
  return conversation;
}

async function applyAction(
  trx: Executor,
  action: Action,
  conversation: Conversation,
  context: { rule: RuleRow; firingId: string; messageId: string | null },
): Promise<{ conversation: Conversation; outcome: ActionOutcome }> {
  const update = async (set: Updateable<ConversationsTable>): Promise<Conversation> =>
    trx
      .updateTable('conversations')
      .set({ ...set, updated_at: sql<Date>`now()` })
      .where('id', '=', conversation.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  switch (action.type) {
    case 'assign': {
      let next = conversation;
      const details: string[] = [];
      if (action.teamId) {
        const team = await trx.selectFrom('teams').select('id').where('id', '=', action.teamId).executeTakeFirst();
        if (!team) return { conversation, outcome: { type: action.type, status: 'failed', detail: 'team_not_found' } };
        if (next.team_id !== action.teamId) next = await update({ team_id: action.teamId });
        details.push(`team:${action.teamId}`);
      }
      if (action.userId) {
        const user = await trx.selectFrom('users').select(['id', 'disabled_at']).where('id', '=', action.userId).executeTakeFirst();
        if (!user || user.disabled_at)
          return { conversation: next, outcome: { type: action.type, status: 'failed', detail: 'user_not_found' } };
        if (next.assignee_id !== action.userId) {
          next = await update({ assignee_id: action.userId });
          const change = `assignee:${action.userId}`;
          await trx
            .insertInto('messages')
            .values({
              conversation_id: conversation.id,
              type: 'activity',
              sender_type: 'system',
              body: change,
              metadata: json({ by: 'automation', rule: context.rule.name, changes: [change] }),
            })
            .execute();
        }
        details.push(`assignee:${action.userId}`);
      }
      return { conversation: next, outcome: { type: action.type, status: 'done', detail: details.join(' ') } };
    }
    case 'add_tag': {
      const tags = [...new Set([...conversation.tags, ...action.tags])];
      if (tags.length === conversation.tags.length)
        return { conversation, outcome: { type: action.type, status: 'skipped', detail: 'already_tagged' } };
      return {
        conversation: await update({ tags: json(tags) }),
        outcome: { type: action.type, status: 'done', detail: action.tags.join(',') },
      };
    }
    case 'set_priority':
      if (conversation.priority === action.priority)
        return { conversation, outcome: { type: action.type, status: 'skipped', detail: 'unchanged' } };
      return {
        conversation: await update({ priority: action.priority }),
        outcome: { type: action.type, status: 'done', detail: action.priority },
      };
    case 'send_canned_reply':
    case 'notify_supervisor':
      return { conversation, outcome: { type: action.type, status: 'queued' } };
    case 'webhook': {
      const hook = await trx.selectFrom('webhooks').select(['id', 'active']).where('id', '=', action.webhookId).executeTakeFirst();
      if (!hook?.active) return { conversation, outcome: { type: action.type, status: 'failed', detail: 'webhook_not_found_or_inactive' } };
      const event = 'automation.fired';
      const delivery = await trx
        .insertInto('webhook_deliveries')
        .values({
          webhook_id: hook.id,
          event,
          payload: json({
            event,
            data: {
              rule_id: context.rule.id,
              rule_name: context.rule.name,
              conversation_id: conversation.id,
              message_id: context.messageId,
              firing_id: context.firingId,
            },
            sent_at: new Date().toISOString(),
          }),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await enqueueJob(trx, 'deliver_webhook', { deliveryId: delivery.id });
      return { conversation, outcome: { type: action.type, status: 'done', detail: delivery.id } };
    }
  }
}

const ZH = /[\u3400-\u9fff]/;

/**
 * The job behind `queued` actions: posts the canned reply (in the customer's language, as the system, idempotent per
 * firing) and notifies supervisors (`alert.raised`, kind `automation`); announces a conversation the rule changed.
 */
export async function runEffects(deps: Deps, firingId: string, announce: boolean): Promise<void> {
  const db = deps.db.kysely;
  const firing = await findFiring(db, firingId);
  if (!firing) return;
  const rule = firing.rule_id
    ? await db.selectFrom('automation_rules').selectAll().where('id', '=', firing.rule_id).executeTakeFirst()
    : undefined;
  const conversation = await db.selectFrom('conversations').selectAll().where('id', '=', firing.conversation_id).executeTakeFirst();
  if (!conversation) return;
  const actions = (rule?.actions ?? []) as Action[];
  const outcomes = [...(firing.actions as ActionOutcome[])];
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.status !== 'queued') continue;
    const action = actions[index];
    if (!action || action.type !== outcome.type) {
      outcomes[index] = { ...outcome, status: 'skipped', detail: 'rule_changed' };
      continue;
    }
    if (action.type === 'send_canned_reply') {
      outcomes[index] = await sendCannedReply(deps, conversation, action, firing.id, index, firing.rule_name);
    } else if (action.type === 'notify_supervisor') {
      const alert = {
        kind: 'automation',
        severity: action.severity,
        conversationId: conversation.id,
        messageId: firing.message_id,
        rule: firing.rule_name,
        ruleId: firing.rule_id,
        note: action.note ?? null,
      };
      await enqueueWebhookEvent(db, 'alert.raised', alert);
      deps.bus.publish({
        type: 'alert.raised',
        conversationId: conversation.id,
        teamId: conversation.team_id,
        assigneeId: conversation.assignee_id,
        inboxId: conversation.inbox_id,
        data: alert,
      });
      outcomes[index] = { type: action.type, status: 'done' };
    }
  }
  await updateFiringActions(db, firing.id, outcomes);
  if (announce) publishConversation(deps, 'conversation.updated', conversation);
}

async function sendCannedReply(
  deps: Deps,
  conversation: Conversation,
  action: Extract<Action, { type: 'send_canned_reply' }>,
  firingId: string,
  index: number,
  ruleName: string,
): Promise<ActionOutcome> {
  const db = deps.db.kysely;
  const { locale } = await loadConversationContext(db, conversation);
  const last = await db
    .selectFrom('messages')
    .select('body')
    .where('conversation_id', '=', conversation.id)
    .where('type', '=', 'incoming')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  // The customer's language: their locale, else the language of their last message.
  const language = locale ? (locale.toLowerCase().startsWith('en') ? 'en' : 'zh') : last && !ZH.test(last.body) ? 'en' : 'zh';
  const replyId = language === 'en' ? (action.en ?? action.zh) : (action.zh ?? action.en);
  const reply = replyId ? await db.selectFrom('canned_replies').selectAll().where('id', '=', replyId).executeTakeFirst() : undefined;
  if (!reply) return { type: 'send_canned_reply', status: 'failed', detail: 'canned_reply_not_found' };
  const { customer, agent, inbox } = await loadRenderContext(db, conversation, conversation.assignee_id);
  const identity = (kind: string) => customer?.identities.find((i) => i.kind === kind)?.value;
  const filled = fillTemplate(reply.body, {
    'customer.name': customer?.name,
    'customer.email': identity('email'),
    'customer.phone': identity('phone'),
    'agent.name': agent?.name,
    'agent.email': agent?.email,
    'conversation.id': conversation.id,
    'conversation.subject': conversation.subject,
    'inbox.name': inbox?.name,
  });
  // A variable without a value is left out rather than sent as `{{…}}`.
  const body = filled.body.replace(/[ \t]?\{\{[^}]*\}\}/g, '').trim();
  if (!body) return { type: 'send_canned_reply', status: 'skipped', detail: 'empty_after_variables' };
  const posted = await postMessage(deps, {
    conversationId: conversation.id,
    type: 'outgoing',
    senderType: 'system',
    body,
    idempotencyKey: `automation:${firingId}:${index}`,
    metadata: { automation: { firingId, rule: ruleName, cannedReplyId: reply.id } },
  });
  return { type: 'send_canned_reply', status: 'done', detail: posted.message.id };
}

/** The facts of a conversation event (no message: text is the subject). */
async function conversationFacts(trx: Executor, conversation: Conversation, at: Date): Promise<Facts> {
  const context = await loadConversationContext(trx, conversation);
  return {
    at,
    channel: context.channel,
    inboxId: conversation.inbox_id,
    teamId: conversation.team_id,
    status: conversation.status,
    priority: conversation.priority,
    tags: conversation.tags,
    text: conversation.subject,
    direction: null,
    emotion: null,
    intensity: null,
    signals: [],
    language: context.locale ? (context.locale.toLowerCase().startsWith('en') ? 'en' : 'zh') : null,
    attributes: context.attributes,
  };
}

/** Fires `conversation.created` (once per conversation) and `conversation.updated` (each change) rules. */
export const runConversationRules: ConversationHook = async (trx, change) => {
  const event: AutomationEvent = change.before ? 'conversation.updated' : 'conversation.created';
  if (event === 'conversation.updated' && change.changes.length === 0) return undefined;
  // Without rules for the event this costs one query.
  const rules = await listRules(trx, { event, enabledOnly: true });
  if (rules.length === 0) return undefined;
  const at = new Date();
  return runRules(
    trx,
    {
      event,
      conversation: change.after,
      facts: await conversationFacts(trx, change.after, at),
      messageId: null,
      dedupeKey: event === 'conversation.created' ? change.after.id : null,
      at,
    },
    at,
    rules,
  );
};

/**
 * Fires `message.analyzed` rules for each fresh message of the batch, once per message and rule. Messages the
 * automation sent itself never trigger rules (the loop guard).
 */
export const runMessageRules: AnalysisHook = async (trx, analyzed) => {
  const now = Date.now();
  const fresh = analyzed.filter((item) => now - item.message.created_at.getTime() <= FIRE_MAX_AGE_MS);
  if (fresh.length === 0) return;
  // One query per batch when no rule listens (the common case keeps the analysis job's fixed query count).
  const rules = await listRules(trx, { event: 'message.analyzed', enabledOnly: true });
  if (rules.length === 0) return;
  for (const item of fresh) {
    if ('automation' in item.message.metadata) continue;
    const conversation = await trx.selectFrom('conversations').selectAll().where('id', '=', item.conversation.id).executeTakeFirst();
    if (!conversation) continue;
    const base = await conversationFacts(trx, conversation, item.message.created_at);
    const risk = item.whole
      ? Object.entries(item.whole.signals)
          .filter(([, n]) => n > 0)
          .map(([id]) => id)
      : [];
    const lang = item.customer?.lang ?? item.agent?.lang;
    await runRules(
      trx,
      {
        event: 'message.analyzed',
        conversation,
        facts: {
          ...base,
          text: item.message.body,
          direction: item.message.type === 'incoming' ? 'incoming' : 'outgoing',
          emotion: item.customer?.emotion ?? null,
          intensity: item.customer?.intensity ?? null,
          signals: [...new Set([...(item.customer?.signals ?? []).map((s) => s.id), ...risk])],
          language: lang && lang !== 'unknown' ? lang : base.language,
        },
        messageId: item.message.id,
        dedupeKey: item.message.id,
        at: item.message.created_at,
      },
      new Date(now),
      rules,
    );
  }
};
