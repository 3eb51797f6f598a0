import { describe, expect, it } from 'vitest';
import { createBusinessClock, OFFICE_HOURS } from './business-time.js';
import { CN_HOLIDAYS } from './calendars.js';
import { composeExpectation, findCheckedTeam, pickLocale, promiseTime } from './expectation.js';

const shanghai = (local: string): Date => new Date(`${local}+08:00`);
const clock = createBusinessClock({
  timeZone: 'Asia/Shanghai',
  hours: OFFICE_HOURS,
  holidays: CN_HOLIDAYS.holidays,
  workdays: CN_HOLIDAYS.workdays,
});
const compose = (local: string, minutes: number, locale: 'zh' | 'en', team: string | null) => {
  const now = shanghai(local);
  return composeExpectation({ clock, now, dueAt: promiseTime(clock, now, minutes), locale, team });
};

describe('expectation-setting messages', () => {
  it('promises a concrete time today, rounded up to the quarter hour, in Chinese', () => {
    // Monday 14:32 + 20 business minutes = 14:52 → 15:00.
    expect(compose('2026-03-02T14:32:00', 20, 'zh', '账务组')).toBe(
      '感谢您的耐心等待。我们正在与账务组一起核实您的问题，今天15:00前会给您明确答复。',
    );
  });

  it('names tomorrow or a date when the answer falls on a later working day, in English', () => {
    // Monday 17:50 + 30 business minutes: 10 today, 20 tomorrow → 09:20 → 09:30 tomorrow.
    expect(compose('2026-03-02T17:50:00', 30, 'en', 'Billing')).toBe(
      'Thank you for your patience. We are checking this with our Billing colleagues, and you will hear from us by 09:30 tomorrow.',
    );
    // Friday 17:50 + 30: Monday 9 March 09:20 → 09:30.
    expect(compose('2026-03-06T17:50:00', 30, 'en', null)).toBe(
      'Thank you for your patience. We are checking this with a colleague, and you will hear from us by 09:30 on Monday 9 March.',
    );
    expect(compose('2026-03-06T17:50:00', 30, 'zh', null)).toContain('3月9日（周一）09:30前');
  });

  it('skips public holidays when promising a time', () => {
    // Wednesday 30 September 2026, 17:30 + 60 business minutes: 30 today, then National Day until 7 October.
    expect(compose('2026-09-30T17:30:00', 60, 'zh', '技术支持')).toContain('10月8日（周四）09:30前');
  });

  it("follows the customer's language", () => {
    expect(pickLocale('en-US', 'zh')).toBe('en');
    expect(pickLocale('zh-CN', 'en')).toBe('zh');
    expect(pickLocale(null, 'en')).toBe('en');
    expect(pickLocale(null, 'mixed')).toBe('zh');
  });

  it('finds the team a note says the agent is checking with', () => {
    const teams = [
      { id: '1', name: '账务组' },
      { id: '2', name: 'Billing' },
      { id: '3', name: 'IT' },
    ];
    expect(findCheckedTeam('已转给账务组确认退款进度', teams)?.id).toBe('1');
    expect(findCheckedTeam('Checking with billing about the double charge', teams)?.id).toBe('2');
    expect(findCheckedTeam('客户很着急，账务组', teams)).toBeNull();
    expect(findCheckedTeam('waiting on the warehouse', teams)).toBeNull();
  });
});
