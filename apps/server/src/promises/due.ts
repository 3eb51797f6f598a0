/**
 * Turns the due phrase of a promise the engine found ("48小时内", "明天下午3点前", "by Friday", "within 2 business days")
 * into a due instant, relative to when the reply was sent, in the inbox's business calendar. Pure.
 *
 * Deadlines are read as the latest time that still keeps the promise: "明天" / "tomorrow" is tomorrow's closing time,
 * "本周" / "by the end of the week" is Friday's closing time, "3个工作日内" is the closing time of the third working day.
 */
import type { BusinessClock, LocalDate } from '../sla/business-time.js';

export interface ResolvedDue {
  dueAt: Date;
  /** False when the phrase was not understood and the default delay was used. */
  known: boolean;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Closing time assumed on a day without opening hours. */
const DEFAULT_CLOSE = 18 * 60;
const EVENING = 21 * 60;

const CN_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const EN_NUMBERS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, a: 1, an: 1 };
const CN_WEEKDAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };
const EN_WEEKDAYS: Record<string, number> = { monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7 };

/** 48, 四十八, 二十四, 十五, 两, 半 → a number (NaN when not a number). */
export function parseChineseNumber(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  if (text === '半') return 0.5;
  if (!/^[零一二两三四五六七八九十]+$/.test(text)) return Number.NaN;
  const ten = text.indexOf('十');
  if (ten === -1) return [...text].reduce((n, ch) => n * 10 + (CN_DIGITS[ch] ?? 0), 0);
  const tens = ten === 0 ? 1 : (CN_DIGITS[text.slice(0, ten)] ?? Number.NaN);
  const units = text.slice(ten + 1);
  return tens * 10 + (units === '' ? 0 : (CN_DIGITS[units] ?? Number.NaN));
}

const ZH_WITHIN = /([0-9零一二两三四五六七八九十半]{1,6})\s*个?(小时|工作日|自然日|天|分钟|周|个月)/u;
const ZH_DAY = /(今天|今日|明天|明日|后天|本周|这周|下周|周|星期|月底|月初|下班前)([一二三四五六日天])?/u;
const ZH_CLOCK = /(上午|下午|晚上|中午|早上)?(?:([0-9一二三四五六七八九十]+)点(半|([0-9]+)分)?)?/u;
const ZH_DATE = /([0-9]{1,2})月([0-9]{1,2})[日号]/u;
const EN_WITHIN =
  /\b(?:within|in the next|in)\s+(\d+|one|two|three|four|five|six|seven|an?)\s+(business\s+|working\s+)?(hours?|days?|minutes?|weeks?)\b/i;
const EN_BY =
  /\b(?:by|before|on|until)\s+(?:(this|next)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|noon|the end of (?:the )?(?:day|week|month)|end of (?:the )?(?:day|week|month)|eod|(\d{1,2})(?::(\d\d))?\s*(am|pm))\b/i;
const EN_DAY = /\b(first thing tomorrow|tomorrow|later today|this afternoon|this evening)\b/i;

/**
 * Resolves a due phrase against the time the promise was made; unknown phrases fall back to `defaultHours` later.
 * @example
 * resolveDue('48小时内', new Date('2026-03-02T10:00:00+08:00'), clock, 24); // { dueAt: 2026-03-04T10:00+08:00, known: true }
 */
export function resolveDue(phrase: string, sentAt: Date, clock: BusinessClock, defaultHours: number): ResolvedDue {
  const at = resolveKnown(phrase.trim(), sentAt, clock);
  if (at && at.getTime() > sentAt.getTime()) return { dueAt: at, known: true };
  return { dueAt: new Date(sentAt.getTime() + defaultHours * HOUR_MS), known: false };
}

