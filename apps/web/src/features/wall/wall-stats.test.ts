import { describe, expect, it } from 'vitest';
import type { ConversationListItem, UserSummary } from '../../api/types.js';
import { agentLoads, alertsFromFlags, alertsFromSla, parseAlert } from './wall-stats.js';

const row = (id: string, assigneeId: string | null, risk: string[] = [], resolvedAt: string | null = null): ConversationListItem => ({
  id,
  inboxId: 'i',
  customerId: 'c',
  teamId: null,
  assigneeId,
  status: resolvedAt ? 'resolved' : 'open',
  priority: 'normal',
  subject: '',
  tags: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  lastMessageAt: '2026-01-01T00:00:00.000Z',
  waitingSince: null,
  firstResponseAt: null,
  resolvedAt,
  customerName: id,
  analysis: { lastEmotion: 'anger', lastIntensity: 0.8, empathyScore: null, satisfaction: null, risk },
  lastMessage: null,
});

const users: UserSummary[] = [
  { id: 'a', name: 'Ann', role: 'agent' },
  { id: 'b', name: 'Bo', role: 'agent' },
  { id: 's', name: 'Sue', role: 'supervisor' },
];

describe('wall statistics', () => {
  it('counts load, handled today and abusive exposure per agent', () => {
    const since = Date.parse('2026-01-02T00:00:00.000Z');
    const loads = agentLoads(
      [row('1', 'a', ['abuse']), row('2', 'a'), row('3', null, ['threat']), row('4', 'b', ['escalation_threat'])],
      [row('5', 'b', [], '2026-01-02T09:00:00.000Z'), row('6', 'b', [], '2026-01-01T09:00:00.000Z')],
      users,
      since,
    );
    expect(loads).toEqual([
      { agentId: 'a', name: 'Ann', open: 2, handledToday: 0, abusive: 1 },
      { agentId: 'b', name: 'Bo', open: 1, handledToday: 1, abusive: 0 },
      { agentId: null, name: '', open: 1, handledToday: 0, abusive: 1 },
    ]);
  });

  it('turns risk flags and live events into alerts', () => {
    expect(alertsFromFlags([row('1', 'a', ['abuse', 'self_harm', 'negation'])]).map((a) => a.kind)).toEqual(['self_harm', 'abuse']);
    expect(parseAlert({ kind: 'abuse', conversationId: 'c1', messageId: 'm1' }, 'now')).toMatchObject({ kind: 'abuse', live: true });
    expect(parseAlert({ kind: 'unknown', conversationId: 'c1' }, 'now')).toBeNull();
    // Operations alerts (SLA clocks, surveys, promises) reach the wall too; without a message they are keyed by time.
    expect(parseAlert({ kind: 'sla_breached', conversationId: 'c1' }, 't1')).toMatchObject({
      kind: 'sla_breached',
      key: 'live:c1:sla_breached:t1',
    });
    expect(parseAlert({ kind: 'low_csat', conversationId: 'c2' }, 't2')?.kind).toBe('low_csat');
    expect(parseAlert('x', 'now')).toBeNull();
  });

  it('turns SLA clocks at risk or breached into alerts, breaches first', () => {
    const clock = (conversationId: string, state: string) => ({
      conversationId,
      state,
      warnAt: '2026-01-05T09:08:00Z',
      dueAt: '2026-01-05T09:10:00Z',
    });
    const alerts = alertsFromSla([clock('a', 'warning'), clock('b', 'ok'), clock('c', 'breached')]);
    expect(alerts.map((a) => [a.conversationId, a.kind, a.at])).toEqual([
      ['c', 'sla_breached', '2026-01-05T09:10:00Z'],
      ['a', 'sla_warning', '2026-01-05T09:08:00Z'],
    ]);
  });
});
