import { describe, expect, it } from 'vitest';
import { createBusinessClock, OFFICE_HOURS } from './business-time.js';
import { computeSlaState, pickPolicy, type SlaPolicy } from './policy.js';

const shanghai = (local: string): Date => new Date(`${local}+08:00`);
const policy = (id: string, inboxId: string | null, priority: SlaPolicy['priority'], first = 30, next = 60): SlaPolicy => ({
  id,
  inboxId,
  priority,
  firstResponseMinutes: first,
  nextResponseMinutes: next,
  warnPercent: 80,
});
const clock = createBusinessClock({ timeZone: 'Asia/Shanghai', hours: OFFICE_HOURS, holidays: [], workdays: [] });

describe('SLA policies', () => {
  const policies = [
    policy('default', null, null),
    policy('urgent', null, 'urgent'),
    policy('inbox', 'a', null),
    policy('inbox-urgent', 'a', 'urgent'),
  ];

  it('picks the most specific policy', () => {
    expect(pickPolicy(policies, 'a', 'urgent')?.id).toBe('inbox-urgent');
    expect(pickPolicy(policies, 'a', 'normal')?.id).toBe('inbox');
    expect(pickPolicy(policies, 'b', 'urgent')?.id).toBe('urgent');
    expect(pickPolicy(policies, 'b', 'low')?.id).toBe('default');
    expect(pickPolicy([policy('only-a', 'a', null)], 'b', 'low')).toBeUndefined();
  });

  it('runs the first-response clock in business minutes, paused overnight', () => {
    const conversation = {
      inbox_id: 'b',
      priority: 'normal' as const,
      status: 'open',
      waiting_since: shanghai('2026-03-02T17:50:00'),
      first_response_at: null,
    };
    const p = policy('p', null, null, 30, 60);
    const evening = computeSlaState(conversation, p, clock, shanghai('2026-03-02T22:00:00'));
    expect(evening).toMatchObject({ target: 'first_response', state: 'ok', elapsedMinutes: 10, running: false });
    // 30 business minutes from Monday 17:50: 10 on Monday, 20 on Tuesday morning.
    expect(evening?.dueAt).toEqual(shanghai('2026-03-03T09:20:00'));
    expect(evening?.warnAt).toEqual(shanghai('2026-03-03T09:14:00'));
    expect(computeSlaState(conversation, p, clock, shanghai('2026-03-03T09:15:00'))?.state).toBe('warning');
    expect(computeSlaState(conversation, p, clock, shanghai('2026-03-03T09:20:00'))?.state).toBe('breached');
  });

  it('switches to the next-response target after the first reply, and stops when nobody waits', () => {
    const p = policy('p', null, null, 30, 60);
    const base = { inbox_id: 'b', priority: 'normal' as const, status: 'open', first_response_at: shanghai('2026-03-02T10:00:00') };
    const waiting = computeSlaState({ ...base, waiting_since: shanghai('2026-03-02T11:00:00') }, p, clock, shanghai('2026-03-02T11:30:00'));
    expect(waiting).toMatchObject({ target: 'next_response', targetMinutes: 60, state: 'ok' });
    expect(waiting?.dueAt).toEqual(shanghai('2026-03-02T12:00:00'));
    expect(computeSlaState({ ...base, waiting_since: null }, p, clock, shanghai('2026-03-02T11:30:00'))).toBeNull();
    expect(
      computeSlaState(
        { ...base, status: 'snoozed', waiting_since: shanghai('2026-03-02T11:00:00') },
        p,
        clock,
        shanghai('2026-03-02T11:30:00'),
      ),
    ).toBeNull();
  });
});
