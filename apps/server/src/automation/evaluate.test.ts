import { describe, expect, it } from 'vitest';
import { evaluateCondition, evaluateConditions, isWithinSchedule, localTime, type Facts } from './evaluate.js';
import { ConditionsSchema, RuleInputSchema, type Condition } from './rules.js';

const facts = (over: Partial<Facts> = {}): Facts => ({
  at: new Date('2024-06-03T02:00:00Z'), // Monday 10:00 in Shanghai
  channel: 'web',
  inboxId: '00000000-0000-4000-8000-000000000001',
  teamId: null,
  status: 'open',
  priority: 'normal',
  tags: ['vip'],
  text: '我要退款！第三次打电话了',
  direction: 'incoming',
  emotion: 'anger',
  intensity: 0.8,
  signals: ['repeat_contact'],
  language: 'zh',
  attributes: { tier: 'Gold', orders: 12, labels: ['b2b', 'north'] },
  ...over,
});

const schedule = { timezone: 'Asia/Shanghai', days: { mon: [{ start: '09:00', end: '18:00' }], sat: [{ start: '10:00', end: '12:00' }] } };

describe('evaluateCondition', () => {
  const cases: [string, Condition, Partial<Facts>, boolean][] = [
    ['channel in', { type: 'channel', in: ['web', 'email'] }, {}, true],
    ['channel not in', { type: 'channel', in: ['email'] }, {}, false],
    ['inbox', { type: 'inbox', in: ['00000000-0000-4000-8000-000000000001'] }, {}, true],
    ['team null never matches', { type: 'team', in: ['00000000-0000-4000-8000-000000000002'] }, {}, false],
    ['text any word, case-insensitive', { type: 'text', contains: ['REFUND', '退款'] }, {}, true],
    ['text english case-insensitive', { type: 'text', contains: ['REFUND'] }, { text: 'I want a refund' }, true],
    ['text negated', { type: 'text', contains: ['退款'], negate: true }, {}, false],
    ['emotion with intensity', { type: 'emotion', in: ['anger'], minIntensity: 0.7 }, {}, true],
    ['emotion too weak', { type: 'emotion', in: ['anger'], minIntensity: 0.9 }, {}, false],
    ['emotion unknown', { type: 'emotion', in: ['anger'] }, { emotion: null }, false],
    ['intensity range', { type: 'intensity', min: 0.5, max: 0.9 }, {}, true],
    ['intensity above max', { type: 'intensity', max: 0.5 }, {}, false],
    ['risk any', { type: 'risk', any: ['escalation_threat', 'repeat_contact'] }, {}, true],
    ['risk none present', { type: 'risk', any: ['abuse'] }, {}, false],
    ['tag any', { type: 'tag', any: ['vip'] }, {}, true],
    ['tag none', { type: 'tag', none: ['vip'] }, {}, false],
    ['priority', { type: 'priority', in: ['high', 'urgent'] }, { priority: 'urgent' }, true],
    ['status', { type: 'status', in: ['resolved'] }, {}, false],
    ['language', { type: 'language', in: ['en'] }, {}, false],
    ['direction', { type: 'direction', in: ['outgoing'] }, {}, false],
    ['attribute eq ignores case', { type: 'attribute', key: 'tier', op: 'eq', value: 'gold' }, {}, true],
    ['attribute neq of missing', { type: 'attribute', key: 'missing', op: 'neq', value: 'x' }, {}, true],
    ['attribute exists', { type: 'attribute', key: 'missing', op: 'exists' }, {}, false],
    ['attribute gte', { type: 'attribute', key: 'orders', op: 'gte', value: 10 }, {}, true],
    ['attribute lte', { type: 'attribute', key: 'orders', op: 'lte', value: 10 }, {}, false],
    ['attribute contains in list', { type: 'attribute', key: 'labels', op: 'contains', value: 'B2B' }, {}, true],
    ['attribute gte on text', { type: 'attribute', key: 'tier', op: 'gte', value: 1 }, {}, false],
    ['inside business hours', { type: 'business_hours', inside: true, schedule }, {}, true],
    ['outside business hours', { type: 'business_hours', inside: false, schedule }, {}, false],
  ];
  it.each(cases)('%s', (_name, condition, over, expected) => {
    expect(evaluateCondition(condition, facts(over))).toBe(expected);
  });
});

