import { z } from '@hono/zod-openapi';
import type { Expectation } from './expectations.js';
import type { SlaPolicy, SlaState } from './policy.js';
import type { SlaSettings, StoredCalendar } from './repository.js';

const PrioritySchema = z.enum(['low', 'normal', 'high', 'urgent']);
const DateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const SlaSettingsSchema = z
  .object({
    tickSeconds: z.number().int().min(5).max(3600),
    promiseReminderMinutes: z.number().int().min(0).max(10080),
    promiseDefaultHours: z.number().int().min(1).max(720),
  })
  .openapi('SlaSettings');

export const OpeningHoursSchema = z.object({
  day: z.number().int().min(1).max(7).openapi({ description: 'ISO weekday: 1 = Monday … 7 = Sunday' }),
  start: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'HH:MM'),
  end: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'HH:MM'),
});

export const CalendarInputSchema = z
  .object({
    timeZone: z.string().min(1).max(64).openapi({ description: 'IANA time zone, e.g. Asia/Shanghai' }),
    hours: z.array(OpeningHoursSchema).max(50).openapi({ description: 'Opening hours; none: open around the clock' }),
    holidays: z.array(DateSchema).max(1000),
    workdays: z.array(DateSchema).max(1000).openapi({ description: 'Make-up working days (调休上班) with Monday hours' }),
    autoExpectation: z.boolean().openapi({ description: 'Send expectation-setting messages without waiting for the agent' }),
  })
  .openapi('SlaCalendarInput');

export const CalendarSchema = CalendarInputSchema.extend({
  inboxId: z.uuid().nullable(),
  builtIn: z.boolean().openapi({ description: 'Not saved yet: the built-in default' }),
  updatedAt: z.string().nullable(),
}).openapi('SlaCalendar');

export const PolicyInputSchema = z
  .object({
    inboxId: z.uuid().nullable().default(null),
    priority: PrioritySchema.nullable().default(null),
    firstResponseMinutes: z.number().int().min(1).max(100000),
    nextResponseMinutes: z.number().int().min(1).max(100000),
    warnPercent: z.number().int().min(1).max(99).default(80),
  })
  .openapi('SlaPolicyInput');

export const PolicySchema = z
  .object({
    id: z.uuid(),
    inboxId: z.uuid().nullable(),
    priority: PrioritySchema.nullable(),
    firstResponseMinutes: z.number(),
    nextResponseMinutes: z.number(),
    warnPercent: z.number(),
  })
  .openapi('SlaPolicy');

export const SlaStateSchema = z
  .object({
    conversationId: z.uuid(),
    policyId: z.uuid(),
    target: z.enum(['first_response', 'next_response']),
    startedAt: z.string(),
    warnAt: z.string(),
    dueAt: z.string(),
    targetMinutes: z.number(),
    elapsedMinutes: z.number().openapi({ description: 'Business minutes waited so far' }),
    state: z.enum(['ok', 'warning', 'breached']),
    running: z.boolean().openapi({ description: 'False outside business hours (the clock is paused)' }),
  })
  .openapi('SlaState');

export const ExpectationSchema = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    reason: z.enum(['pending', 'transfer', 'note', 'manual']),
    teamId: z.uuid().nullable(),
    locale: z.string(),
    dueAt: z.string(),
    body: z.string(),
    status: z.enum(['proposed', 'sent', 'dismissed']),
    messageId: z.uuid().nullable(),
    createdAt: z.string(),
  })
  .openapi('SlaExpectation');

export const HolidayDataSchema = z.object({
  years: z.array(z.string()),
  holidays: z.array(z.string()),
  workdays: z.array(z.string()),
});

export const SlaConfigSchema = z
  .object({
    settings: SlaSettingsSchema,
    calendars: z.array(CalendarSchema),
    policies: z.array(PolicySchema),
    holidayData: HolidayDataSchema.openapi({ description: 'The shipped mainland China holiday data (data/cn-holidays.json)' }),
  })
  .openapi('SlaConfig');

export const presentSettings = (settings: SlaSettings) => ({ ...settings });

export const presentCalendar = (calendar: StoredCalendar) => ({
  inboxId: calendar.inboxId,
  timeZone: calendar.timeZone,
  hours: calendar.hours.map((h) => ({ day: h.day, start: h.start, end: h.end })),
  holidays: [...calendar.holidays],
  workdays: [...calendar.workdays],
  autoExpectation: calendar.autoExpectation,
  builtIn: calendar.id === null,
  updatedAt: calendar.updatedAt?.toISOString() ?? null,
});

export const presentPolicy = (policy: SlaPolicy) => ({
  id: policy.id,
  inboxId: policy.inboxId,
  priority: policy.priority,
  firstResponseMinutes: policy.firstResponseMinutes,
  nextResponseMinutes: policy.nextResponseMinutes,
  warnPercent: policy.warnPercent,
});

export const presentState = (conversationId: string, state: SlaState) => ({
  conversationId,
  policyId: state.policyId,
  target: state.target,
  startedAt: state.startedAt.toISOString(),
  warnAt: state.warnAt.toISOString(),
  dueAt: state.dueAt.toISOString(),
  targetMinutes: state.targetMinutes,
  elapsedMinutes: state.elapsedMinutes,
  state: state.state,
  running: state.running,
});

export const presentExpectation = (row: Expectation) => ({
  id: row.id,
  conversationId: row.conversation_id,
  reason: row.reason,
  teamId: row.team_id,
  locale: row.locale,
  dueAt: row.due_at.toISOString(),
  body: row.body,
  status: row.status,
  messageId: row.message_id,
  createdAt: row.created_at.toISOString(),
});
