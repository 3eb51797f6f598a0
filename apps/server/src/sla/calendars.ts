import type { BusinessCalendar } from './business-time.js';
import { OFFICE_HOURS } from './business-time.js';
import raw from './data/cn-holidays.json' with { type: 'json' };

interface HolidayYear {
  status: string;
  source: string;
  holidays: string[];
  workdays: string[];
}

const years = raw.years as Record<string, HolidayYear>;

/** Mainland China public holidays and make-up working days of every year in `data/cn-holidays.json`. */
export const CN_HOLIDAYS: { holidays: readonly string[]; workdays: readonly string[]; years: readonly string[] } = {
  holidays: Object.values(years).flatMap((y) => y.holidays),
  workdays: Object.values(years).flatMap((y) => y.workdays),
  years: Object.keys(years),
};

/** The calendar a new installation starts with: Monday–Friday 09:00–18:00 Beijing time, Chinese public holidays. */
export const DEFAULT_CALENDAR: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  hours: OFFICE_HOURS,
  holidays: CN_HOLIDAYS.holidays,
  workdays: CN_HOLIDAYS.workdays,
};