describe('evaluateConditions', () => {
  it('needs every condition with all, one with any; an empty list matches', () => {
    const conditions: Condition[] = [
      { type: 'channel', in: ['web'] },
      { type: 'risk', any: ['abuse'] },
    ];
    const all = evaluateConditions({ match: 'all', conditions }, facts());
    expect(all).toEqual({
      matched: false,
      results: [
        { type: 'channel', matched: true },
        { type: 'risk', matched: false },
      ],
    });
    expect(evaluateConditions({ match: 'any', conditions }, facts()).matched).toBe(true);
    expect(evaluateConditions({ match: 'all', conditions: [] }, facts()).matched).toBe(true);
  });
});

describe('business hours', () => {
  it('reads the weekday and time in the schedule time zone', () => {
    // Sunday 23:30 UTC is Monday 07:30 in Shanghai.
    expect(localTime(new Date('2024-06-02T23:30:00Z'), 'Asia/Shanghai')).toEqual({ day: 'mon', minute: 450 });
    expect(isWithinSchedule(schedule, new Date('2024-06-02T23:30:00Z'))).toBe(false);
    expect(isWithinSchedule(schedule, new Date('2024-06-03T01:00:00Z'))).toBe(true); // 09:00 opens
    expect(isWithinSchedule(schedule, new Date('2024-06-03T10:00:00Z'))).toBe(false); // 18:00 is closed
    expect(isWithinSchedule(schedule, new Date('2024-06-08T03:00:00Z'))).toBe(true); // Saturday 11:00
    expect(isWithinSchedule(schedule, new Date('2024-06-04T03:00:00Z'))).toBe(false); // Tuesday: closed
    const london = { timezone: 'Europe/London', days: { mon: [{ start: '09:00', end: '17:00' }] } };
    expect(isWithinSchedule(london, new Date('2024-06-03T08:30:00Z'))).toBe(true); // BST: 09:30
    expect(isWithinSchedule(london, new Date('2024-01-08T08:30:00Z'))).toBe(false); // GMT: 08:30
  });
});

describe('rule schemas', () => {
  it('reject unknown conditions, bad schedules and actions without targets', () => {
    expect(ConditionsSchema.safeParse({ conditions: [{ type: 'sql', where: '1=1' }] }).success).toBe(false);
    expect(
      ConditionsSchema.safeParse({
        conditions: [{ type: 'business_hours', inside: true, schedule: { timezone: 'Mars/Base', days: {} } }],
      }).success,
    ).toBe(false);
    expect(
      ConditionsSchema.safeParse({
        conditions: [
          { type: 'business_hours', inside: true, schedule: { timezone: 'UTC', days: { mon: [{ start: '18:00', end: '09:00' }] } } },
        ],
      }).success,
    ).toBe(false);
    const base = { name: 'r', event: 'message.analyzed', conditions: { conditions: [] } };
    expect(RuleInputSchema.safeParse({ ...base, actions: [{ type: 'assign' }] }).success).toBe(false);
    expect(RuleInputSchema.safeParse({ ...base, actions: [{ type: 'send_canned_reply' }] }).success).toBe(false);
    expect(RuleInputSchema.safeParse({ ...base, actions: [] }).success).toBe(false);
    const ok = RuleInputSchema.parse({ ...base, actions: [{ type: 'notify_supervisor' }] });
    expect(ok).toMatchObject({
      enabled: true,
      conditions: { match: 'all' },
      actions: [{ type: 'notify_supervisor', severity: 'warning' }],
    });
  });
});
