import { sql } from 'kysely';
import { json, type Priority } from '../db/schema.js';
import type { Executor } from '../repositories/jobs.js';
import { createBusinessClock, type BusinessCalendar, type BusinessClock, type OpeningHours } from './business-time.js';
import { DEFAULT_CALENDAR } from './calendars.js';
import type { SlaPolicy } from './policy.js';

export interface SlaSettings {
  tickSeconds: number;
  promiseReminderMinutes: number;
  promiseDefaultHours: number;
}

export interface StoredCalendar extends BusinessCalendar {
  id: string | null;
  /** Null: the default calendar. */
  inboxId: string | null;
  autoExpectation: boolean;
  updatedAt: Date | null;
}

/** Everything SLA decisions read, loaded once per request or tick (the tables are small). */
export interface SlaConfig {
  settings: SlaSettings;
  policies: SlaPolicy[];
  calendars: StoredCalendar[];
  /** The default calendar (saved, or built in). */
  defaultCalendar: StoredCalendar;
  /** The calendar of an inbox: its own, else the default one, else the built-in default. */
  calendarFor(inboxId: string): StoredCalendar;
  /** The compiled business clock of an inbox's calendar (compiled once per config). */
  clockFor(inboxId: string): BusinessClock;
}

const DEFAULT_SETTINGS: SlaSettings = { tickSeconds: 60, promiseReminderMinutes: 60, promiseDefaultHours: 24 };

export const BUILT_IN_CALENDAR: StoredCalendar = { ...DEFAULT_CALENDAR, id: null, inboxId: null, autoExpectation: false, updatedAt: null };

export async function loadSlaSettings(db: Executor): Promise<SlaSettings> {
  const row = await db.selectFrom('sla_settings').selectAll().where('id', '=', 1).executeTakeFirst();
  return row
    ? {
        tickSeconds: row.tick_seconds,
        promiseReminderMinutes: row.promise_reminder_minutes,
        promiseDefaultHours: row.promise_default_hours,
      }
    : DEFAULT_SETTINGS;
}

export async function saveSlaSettings(db: Executor, settings: SlaSettings, userId: string | null): Promise<void> {
  await db
    .insertInto('sla_settings')
    .values({
      id: 1,
      tick_seconds: settings.tickSeconds,
      promise_reminder_minutes: settings.promiseReminderMinutes,
      promise_default_hours: settings.promiseDefaultHours,
      updated_by: userId,
    })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        tick_seconds: settings.tickSeconds,
        promise_reminder_minutes: settings.promiseReminderMinutes,
        promise_default_hours: settings.promiseDefaultHours,
        updated_by: userId,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

export async function listPolicies(db: Executor): Promise<SlaPolicy[]> {
  const rows = await db.selectFrom('sla_policies').selectAll().orderBy('created_at').execute();
  return rows.map((row) => ({
    id: row.id,
    inboxId: row.inbox_id,
    priority: row.priority,
    firstResponseMinutes: row.first_response_minutes,
    nextResponseMinutes: row.next_response_minutes,
    warnPercent: row.warn_percent,
  }));
}

export async function listCalendars(db: Executor): Promise<StoredCalendar[]> {
  const rows = await db.selectFrom('sla_calendars').selectAll().execute();
  return rows.map((row) => ({
    id: row.id,
    inboxId: row.inbox_id,
    timeZone: row.time_zone,
    hours: row.hours as OpeningHours[],
    holidays: row.holidays,
    workdays: row.workdays,
    autoExpectation: row.auto_expectation,
    updatedAt: row.updated_at,
  }));
}

/** Loads settings, policies and calendars; clocks are compiled lazily, once per calendar. */
export async function loadSlaConfig(db: Executor): Promise<SlaConfig> {
  const [settings, policies, calendars] = [await loadSlaSettings(db), await listPolicies(db), await listCalendars(db)];
  const byInbox = new Map(calendars.filter((c) => c.inboxId).map((c) => [c.inboxId, c]));
  const fallback = calendars.find((c) => c.inboxId === null) ?? BUILT_IN_CALENDAR;
  const clocks = new Map<StoredCalendar, BusinessClock>();
  const calendarFor = (inboxId: string): StoredCalendar => byInbox.get(inboxId) ?? fallback;
  return {
    settings,
    policies,
    calendars,
    defaultCalendar: fallback,
    calendarFor,
    clockFor(inboxId) {
      const calendar = calendarFor(inboxId);
      let clock = clocks.get(calendar);
      if (!clock) {
        clock = createBusinessClock(calendar);
        clocks.set(calendar, clock);
      }
      return clock;
    },
  };
}

export interface CalendarInput {
  timeZone: string;
  hours: OpeningHours[];
  holidays: string[];
  workdays: string[];
  autoExpectation: boolean;
}

/** Creates or replaces the calendar of an inbox (null: the default calendar). */
export async function saveCalendar(db: Executor, inboxId: string | null, input: CalendarInput, userId: string | null): Promise<void> {
  const values = {
    time_zone: input.timeZone,
    hours: json(input.hours),
    holidays: json([...new Set(input.holidays)].sort()),
    workdays: json([...new Set(input.workdays)].sort()),
    auto_expectation: input.autoExpectation,
    updated_by: userId,
  };
  const updated = await db
    .updateTable('sla_calendars')
    .set({ ...values, updated_at: sql`now()` })
    .where((eb) => (inboxId ? eb('inbox_id', '=', inboxId) : eb('inbox_id', 'is', null)))
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0)
    await db
      .insertInto('sla_calendars')
      .values({ inbox_id: inboxId, ...values })
      .execute();
}

