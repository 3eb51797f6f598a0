import { describe, expect, it } from 'vitest';
import { colorOfEmotion, measureWaiting, pickRiskFlags } from './emotion.js';

describe('emotion display helpers', () => {
  it('orders risk flags by seriousness and drops other signals', () => {
    expect(pickRiskFlags(['sarcasm', 'abuse', 'self_harm', 'repeat_contact'])).toEqual(['self_harm', 'abuse']);
    expect(pickRiskFlags(null)).toEqual([]);
  });

  it('gives unknown emotions a neutral grey', () => {
    expect(colorOfEmotion('anger')).toBe('#cf1322');
    expect(colorOfEmotion('bogus')).toBe('#8c8c8c');
    expect(colorOfEmotion(null)).toBe('#8c8c8c');
  });

  it('measures waiting time in minutes, hours, then days', () => {
    const now = Date.parse('2026-01-03T00:00:00Z');
    expect(measureWaiting(null, now)).toBeNull();
    expect(measureWaiting('2026-01-02T23:55:00Z', now)).toEqual({ value: 5, unit: 'm' });
    expect(measureWaiting('2026-01-02T20:00:00Z', now)).toEqual({ value: 4, unit: 'h' });
    expect(measureWaiting('2025-12-29T00:00:00Z', now)).toEqual({ value: 5, unit: 'd' });
    expect(measureWaiting('2026-01-04T00:00:00Z', now)).toEqual({ value: 0, unit: 'm' });
  });
});
