/**
 * Expectation-setting messages: while a conversation waits on a teammate or another department, tell the customer who
 * is being asked and by when they will hear back — a concrete time in the inbox's business hours, in their language.
 * Pure; the wording lives in `data/expectation-templates.json`.
 */
import type { BusinessClock } from './business-time.js';
import templates from './data/expectation-templates.json' with { type: 'json' };

export type ExpectationLocale = 'zh' | 'en';

const QUARTER_MS = 15 * 60_000;

/** `zh` or `en` for a customer: their saved locale first, then the language detected in their last message. */
export function pickLocale(customerLocale: string | null | undefined, detected: string | null | undefined): ExpectationLocale {
  const saved = (customerLocale ?? '').toLowerCase();
  if (saved.startsWith('en')) return 'en';
  if (saved.startsWith('zh')) return 'zh';
  return detected === 'en' ? 'en' : 'zh';
}

/** The promised time: `minutes` business minutes from now, rounded up to the quarter hour (15:00 rather than 14:47). */
export function promiseTime(clock: BusinessClock, now: Date, minutes: number): Date {
  const due = clock.addMinutes(now, minutes).getTime();
  return new Date(Math.ceil(due / QUARTER_MS) * QUARTER_MS);
}

/** "今天15:00" / "明天09:30" / "3月9日（周一）10:00"; "15:00 today" / "10:00 on Monday 9 March". */
export function formatWhen(clock: BusinessClock, now: Date, due: Date, locale: ExpectationLocale): string {
  const words = templates[locale];
  const today = clock.toLocal(now);
  const at = clock.toLocal(due);
  const time = `${String(at.hour).padStart(2, '0')}:${String(at.minute).padStart(2, '0')}`;
  const tomorrow = clock.addDays(today, 1);
  const same = (a: { year: number; month: number; day: number }, b: typeof a) =>
    a.year === b.year && a.month === b.month && a.day === b.day;
  if (same(at, today)) return words.today.replace('{time}', time);
  if (same(at, tomorrow)) return words.tomorrow.replace('{time}', time);
  return words.date
    .replace('{time}', time)
    .replace('{month}', String(at.month))
    .replace('{day}', String(at.day))
    .replace('{weekday}', words.weekdays[at.weekday - 1] ?? '')
    .replace('{monthName}', templates.en.months[at.month - 1] ?? '');
}

/**
 * The expectation-setting message: who is being asked (a team, or a colleague) and when the customer will hear back.
 * @example
 * composeExpectation({ clock, now, dueAt, locale: 'zh', team: '账务组' });
 * // '感谢您的耐心等待。我们正在与账务组一起核实您的问题，今天15:00前会给您明确答复。'
 */
export function composeExpectation(input: {
  clock: BusinessClock;
  now: Date;
  dueAt: Date;
  locale: ExpectationLocale;
  team: string | null;
}): string {
  const words = templates[input.locale];
  const when = formatWhen(input.clock, input.now, input.dueAt, input.locale);
  const template = input.team ? words.withTeam : words.withoutTeam;
  return template.replace('{team}', input.team ?? '').replace('{when}', when);
}

/** Whether lower-cased text names a team: Latin names as whole words ("IT" is not in "waiting"), others anywhere. */
function mentions(text: string, name: string): boolean {
  let from = text.indexOf(name);
  while (from !== -1) {
    const before = text[from - 1] ?? ' ';
    const after = text[from + name.length] ?? ' ';
    const word = /[a-z0-9]/;
    if (!(word.test(name[0] ?? '') && word.test(before)) && !(word.test(name.at(-1) ?? '') && word.test(after))) return true;
    from = text.indexOf(name, from + 1);
  }
  return false;
}

/**
 * The team an internal note says the agent is checking with ("已转给账务组确认", "checking with Billing"): a team
 * named in the note together with a checking word; null otherwise.
 */
export function findCheckedTeam<T extends { name: string }>(note: string, teams: readonly T[]): T | null {
  const text = note.toLowerCase();
  const words = [...templates.checkingWords.zh, ...templates.checkingWords.en];
  if (!words.some((word) => text.includes(word))) return null;
  let best: T | null = null;
  for (const team of teams) {
    const name = team.name.trim().toLowerCase();
    if (name.length < 2 || !mentions(text, name)) continue;
    if (!best || name.length > best.name.trim().length) best = team;
  }
  return best;
}
