import type { Insertable } from 'kysely';
import type { PromisesTable } from '../db/schema.js';
import type { AnalysisHook, Deps } from '../deps.js';
import type { PlatformEvent } from '../realtime/bus.js';
import { enqueueWebhookEvent } from '../repositories/jobs.js';
import { loadSlaConfig } from '../sla/repository.js';
import { resolveDue } from './due.js';
import { claimOverdue, claimReminders, insertPromises, type PromiseRow } from './repository.js';

/** Replies older than this when analysed (history imported late) are not tracked: their promises are long past. */
const TRACK_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * Analysis hook: every promise the engine found in an agent's reply ("48小时内给您回电", "I'll email you by Friday")
 * becomes a tracked promise of the agent who wrote it (or, for a system message, of the conversation's assignee), due
 * when its phrase says in the inbox's business calendar. Idempotent: a re-analysed reply adds nothing.
 */
export const trackPromises: AnalysisHook = async (trx, analyzed) => {
  const replies = analyzed.filter(
    (a) =>
      a.message.type === 'outgoing' &&
      (a.agent?.promises.length ?? 0) > 0 &&
      a.message.created_at.getTime() > Date.now() - TRACK_DAYS * DAY_MS,
  );
  if (replies.length === 0) return;
  const config = await loadSlaConfig(trx);
  const rows: Insertable<PromisesTable>[] = [];
  for (const { message, conversation, agent } of replies) {
    const clock = config.clockFor(conversation.inbox_id);
    for (const promise of agent?.promises ?? []) {
      const due = resolveDue(promise.due, message.created_at, clock, config.settings.promiseDefaultHours);
      rows.push({
        conversation_id: conversation.id,
        message_id: message.id,
        span_start: promise.span.start,
        agent_id: message.sender_type === 'agent' ? message.sender_id : conversation.assignee_id,
        text: promise.text.slice(0, 1000),
        due_phrase: promise.due.slice(0, 200),
        due_at: due.dueAt,
        due_known: due.known,
      });
    }
  }
  await insertPromises(trx, rows);
};

/** A promise reminder or overdue alert as published on the bus (`alert.raised`) and to webhooks. */
export interface PromiseAlert {
  kind: 'promise_due_soon' | 'promise_overdue';
  severity: 'info' | 'warning';
  conversationId: string;
  promiseId: string;
  agentId: string | null;
  text: string;
  dueAt: string;
}

const toAlert = (row: PromiseRow, kind: PromiseAlert['kind']): PromiseAlert => ({
  kind,
  severity: kind === 'promise_overdue' ? 'warning' : 'info',
  conversationId: row.conversation_id,
  promiseId: row.id,
  agentId: row.agent_id,
  text: row.text,
  dueAt: row.due_at.toISOString(),
});

/**
 * Reminds agents of promises coming due (`promise_reminder_minutes` ahead) and raises an alert for those past due,
 * each once (the row is claimed in the same statement that selects it): `alert.raised` on the bus, and the
 * `promise.due_soon` / `promise.overdue` webhook events.
 * @example
 * const { reminders, overdue } = await checkPromises(deps, new Date());
 */
export async function checkPromises(deps: Deps, now: Date): Promise<{ reminders: PromiseAlert[]; overdue: PromiseAlert[] }> {
  const db = deps.db.kysely;
  const result = await db.transaction().execute(async (trx) => {
    const config = await loadSlaConfig(trx);
    const reminded = await claimReminders(trx, now, config.settings.promiseReminderMinutes * 60_000);
    const overdue = await claimOverdue(trx, now);
    for (const row of reminded) await enqueueWebhookEvent(trx, 'promise.due_soon', toAlert(row, 'promise_due_soon'));
    for (const row of overdue) await enqueueWebhookEvent(trx, 'promise.overdue', toAlert(row, 'promise_overdue'));
    const ids = [...new Set([...reminded, ...overdue].map((row) => row.conversation_id))];
    const scopes =
      ids.length === 0
        ? []
        : await trx.selectFrom('conversations').select(['id', 'team_id', 'assignee_id', 'inbox_id']).where('id', 'in', ids).execute();
    return { reminded, overdue, scopes: new Map(scopes.map((s) => [s.id, s])) };
  });
  const publish = (alert: PromiseAlert): void => {
    const scope = result.scopes.get(alert.conversationId);
    if (!scope) return;
    const event: PlatformEvent = {
      type: 'alert.raised',
      conversationId: scope.id,
      teamId: scope.team_id,
      assigneeId: scope.assignee_id,
      inboxId: scope.inbox_id,
      data: alert,
    };
    deps.bus.publish(event);
  };
  const reminders = result.reminded.map((row) => toAlert(row, 'promise_due_soon'));
  const overdue = result.overdue.map((row) => toAlert(row, 'promise_overdue'));
  reminders.forEach(publish);
  overdue.forEach(publish);
  if (reminders.length + overdue.length > 0) deps.wakeJobs();
  return { reminders, overdue };
}
