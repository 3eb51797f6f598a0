import type { OpeningHours } from './api.js';

export interface Remaining {
  /** True once the due time has passed (the value is then how long ago). */
  late: boolean;
  value: number;
  unit: 'm' | 'h' | 'd';
}

/** Time left until `dueAt` (or since, when late), in whole minutes, hours or days. */
export function measureRemaining(dueAt: string, now: number): Remaining | null {
  const due = Date.parse(dueAt);
  if (!Number.isFinite(due)) return null;
  const late = now >= due;
  const minutes = Math.floor(Math.abs(due - now) / 60_000);
  if (minutes < 60) return { late, value: minutes, unit: 'm' };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { late, value: hours, unit: 'h' };
  return { late, value: Math.floor(hours / 24), unit: 'd' };
}

/** The badge colour of an SLA clock at `now` (the server's state may be up to a refresh old). */
export function slaTone(state: { warnAt: string; dueAt: string }, now: number): 'ok' | 'warning' | 'breached' {
  if (now >= Date.parse(state.dueAt)) return 'breached';
  if (now >= Date.parse(state.warnAt)) return 'warning';
  return 'ok';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Dates typed one per line (or separated by commas / spaces): the valid ones sorted without repeats, and the rest. */
export function parseDateList(text: string): { dates: string[]; invalid: string[] } {
  const items = text
    .split(/[\s,，;；]+/)
    .map((item) => item.trim())
    .filter(Boolean);
  const valid = items.filter((item) => DATE.test(item) && !Number.isNaN(Date.parse(`${item}T00:00:00Z`)));
  return { dates: [...new Set(valid)].sort(), invalid: items.filter((item) => !valid.includes(item)) };
}

/** One row per weekday for the hours editor: open or closed, and the first opening hours of the day. */
export interface DayHours {
  day: number;
  open: boolean;
  start: string;
  end: string;
}

/** Opening hours as seven editor rows (Monday first); days without hours are closed with 09:00–18:00 ready. */
export function toDayRows(hours: readonly OpeningHours[]): DayHours[] {
  return [1, 2, 3, 4, 5, 6, 7].map((day) => {
    const first = hours.find((h) => h.day === day);
    return first ? { day, open: true, start: first.start, end: first.end } : { day, open: false, start: '09:00', end: '18:00' };
  });
}

/** The editor rows back to opening hours (closed days left out). */
export function fromDayRows(rows: readonly DayHours[]): OpeningHours[] {
  return rows.filter((r) => r.open).map((r) => ({ day: r.day, start: r.start, end: r.end }));
}