export async function deleteCalendar(db: Executor, inboxId: string): Promise<boolean> {
  const result = await db.deleteFrom('sla_calendars').where('inbox_id', '=', inboxId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface PolicyInput {
  inboxId: string | null;
  priority: Priority | null;
  firstResponseMinutes: number;
  nextResponseMinutes: number;
  warnPercent: number;
}

export async function insertPolicy(db: Executor, input: PolicyInput, userId: string | null): Promise<string> {
  const row = await db
    .insertInto('sla_policies')
    .values({
      inbox_id: input.inboxId,
      priority: input.priority,
      first_response_minutes: input.firstResponseMinutes,
      next_response_minutes: input.nextResponseMinutes,
      warn_percent: input.warnPercent,
      updated_by: userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updatePolicy(db: Executor, id: string, input: PolicyInput, userId: string | null): Promise<boolean> {
  const result = await db
    .updateTable('sla_policies')
    .set({
      inbox_id: input.inboxId,
      priority: input.priority,
      first_response_minutes: input.firstResponseMinutes,
      next_response_minutes: input.nextResponseMinutes,
      warn_percent: input.warnPercent,
      updated_by: userId,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deletePolicy(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('sla_policies').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** A conversation as the SLA clock and realtime need it. */
export interface WaitingRow {
  id: string;
  inbox_id: string;
  team_id: string | null;
  assignee_id: string | null;
  priority: Priority;
  status: string;
  waiting_since: Date | null;
  first_response_at: Date | null;
}

const WAITING_COLUMNS = [
  'conversations.id',
  'conversations.inbox_id',
  'conversations.team_id',
  'conversations.assignee_id',
  'conversations.priority',
  'conversations.status',
  'conversations.waiting_since',
  'conversations.first_response_at',
] as const;

/**
 * Conversations whose customer has waited since at least `waitedSince` (wall clock; business time is never longer),
 * not breached yet for this wait, in live inboxes (imported history is not on SLA clocks).
 */
export async function listWaitingConversations(db: Executor, waitedSince: Date, limit: number): Promise<WaitingRow[]> {
  return db
    .selectFrom('conversations')
    .innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id')
    .select(WAITING_COLUMNS)
    .where('conversations.status', 'in', ['open', 'pending'])
    .where('conversations.waiting_since', '<=', waitedSince)
    .where('inboxes.channel', '!=', 'import')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('sla_alerts')
            .select('sla_alerts.conversation_id')
            .whereRef('sla_alerts.conversation_id', '=', 'conversations.id')
            .whereRef('sla_alerts.waiting_since', '=', 'conversations.waiting_since')
            .where('sla_alerts.kind', '=', 'breached'),
        ),
      ),
    )
    .orderBy('conversations.waiting_since')
    .limit(limit)
    .execute();
}

export async function listConversationsByIds(db: Executor, ids: readonly string[]): Promise<WaitingRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('conversations').select(WAITING_COLUMNS).where('conversations.id', 'in', ids).execute();
}

/** Records an alert; false when it was raised before (so every alert fires once, across processes). */
export async function recordAlert(
  db: Executor,
  alert: { conversationId: string; target: string; kind: 'warning' | 'breached'; waitingSince: Date; dueAt: Date },
): Promise<boolean> {
  const rows = await db
    .insertInto('sla_alerts')
    .values({
      conversation_id: alert.conversationId,
      target: alert.target as 'first_response' | 'next_response',
      kind: alert.kind,
      waiting_since: alert.waitingSince,
      due_at: alert.dueAt,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('conversation_id')
    .execute();
  return rows.length > 0;
}
