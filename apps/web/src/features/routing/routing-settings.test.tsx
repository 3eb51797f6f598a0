// @vitest-environment jsdom
import { renderInLanguage } from '../../testing/dom.js';
import { screen, waitFor } from '@testing-library/react';
import { App } from 'antd';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultQueue, inAbuseCooldown, sortByTurnaround, toQueueInput, type Queue, type RoutingAgent } from './api.js';
import { RoutingSettings } from './routing-settings.js';

const agent = (patch: Partial<RoutingAgent>): RoutingAgent => ({
  id: 'a',
  name: 'A',
  role: 'agent',
  teamIds: [],
  skills: [],
  languages: ['zh'],
  presence: 'online',
  presenceChangedAt: null,
  capacity: 5,
  load: 0,
  turnaround: { mean: null, score: null, conversations: 0 },
  lastAbuseAt: null,
  rank: null,
  ...patch,
});

const queue: Queue = {
  ...defaultQueue(),
  id: 'q1',
  name: '售后队列',
  teamId: 't1',
  lastAssignedId: null,
  createdAt: '2026-03-01T00:00:00Z',
  updatedAt: '2026-03-01T00:00:00Z',
};

afterEach(() => vi.unstubAllGlobals());

describe('routing helpers', () => {
  it('orders the ranking (ranked first, unmeasured by name) and tells who is cooling down', () => {
    const list = sortByTurnaround([
      agent({ id: 'z', name: 'Zed' }),
      agent({ id: 'b', name: 'Bo', rank: 2 }),
      agent({ id: 'c', name: 'Al' }),
      agent({ id: 'a', name: 'Yu', rank: 1 }),
    ]);
    expect(list.map((a) => a.id)).toEqual(['a', 'b', 'c', 'z']);
    const now = new Date('2026-03-02T10:00:00Z');
    expect(inAbuseCooldown({ lastAbuseAt: '2026-03-02T09:45:00Z' }, 30, now)).toBe(true);
    expect(inAbuseCooldown({ lastAbuseAt: '2026-03-02T09:15:00Z' }, 30, now)).toBe(false);
    expect(inAbuseCooldown({ lastAbuseAt: null }, 30, now)).toBe(false);
    expect(toQueueInput(queue)).toEqual({ ...defaultQueue(), name: '售后队列', teamId: 't1' });
  });
});

describe('RoutingSettings', () => {
  it('shows queues, the turnaround ranking and why conversations were routed', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string) => {
        const reply = (data: unknown) => Promise.resolve(new Response(JSON.stringify(data), { status: 200 }));
        if (url.startsWith('/api/routing/queues')) return reply({ items: [queue] });
        if (url.startsWith('/api/routing/agents')) {
          return reply({
            items: [
              agent({ id: 'x', name: '刘洋', lastAbuseAt: new Date().toISOString() }),
              agent({ id: 'y', name: '王芳', rank: 1, turnaround: { mean: 1.25, score: 0.9, conversations: 6 } }),
            ],
          });
        }
        if (url.startsWith('/api/routing/decisions')) {
          return reply({
            items: [
              {
                id: 1,
                conversationId: 'c1234567-0000-4000-8000-000000000000',
                queueId: 'q1',
                queueName: '售后队列',
                assigneeId: 'y',
                assigneeName: '王芳',
                reason: 'emotion',
                details: { upset: true },
                createdAt: '2026-03-02T08:00:00Z',
              },
            ],
          });
        }
        if (url.startsWith('/api/teams')) return reply({ items: [{ id: 't1', name: '售后服务' }] });
        return reply({ items: [] });
      }),
    );
    const me = { id: 'u1', kind: 'user' as const, name: 'Lead', role: 'supervisor' as const, teamIds: [], csrfToken: null };
    const { container } = renderInLanguage(
      <App>
        <RoutingSettings me={me} />
      </App>,
      'zh-CN',
    );
    await waitFor(() => expect(screen.getByText('1.25（6 个会话）')).toBeTruthy());
    const rows = [...container.querySelectorAll('.ant-card')[1]!.querySelectorAll('tbody tr')].map((row) => row.textContent ?? '');
    expect(rows[0]).toMatch(/^#1王芳/);
    expect(rows[1]).toContain('缓冲中');
    expect(screen.getByText('团队: 售后服务')).toBeTruthy();
    expect(screen.getByText('情绪扭转最佳')).toBeTruthy();
    expect(screen.getByText('客户情绪激动')).toBeTruthy();
  });
});
