import type { Condition, Conditions, Weekday, WeeklySchedule } from './rules.js';

/** What a rule's conditions are checked against: one event on one conversation, as plain data. */
export interface Facts {
  /** When the event happened (business hours are checked at this time). */
  at: Date;
  channel: string;
  inboxId: string;
  teamId: string | null;
  status: string;
  priority: string;
  tags: readonly string[];
  /** The message text (message events) or the subject (conversation events). */
  text: string;
  direction: 'incoming' | 'outgoing' | null;
  emotion: string | null;
  intensity: number | null;
  /** Risk flags of the message and of the conversation so far. */
  signals: readonly string[];
  language: string | null;
  attributes: Readonly<Record<string, unknown>>;
}

/** How one condition came out, for the firing log and the dry-run. */
export interface ConditionResult {
  type: Condition['type'];
  matched: boolean;
}

export interface Evaluation {
  matched: boolean;
  results: ConditionResult[];
}

/**
 * Checks a rule's conditions against the facts of an event. Pure: no clock, no I/O. An empty list matches everything.
 * @example
 * evaluateConditions({ match: 'all', conditions: [{ type: 'emotion', in: ['anger'], minIntensity: 0.6 }] }, facts).matched;
 */
export function evaluateConditions(conditions: Conditions, facts: Facts): Evaluation {
  const results = conditions.conditions.map((condition) => ({ type: condition.type, matched: evaluateCondition(condition, facts) }));
  if (results.length === 0) return { matched: true, results };
  const matched = conditions.match === 'any' ? results.some((r) => r.matched) : results.every((r) => r.matched);
  return { matched, results };
}

/** One condition against the facts. */
export function evaluateCondition(condition: Condition, facts: Facts): boolean {
  switch (condition.type) {
    case 'channel':
      return (condition.in as readonly string[]).includes(facts.channel);
    case 'inbox':
      return condition.in.includes(facts.inboxId);
    case 'team':
      return facts.teamId !== null && condition.in.includes(facts.teamId);
    case 'text': {
      const text = facts.text.toLowerCase();
      const found = condition.contains.some((word) => text.includes(word.toLowerCase()));
      return condition.negate ? !found : found;
    }
    case 'emotion':
      return (
        facts.emotion !== null &&
        (condition.in as readonly string[]).includes(facts.emotion) &&
        (condition.minIntensity === undefined || (facts.intensity ?? 0) >= condition.minIntensity)
      );
    case 'intensity':
      return (
        facts.intensity !== null &&
        (condition.min === undefined || facts.intensity >= condition.min) &&
        (condition.max === undefined || facts.intensity <= condition.max)
      );
    case 'risk':
      return condition.any.some((signal) => facts.signals.includes(signal));
    case 'tag':
      return (
        (condition.any === undefined || condition.any.some((tag) => facts.tags.includes(tag))) &&
        (condition.none === undefined || !condition.none.some((tag) => facts.tags.includes(tag)))
      );
    case 'priority':
      return (condition.in as readonly string[]).includes(facts.priority);
    case 'status':
      return (condition.in as readonly string[]).includes(facts.status);
    case 'language':
      return facts.language !== null && (condition.in as readonly string[]).includes(facts.language);
    case 'direction':
      return facts.direction !== null && condition.in.includes(facts.direction);
    case 'attribute':
      return compareAttribute(facts.attributes[condition.key], condition.op, condition.value);
    case 'business_hours':
      return isWithinSchedule(condition.schedule, facts.at) === condition.inside;
  }
}

function compareAttribute(actual: unknown, op: 'eq' | 'neq' | 'contains' | 'exists' | 'gte' | 'lte', expected: unknown): boolean {
  if (op === 'exists') return actual !== undefined && actual !== null && actual !== '';
  if (actual === undefined || actual === null) return op === 'neq';
  switch (op) {
    case 'eq':
      return String(actual).toLowerCase() === String(expected).toLowerCase();
    case 'neq':
      return String(actual).toLowerCase() !== String(expected).toLowerCase();
    case 'contains':
      if (Array.isArray(actual)) return actual.some((item) => String(item).toLowerCase() === String(expected).toLowerCase());
      return String(actual).toLowerCase().includes(String(expected).toLowerCase());
    case 'gte':
    case 'lte': {
      const a = Number(actual);
      const b = Number(expected);
      if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
      return op === 'gte' ? a >= b : a <= b;
    }
  }
}

const WEEKDAY_OF: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The weekday and minute of the day of an instant in a time zone. */
export function localTime(at: Date, timeZone: string): { day: Weekday; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return { day: WEEKDAY_OF[parts.weekday ?? 'Mon'] ?? 'mon', minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

const minutes = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * Whether an instant falls in one of the schedule's open intervals (start inclusive, end exclusive) in its time zone.
 * @example
 * isWithinSchedule({ timezone: 'Asia/Shanghai', days: { mon: [{ start: '09:00', end: '18:00' }] } }, new Date('2024-06-03T02:00:00Z')); // true (10:00 Monday in Shanghai)
 */
export function isWithinSchedule(schedule: WeeklySchedule, at: Date): boolean {
  const { day, minute } = localTime(at, schedule.timezone);
  return (schedule.days[day] ?? []).some((interval) => minute >= minutes(interval.start) && minute < minutes(interval.end));
}
