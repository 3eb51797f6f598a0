import { describe, expect, it } from 'vitest';
import { createBusinessClock, OFFICE_HOURS } from '../sla/business-time.js';
import { CN_HOLIDAYS } from '../sla/calendars.js';
import { parseChineseNumber, resolveDue } from './due.js';

const shanghai = (local: string): Date => new Date(`${local}+08:00`);
const clock = createBusinessClock({
  timeZone: 'Asia/Shanghai',
  hours: OFFICE_HOURS,
  holidays: CN_HOLIDAYS.holidays,
  workdays: CN_HOLIDAYS.workdays,
});
// Monday 2 March 2026, 10:00 Beijing time.
const sent = shanghai('2026-03-02T10:00:00');
const due = (phrase: string, at = sent) => resolveDue(phrase, at, clock, 24);

describe('due phrases', () => {
  it('reads Chinese numbers', () => {
    expect([parseChineseNumber('48'), parseChineseNumber('四十八'), parseChineseNumber('十五'), parseChineseNumber('两')]).toEqual([
      48, 48, 15, 2,
    ]);
    expect(parseChineseNumber('二十')).toBe(20);
    expect(parseChineseNumber('半')).toBe(0.5);
    expect(parseChineseNumber('几')).toBeNaN();
  });

  it('resolves Chinese durations', () => {
    expect(due('48小时内')).toEqual({ dueAt: shanghai('2026-03-04T10:00:00'), known: true });
    expect(due('两个小时内').dueAt).toEqual(shanghai('2026-03-02T12:00:00'));
    expect(due('30分钟内').dueAt).toEqual(shanghai('2026-03-02T10:30:00'));
    expect(due('3天内').dueAt).toEqual(shanghai('2026-03-05T10:00:00'));
    // Three working days from Monday: Thursday's closing time.
    expect(due('3个工作日内').dueAt).toEqual(shanghai('2026-03-05T18:00:00'));
  });

  it('counts working days past holidays', () => {
    // Friday 13 February: Saturday the 14th is worked (调休), then the Spring Festival until the 23rd.
    expect(due('2个工作日内', shanghai('2026-02-13T10:00:00')).dueAt).toEqual(shanghai('2026-02-24T18:00:00'));
  });

  it('resolves Chinese days and clock times', () => {
    expect(due('明天').dueAt).toEqual(shanghai('2026-03-03T18:00:00'));
    expect(due('明天下午3点前').dueAt).toEqual(shanghai('2026-03-03T15:00:00'));
    expect(due('今天下午三点半前').dueAt).toEqual(shanghai('2026-03-02T15:30:00'));
    expect(due('明天上午').dueAt).toEqual(shanghai('2026-03-03T12:00:00'));
    expect(due('后天').dueAt).toEqual(shanghai('2026-03-04T18:00:00'));
    expect(due('下班前').dueAt).toEqual(shanghai('2026-03-02T18:00:00'));
    expect(due('周五').dueAt).toEqual(shanghai('2026-03-06T18:00:00'));
    expect(due('下周一').dueAt).toEqual(shanghai('2026-03-09T18:00:00'));
    expect(due('本周').dueAt).toEqual(shanghai('2026-03-06T18:00:00'));
    expect(due('月底').dueAt).toEqual(shanghai('2026-03-31T18:00:00'));
    expect(due('3月5日前').dueAt).toEqual(shanghai('2026-03-05T18:00:00'));
    expect(due('稍后').dueAt).toEqual(shanghai('2026-03-02T10:30:00'));
  });

  it('resolves English phrases', () => {
    expect(due('within 48 hours').dueAt).toEqual(shanghai('2026-03-04T10:00:00'));
    expect(due('in two days').dueAt).toEqual(shanghai('2026-03-04T10:00:00'));
    expect(due('within 2 business days').dueAt).toEqual(shanghai('2026-03-04T18:00:00'));
    // 10 business hours from Monday 10:00 with 9 h days: Tuesday 11:00.
    expect(due('within 10 business hours').dueAt).toEqual(shanghai('2026-03-03T11:00:00'));
    expect(due('by Friday').dueAt).toEqual(shanghai('2026-03-06T18:00:00'));
    expect(due('by next Monday').dueAt).toEqual(shanghai('2026-03-09T18:00:00'));
    expect(due('by tomorrow').dueAt).toEqual(shanghai('2026-03-03T18:00:00'));
    expect(due('by 3pm').dueAt).toEqual(shanghai('2026-03-02T15:00:00'));
    expect(due('by 9:30 am').dueAt).toEqual(shanghai('2026-03-03T09:30:00'));
    expect(due('by the end of the week').dueAt).toEqual(shanghai('2026-03-06T18:00:00'));
    expect(due('by end of day').dueAt).toEqual(shanghai('2026-03-02T18:00:00'));
    expect(due('first thing tomorrow').dueAt).toEqual(shanghai('2026-03-03T10:00:00'));
    expect(due('this evening').dueAt).toEqual(shanghai('2026-03-02T21:00:00'));
  });

  it('a weekday already past this week means next week', () => {
    // Thursday 5 March: "by Monday" is 9 March.
    expect(due('by Monday', shanghai('2026-03-05T10:00:00')).dueAt).toEqual(shanghai('2026-03-09T18:00:00'));
    // Friday evening, "by Friday" / "周五": next Friday.
    expect(due('by Friday', shanghai('2026-03-06T19:00:00')).dueAt).toEqual(shanghai('2026-03-13T18:00:00'));
    expect(due('周五', shanghai('2026-03-06T19:00:00')).dueAt).toEqual(shanghai('2026-03-13T18:00:00'));
  });

  it('reads the end of the day as 18:00 on an around-the-clock calendar', () => {
    const always = createBusinessClock({ timeZone: 'Asia/Shanghai', hours: [], holidays: [], workdays: [] });
    expect(resolveDue('by Friday', sent, always, 24).dueAt).toEqual(shanghai('2026-03-06T18:00:00'));
  });

  it('falls back to the default delay when the phrase is unknown or already past', () => {
    expect(due('尽快')).toEqual({ dueAt: shanghai('2026-03-03T10:00:00'), known: false });
    expect(due('今天上午9点前')).toEqual({ dueAt: shanghai('2026-03-03T10:00:00'), known: false });
  });
});