function resolveKnown(phrase: string, sentAt: Date, clock: BusinessClock): Date | null {
  const local = clock.toLocal(sentAt);
  const today: LocalDate = { year: local.year, month: local.month, day: local.day };
  const nowMinute = local.hour * 60 + local.minute;
  // Around-the-clock calendars still read "by Friday" as the end of the working day, not midnight.
  const alwaysOpen = clock.calendar.hours.length === 0;
  const closing = (date: LocalDate): Date =>
    clock.fromLocal(date, alwaysOpen ? DEFAULT_CLOSE : (clock.closingMinute(date) ?? DEFAULT_CLOSE));
  const nthWorkingDay = (n: number): LocalDate => {
    let date = today;
    for (let left = Math.max(1, Math.ceil(n)), guard = 0; left > 0 && guard < 400; guard++) {
      date = clock.addDays(date, 1);
      if (clock.isWorkingDay(date)) left--;
    }
    return date;
  };
  const weekdayIn = (weekday: number, weeksAhead: number): LocalDate => clock.addDays(today, weekday - local.weekday + 7 * weeksAhead);
  /** A plain weekday ("周五", "by Friday"): this week's, or next week's once it has passed. */
  const upcoming = (weekday: number): LocalDate => weekdayIn(weekday, weekday < local.weekday ? 1 : 0);
  const lastOfMonth = (): LocalDate => clock.addDays({ year: local.year, month: local.month + 1, day: 1 }, -1);

  const zhWithin = ZH_WITHIN.exec(phrase);
  if (zhWithin && /[内后]/u.test(phrase)) {
    const n = parseChineseNumber(zhWithin[1] ?? '');
    if (!Number.isNaN(n) && n > 0) {
      const unit = zhWithin[2];
      if (unit === '分钟') return new Date(sentAt.getTime() + n * 60_000);
      if (unit === '小时') return new Date(sentAt.getTime() + n * HOUR_MS);
      if (unit === '天' || unit === '自然日') return new Date(sentAt.getTime() + n * DAY_MS);
      if (unit === '周') return new Date(sentAt.getTime() + n * 7 * DAY_MS);
      if (unit === '工作日') return closing(nthWorkingDay(n));
      if (unit === '个月') return clock.fromLocal({ year: local.year, month: local.month + Math.round(n), day: local.day }, nowMinute);
    }
  }
  const zhDate = ZH_DATE.exec(phrase);
  if (zhDate) {
    let date: LocalDate = { year: local.year, month: Number(zhDate[1]), day: Number(zhDate[2]) };
    // A date well before today means next year's ("12月20日" said in January is last year's only by mistake).
    if (clock.fromLocal(date, 0).getTime() < sentAt.getTime() - 30 * DAY_MS) date = { ...date, year: date.year + 1 };
    return withClock(phrase.slice(zhDate.index + zhDate[0].length), date, clock, closing);
  }
  const zhDay = ZH_DAY.exec(phrase);
  if (zhDay) {
    const word = zhDay[1] ?? '';
    const weekday = zhDay[2] ? CN_WEEKDAYS[zhDay[2]] : undefined;
    const rest = phrase.slice(zhDay.index + zhDay[0].length);
    if (word === '下班前') return closing(today);
    if (word === '月底') return closing(lastOfMonth());
    if (word === '月初') return closing({ ...clock.addDays(lastOfMonth(), 1), day: 5 });
    let date: LocalDate | undefined;
    if (word === '今天' || word === '今日') date = today;
    else if (word === '明天' || word === '明日') date = clock.addDays(today, 1);
    else if (word === '后天') date = clock.addDays(today, 2);
    else if (word === '下周') date = weekdayIn(weekday ?? 5, 1);
    else if (word === '本周' || word === '这周') date = weekdayIn(weekday ?? 5, 0);
    else if (weekday !== undefined) {
      // Today's weekday said after that time ("周五" on Friday evening) means next week's.
      const at = withClock(rest, upcoming(weekday), clock, closing);
      return at.getTime() > sentAt.getTime() ? at : withClock(rest, weekdayIn(weekday, 1), clock, closing);
    }
    if (date) return withClock(rest, date, clock, closing);
  }
  if (/稍后|半小时后/u.test(phrase)) return new Date(sentAt.getTime() + 30 * 60_000);
  if (/一小时后/u.test(phrase)) return new Date(sentAt.getTime() + HOUR_MS);

  const enWithin = EN_WITHIN.exec(phrase);
  if (enWithin) {
    const raw = (enWithin[1] ?? '').toLowerCase();
    const n = /^\d+$/.test(raw) ? Number(raw) : (EN_NUMBERS[raw] ?? Number.NaN);
    const business = Boolean(enWithin[2]);
    const unit = (enWithin[3] ?? '').toLowerCase().replace(/s$/, '');
    if (!Number.isNaN(n) && n > 0) {
      if (unit === 'minute') return new Date(sentAt.getTime() + n * 60_000);
      if (unit === 'hour') return business ? clock.addMinutes(sentAt, n * 60) : new Date(sentAt.getTime() + n * HOUR_MS);
      if (unit === 'day') return business ? closing(nthWorkingDay(n)) : new Date(sentAt.getTime() + n * DAY_MS);
      if (unit === 'week') return new Date(sentAt.getTime() + n * 7 * DAY_MS);
    }
  }
  const enBy = EN_BY.exec(phrase);
  if (enBy) {
    const next = (enBy[1] ?? '').toLowerCase() === 'next';
    const target = (enBy[2] ?? '').toLowerCase();
    const weekday = EN_WEEKDAYS[target];
    if (weekday !== undefined) {
      const at = closing(next ? weekdayIn(weekday, 1) : upcoming(weekday));
      return at.getTime() > sentAt.getTime() ? at : closing(weekdayIn(weekday, 1));
    }
    if (target === 'tomorrow') return closing(clock.addDays(today, 1));
    if (target === 'tonight') return clock.fromLocal(today, EVENING);
    if (target === 'noon') return clock.fromLocal(nowMinute < 12 * 60 ? today : clock.addDays(today, 1), 12 * 60);
    if (target === 'eod' || /end of (?:the )?day/.test(target)) return closing(today);
    if (/week/.test(target)) return closing(weekdayIn(5, next ? 1 : 0));
    if (/month/.test(target)) return closing(lastOfMonth());
    if (enBy[3]) {
      const hour = (Number(enBy[3]) % 12) + ((enBy[5] ?? '').toLowerCase() === 'pm' ? 12 : 0);
      const minute = hour * 60 + Number(enBy[4] ?? 0);
      return clock.fromLocal(minute > nowMinute ? today : clock.addDays(today, 1), minute);
    }
  }
  const enDay = EN_DAY.exec(phrase);
  if (enDay) {
    const word = (enDay[1] ?? '').toLowerCase();
    if (word === 'first thing tomorrow') return clock.fromLocal(clock.addDays(today, 1), 10 * 60);
    if (word === 'tomorrow') return closing(clock.addDays(today, 1));
    if (word === 'this evening') return clock.fromLocal(today, EVENING);
    return closing(today);
  }
  return null;
}

/** The time of day after a Chinese date word ("下午3点半前", "上午", nothing) on that date. */
function withClock(rest: string, date: LocalDate, clock: BusinessClock, closing: (date: LocalDate) => Date): Date {
  const match = ZH_CLOCK.exec(rest);
  const period = match?.[1];
  const hourText = match?.[2];
  if (hourText) {
    let hour = parseChineseNumber(hourText);
    if (Number.isNaN(hour)) return closing(date);
    if ((period === '下午' || period === '晚上') && hour < 12) hour += 12;
    if (period === '中午' && hour < 3) hour += 12;
    const minute = match[3] === '半' ? 30 : Number(match[4] ?? 0);
    return clock.fromLocal(date, hour * 60 + minute);
  }
  if (period === '上午' || period === '早上') return clock.fromLocal(date, 12 * 60);
  if (period === '中午') return clock.fromLocal(date, 13 * 60);
  if (period === '晚上') return clock.fromLocal(date, EVENING);
  return closing(date);
}
