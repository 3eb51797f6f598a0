/**
 * Business time: opening hours per weekday in an IANA time zone, holidays and make-up working days (调休). Pure: no
 * clock, no I/O; time zones through `Intl` only.
 */

/** Opening hours on one ISO weekday (1 = Monday … 7 = Sunday), local `HH:MM` to `HH:MM` (`24:00` allowed as end). */
export interface OpeningHours {
  day: number;
  start: string;
  end: string;
}

export interface BusinessCalendar {
  /** IANA time zone, e.g. `Asia/Shanghai`. */
  timeZone: string;
  /** Regular opening hours; none at all means open around the clock (holidays then do not apply). */
  hours: readonly OpeningHours[];
  /** Local dates `YYYY-MM-DD` closed all day. */
  holidays: readonly string[];
  /** Local dates `YYYY-MM-DD` worked although they fall on a closed weekday, with a regular Monday's hours. */
  workdays: readonly string[];
}

/** A local calendar date and time of day in the calendar's time zone. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  hour: number;
  minute: number;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** A compiled calendar: answers "when is N business minutes after …" and "how many business minutes between …". */
export interface BusinessClock {
  readonly calendar: BusinessCalendar;
  /** The instant `minutes` business minutes after `start` (start itself when minutes ≤ 0). */
  addMinutes(start: Date, minutes: number): Date;
  /** Business minutes between two instants (0 when `to` is not after `from`); fractional. */
  minutesBetween(from: Date, to: Date): number;
  isOpen(at: Date): boolean;
  /** The next instant at or after `at` that is within opening hours. */
  nextOpen(at: Date): Date;
  /** Local date and time of an instant. */
  toLocal(at: Date): LocalTime;
  /** The instant of a local date and minute of the day (DST gaps resolve forwards). */
  fromLocal(date: LocalDate, minuteOfDay: number): Date;
  /** Local date `days` calendar days after the given one. */
  addDays(date: LocalDate, days: number): LocalDate;
  /** Whether the local date has any opening hours. */
  isWorkingDay(date: LocalDate): boolean;
  /** Closing minute of the day's last opening hours, or null on a closed day. */
  closingMinute(date: LocalDate): number | null;
}

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
/** A calendar must open at least once in this many days (ten years); guards against endless scans. */
const MAX_DAYS = 3660;
const TIME = /^([01]\d|2[0-4]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes after midnight of `HH:MM`, or null when malformed (`24:00` is the end of the day). */
export function parseClockTime(value: string): number | null {
  const match = TIME.exec(value);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= DAY_MINUTES ? minutes : null;
}

/** Whether `Intl` knows the time zone. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** What is wrong with a calendar, as readable lines (empty when valid). */
export function validateCalendar(calendar: BusinessCalendar): string[] {
  const problems: string[] = [];
  if (!isValidTimeZone(calendar.timeZone)) problems.push(`unknown time zone ${calendar.timeZone}`);
  for (const h of calendar.hours) {
    const start = parseClockTime(h.start);
    const end = parseClockTime(h.end);
    if (!Number.isInteger(h.day) || h.day < 1 || h.day > 7) problems.push(`weekday ${h.day} is not 1..7`);
    if (start === null || end === null) problems.push(`opening hours ${h.start}–${h.end} are not HH:MM`);
    else if (end <= start) problems.push(`opening hours ${h.start}–${h.end} end before they start`);
  }
  for (const date of [...calendar.holidays, ...calendar.workdays]) {
    if (!DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) problems.push(`date ${date} is not YYYY-MM-DD`);
  }
  return problems;
}

const keyOf = (d: LocalDate): string => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** Merges overlapping [start, end) minute ranges, sorted. */
function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/**
 * Compiles a business calendar once (validated: throws on an invalid one) into a clock whose calls are cheap.
 * @example
 * const clock = createBusinessClock({ timeZone: 'Asia/Shanghai', hours: [{ day: 1, start: '09:00', end: '18:00' }], holidays: [], workdays: [] });
 * clock.addMinutes(new Date('2026-03-02T09:30:00+08:00'), 60); // 10:30 the same Monday
 */
export function createBusinessClock(calendar: BusinessCalendar): BusinessClock {
  const problems = validateCalendar(calendar);
  if (problems.length > 0) throw new Error(`tongli: invalid business calendar: ${problems.join('; ')}`);
  const byWeekday: [number, number][][] = Array.from({ length: 8 }, () => []);
  for (const h of calendar.hours) byWeekday[h.day]?.push([parseClockTime(h.start) ?? 0, parseClockTime(h.end) ?? 0]);
  for (let day = 1; day <= 7; day++) byWeekday[day] = mergeRanges(byWeekday[day] ?? []);
  const alwaysOpen = calendar.hours.length === 0;
  const makeUpHours = byWeekday.slice(1).find((ranges) => ranges.length > 0) ?? [];
  const holidays = new Set(calendar.holidays);
  const workdays = new Set(calendar.workdays);
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: calendar.timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });

  const partsOf = (ms: number) => {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    return {
      year: parts.year ?? 1970,
      month: parts.month ?? 1,
      day: parts.day ?? 1,
      hour: (parts.hour ?? 0) % 24,
      minute: parts.minute ?? 0,
      second: parts.second ?? 0,
    };
  };
  /** Local wall time minus UTC at an instant, in ms. */
  const offsetAt = (ms: number): number => {
    const p = partsOf(ms);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
  };
  const instantOf = (date: LocalDate, minuteOfDay: number): number => {
    const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
    const guess = wall - offsetAt(wall);
    const corrected = wall - offsetAt(guess);
    return corrected === guess ? guess : Math.max(guess, corrected);
  };
  const addDays = (date: LocalDate, days: number): LocalDate => {
    const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  };
  const weekdayOf = (date: LocalDate): number => {
    const day = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
    return day === 0 ? 7 : day;
  };
  const rangesOn = (date: LocalDate): [number, number][] => {
    if (alwaysOpen) return [[0, DAY_MINUTES]];
    const key = keyOf(date);
    if (holidays.has(key)) return [];
    const regular = byWeekday[weekdayOf(date)] ?? [];
    if (workdays.has(key) && regular.length === 0) return makeUpHours;
    return regular;
  };

  /** Open intervals [start, end) in ms from `fromMs` on, clipped to start there. */
  function* openFrom(fromMs: number): Generator<[number, number]> {
    const local = partsOf(fromMs);
    let date: LocalDate = { year: local.year, month: local.month, day: local.day };
    for (let i = 0; i < MAX_DAYS; i++) {
      for (const [start, end] of rangesOn(date)) {
        const a = instantOf(date, start);
        const b = instantOf(date, end);
        if (b <= fromMs) continue;
        yield [Math.max(a, fromMs), b];
      }
      date = addDays(date, 1);
    }
    throw new Error('tongli: the business calendar has no opening hours in ten years');
  }

  return {
    calendar,
    addMinutes(start, minutes) {
      if (!(minutes > 0)) return start;
      let remaining = minutes * MINUTE_MS;
      if (alwaysOpen) return new Date(start.getTime() + remaining);
      for (const [a, b] of openFrom(start.getTime())) {
        if (b - a >= remaining) return new Date(a + remaining);
        remaining -= b - a;
      }
      return start;
    },
    minutesBetween(from, to) {
      const end = to.getTime();
      if (end <= from.getTime()) return 0;
      if (alwaysOpen) return (end - from.getTime()) / MINUTE_MS;
      let total = 0;
      for (const [a, b] of openFrom(from.getTime())) {
        if (a >= end) break;
        total += Math.min(b, end) - a;
      }
      return total / MINUTE_MS;
    },
    isOpen(at) {
      const first = openFrom(at.getTime()).next().value;
      return first !== undefined && first[0] === at.getTime();
    },
    nextOpen(at) {
      const first = openFrom(at.getTime()).next().value;
      return first ? new Date(first[0]) : at;
    },
    toLocal(at) {
      const p = partsOf(at.getTime());
      return { year: p.year, month: p.month, day: p.day, weekday: weekdayOf(p), hour: p.hour, minute: p.minute };
    },
    fromLocal: (date, minuteOfDay) => new Date(instantOf(date, minuteOfDay)),
    addDays,
    isWorkingDay: (date) => rangesOn(date).length > 0,
    closingMinute: (date) => rangesOn(date).at(-1)?.[1] ?? null,
  };
}

/** Monday to Friday, 09:00–18:00. */
export const OFFICE_HOURS: readonly OpeningHours[] = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '18:00' }));
