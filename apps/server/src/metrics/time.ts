/**
 * Calendar helpers for metrics: days and ISO weeks in the organisation's time zone, turned into UTC instants for SQL.
 * Pure functions (no clock): callers pass `now`.
 */

/** The organisation's time zone when the configuration names none. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Whether the runtime knows the IANA time zone.
 * @example
 * isTimeZone('Asia/Shanghai'); // true
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of an instant in a time zone. */
function wallClock(
  instant: number,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a local day starts in a time zone.
 * @example
 * startOfDay('2025-03-03', 'Asia/Shanghai').toISOString(); // '2025-03-02T16:00:00.000Z'
 */
export function startOfDay(day: string, timeZone: string): Date {
  const [year = 1970, month = 1, date = 1] = day.split('-').map(Number);
  const wall = Date.UTC(year, month - 1, date);
  // Twice, so a daylight-saving change between the guess and the answer is accounted for.
  const first = wall - offsetAt(wall, timeZone);
  return new Date(wall - offsetAt(first, timeZone));
}

/**
 * The local day (YYYY-MM-DD) of an instant in a time zone.
 * @example
 * localDay(new Date('2025-03-02T17:00:00Z'), 'Asia/Shanghai'); // '2025-03-03'
 */
export function localDay(instant: Date, timeZone: string): string {
  const w = wallClock(instant.getTime(), timeZone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/**
 * Adds whole days to a YYYY-MM-DD day.
 * @example
 * addDays('2025-02-28', 1); // '2025-03-01'
 */
export function addDays(day: string, days: number): string {
  const [year = 1970, month = 1, date = 1] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Every day from `from` to `to`, both included.
 * @example
 * listDays('2025-03-01', '2025-03-03'); // ['2025-03-01', '2025-03-02', '2025-03-03']
 */
export function listDays(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * The Monday (YYYY-MM-DD) of an ISO week written `YYYY-Www`; null when the text is no such week.
 * @example
 * mondayOfIsoWeek('2025-W10'); // '2025-03-03'
 */
export function mondayOfIsoWeek(week: string): string | null {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) return null;
  const year = Number(match[1]);
  const number = Number(match[2]);
  // Week 1 holds 4 January; years have 52 or 53 weeks.
  const jan4 = Date.UTC(year, 0, 4);
  const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  const weeks = isoWeekOf(new Date(Date.UTC(year, 11, 28)).toISOString().slice(0, 10)).week;
  if (number < 1 || number > weeks) return null;
  return new Date(monday1 + (number - 1) * 7 * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The ISO week (year and number) a day belongs to.
 * @example
 * isoWeekOf('2025-03-05'); // { year: 2025, week: 10, label: '2025-W10' }
 */
export function isoWeekOf(day: string): { year: number; week: number; label: string } {
  const [year = 1970, month = 1, date = 1] = day.split('-').map(Number);
  const d = new Date(Date.UTC(year, month - 1, date));
  // The Thursday of the same week decides the year.
  d.setUTCDate(d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7));
  const weekYear = d.getUTCFullYear();
  const week = 1 + Math.floor((d.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * DAY_MS));
  return { year: weekYear, week, label: `${weekYear}-W${String(week).padStart(2, '0')}` };
}

/**
 * The last complete ISO week before the one holding `now` (in the time zone), as `YYYY-Www`.
 * @example
 * previousIsoWeek(new Date('2025-03-05T00:00:00Z'), 'Asia/Shanghai'); // '2025-W09'
 */
export function previousIsoWeek(now: Date, timeZone: string): string {
  return isoWeekOf(addDays(localDay(now, timeZone), -7)).label;
}
