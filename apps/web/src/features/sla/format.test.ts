import { describe, expect, it } from 'vitest';
import { fromDayRows, measureRemaining, parseDateList, slaTone, toDayRows } from './format.js';

const now = Date.parse('2026-03-02T02:00:00Z');

describe('SLA formatting', () => {
  it('measures the time left, or how late', () => {
    expect(measureRemaining('2026-03-02T02:12:30Z', now)).toEqual({ late: false, value: 12, unit: 'm' });
    expect(measureRemaining('2026-03-02T05:00:00Z', now)).toEqual({ late: false, value: 3, unit: 'h' });
    expect(measureRemaining('2026-03-01T23:00:00Z', now)).toEqual({ late: true, value: 3, unit: 'h' });
    expect(measureRemaining('2026-03-06T02:00:00Z', now)).toEqual({ late: false, value: 4, unit: 'd' });
    expect(measureRemaining('not a date', now)).toBeNull();
  });

  it('colours the clock by its warning and due times', () => {
    const clock = { warnAt: '2026-03-02T01:50:00Z', dueAt: '2026-03-02T02:10:00Z' };
    expect(slaTone(clock, Date.parse('2026-03-02T01:40:00Z'))).toBe('ok');
    expect(slaTone(clock, now)).toBe('warning');
    expect(slaTone(clock, Date.parse('2026-03-02T02:10:00Z'))).toBe('breached');
  });

  it('reads a typed list of dates', () => {
    expect(parseDateList('2026-10-02\n2026-10-01, 2026-10-01；2026-13-01 soon')).toEqual({
      dates: ['2026-10-01', '2026-10-02'],
      invalid: ['2026-13-01', 'soon'],
    });
  });

  it('edits opening hours one weekday per row', () => {
    const rows = toDayRows([
      { day: 1, start: '09:00', end: '18:00' },
      { day: 6, start: '10:00', end: '16:00' },
    ]);
    expect(rows.map((r) => r.open)).toEqual([true, false, false, false, false, true, false]);
    expect(fromDayRows(rows)).toEqual([
      { day: 1, start: '09:00', end: '18:00' },
      { day: 6, start: '10:00', end: '16:00' },
    ]);
  });
});
