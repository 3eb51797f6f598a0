import { describe, expect, it } from 'vitest';
import { createBusinessClock, OFFICE_HOURS, validateCalendar, type BusinessCalendar } from './business-time.js';
import { CN_HOLIDAYS } from './calendars.js';

const shanghai = (local: string): Date => new Date(`${local}+08:00`);
const office: BusinessCalendar = { timeZone: 'Asia/Shanghai', hours: OFFICE_HOURS, holidays: [], workdays: [] };

describe('business time', () => {
  const clock = createBusinessClock(office);

  it('adds minutes within one open day', () => {
    // 2026-03-02 is a Monday.
    expect(clock.addMinutes(shanghai('2026-03-02T09:30:00'), 60)).toEqual(shanghai('2026-03-02T10:30:00'));
  });

  it('carries what is left past closing time to the next opening', () => {
    expect(clock.addMinutes(shanghai('2026-03-02T17:30:00'), 60)).toEqual(shanghai('2026-03-03T09:30:00'));
  });

  it('starts counting at opening time when the clock starts at night', () => {
    expect(clock.addMinutes(shanghai('2026-03-02T22:00:00'), 30)).toEqual(shanghai('2026-03-03T09:30:00'));
  });

  it('skips the weekend', () => {
    // Friday 17:00 + 2 h → Monday 10:00.
    expect(clock.addMinutes(shanghai('2026-03-06T17:00:00'), 120)).toEqual(shanghai('2026-03-09T10:00:00'));
    expect(clock.minutesBetween(shanghai('2026-03-06T17:00:00'), shanghai('2026-03-09T10:00:00'))).toBe(120);
  });

  it('skips holidays and works make-up days (Spring Festival 2026)', () => {
    const cn = createBusinessClock({ ...office, holidays: CN_HOLIDAYS.holidays, workdays: CN_HOLIDAYS.workdays });
    // Friday 13 February 17:00 + 2 h: Saturday the 14th is a make-up working day (调休上班), 09:00–18:00.
    expect(cn.addMinutes(shanghai('2026-02-13T17:00:00'), 120)).toEqual(shanghai('2026-02-14T10:00:00'));
    // Saturday 14th 17:00 + 2 h: the 15th–23rd are holidays; the next working day is Tuesday the 24th.
    expect(cn.addMinutes(shanghai('2026-02-14T17:00:00'), 120)).toEqual(shanghai('2026-02-24T10:00:00'));
    expect(cn.isWorkingDay({ year: 2026, month: 2, day: 18 })).toBe(false);
    expect(cn.isWorkingDay({ year: 2026, month: 2, day: 28 })).toBe(true);
    // National Day: 1–7 October closed, Saturday the 10th worked.
    expect(cn.minutesBetween(shanghai('2026-09-30T17:00:00'), shanghai('2026-10-08T10:00:00'))).toBe(120);
  });

  it('counts only opening hours between two instants', () => {
    expect(clock.minutesBetween(shanghai('2026-03-02T08:00:00'), shanghai('2026-03-02T08:59:00'))).toBe(0);
    expect(clock.minutesBetween(shanghai('2026-03-02T17:00:00'), shanghai('2026-03-03T09:15:00'))).toBe(75);
    expect(clock.minutesBetween(shanghai('2026-03-03T09:15:00'), shanghai('2026-03-02T17:00:00'))).toBe(0);
  });

  it('works in other time zones, including across a DST change', () => {
    const ny = createBusinessClock({ timeZone: 'America/New_York', hours: OFFICE_HOURS, holidays: [], workdays: [] });
    // Friday 6 March 2026 17:00 EST + 2 h → Monday 9 March 10:00 EDT (clocks moved forward on Sunday the 8th).
    expect(ny.addMinutes(new Date('2026-03-06T17:00:00-05:00'), 120)).toEqual(new Date('2026-03-09T10:00:00-04:00'));
    expect(ny.toLocal(new Date('2026-03-09T14:00:00Z'))).toMatchObject({ hour: 10, minute: 0, weekday: 1 });
    const utc = createBusinessClock({ ...office, timeZone: 'UTC' });
    expect(utc.addMinutes(new Date('2026-03-02T17:30:00Z'), 60)).toEqual(new Date('2026-03-03T09:30:00Z'));
  });

  it('is open around the clock without opening hours', () => {
    const always = createBusinessClock({ timeZone: 'Asia/Shanghai', hours: [], holidays: ['2026-03-07'], workdays: [] });
    expect(always.addMinutes(shanghai('2026-03-07T23:30:00'), 60)).toEqual(shanghai('2026-03-08T00:30:00'));
    expect(always.minutesBetween(shanghai('2026-03-07T00:00:00'), shanghai('2026-03-08T00:00:00'))).toBe(1440);
  });

  it('merges split opening hours and tells whether it is open', () => {
    const lunch = createBusinessClock({
      ...office,
      hours: [
        { day: 1, start: '09:00', end: '12:00' },
        { day: 1, start: '13:00', end: '18:00' },
      ],
    });
    expect(lunch.addMinutes(shanghai('2026-03-02T11:30:00'), 60)).toEqual(shanghai('2026-03-02T13:30:00'));
    expect(lunch.isOpen(shanghai('2026-03-02T12:30:00'))).toBe(false);
    expect(lunch.isOpen(shanghai('2026-03-02T13:00:00'))).toBe(true);
    expect(lunch.nextOpen(shanghai('2026-03-02T12:30:00'))).toEqual(shanghai('2026-03-02T13:00:00'));
    expect(lunch.closingMinute({ year: 2026, month: 3, day: 2 })).toBe(18 * 60);
    expect(lunch.closingMinute({ year: 2026, month: 3, day: 3 })).toBeNull();
  });

  it('rejects invalid calendars with readable reasons', () => {
    expect(
      validateCalendar({
        timeZone: 'Mars/Olympus',
        hours: [{ day: 8, start: '18:00', end: '09:00' }],
        holidays: ['2026-13-45'],
        workdays: [],
      }),
    ).toEqual([
      'unknown time zone Mars/Olympus',
      'weekday 8 is not 1..7',
      'opening hours 18:00–09:00 end before they start',
      'date 2026-13-45 is not YYYY-MM-DD',
    ]);
    expect(() => createBusinessClock({ ...office, timeZone: 'Nowhere/Town' })).toThrow(/unknown time zone/);
  });
});
