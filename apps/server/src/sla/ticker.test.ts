import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTicker } from './ticker.js';

describe('ticker', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-03-02T02:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('runs at once, then every interval read after each run, until stopped', async () => {
    const ticks: string[] = [];
    let seconds = 60;
    const stop = startTicker(
      'test',
      async (now) => {
        ticks.push(now.toISOString());
      },
      async () => seconds,
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(ticks).toEqual(['2026-03-02T02:00:00.000Z']);
    seconds = 10;
    await vi.advanceTimersByTimeAsync(59_000);
    expect(ticks).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ticks.at(-1)).toBe('2026-03-02T02:01:00.000Z');
    // The new interval applies from the next run on.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ticks.at(-1)).toBe('2026-03-02T02:01:10.000Z');
    await stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(ticks).toHaveLength(3);
  });

  it('keeps ticking after a failed run', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let calls = 0;
    const stop = startTicker(
      'test',
      async () => {
        calls++;
        if (calls === 1) throw new Error('database away');
      },
      async () => 5,
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(2);
    expect(error).toHaveBeenCalledTimes(1);
    await stop();
    error.mockRestore();
  });
});
