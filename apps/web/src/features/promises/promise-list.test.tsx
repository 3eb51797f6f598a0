// @vitest-environment jsdom
import { renderInLanguage } from '../../testing/dom.js';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from 'antd';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrackedPromise } from './api.js';
import { PromiseList } from './promise-list.js';

const api = vi.hoisted(() => ({ request: vi.fn() }));
vi.mock('../../api/instance.js', () => ({ api }));

const NOW = Date.parse('2026-03-02T02:00:00Z');
const promise = (id: string, dueAt: string, status: TrackedPromise['status'] = 'open'): TrackedPromise => ({
  id,
  conversationId: '22222222-2222-4222-8222-222222222222',
  messageId: '44444444-4444-4444-8444-444444444444',
  agentId: null,
  agentName: null,
  customerId: null,
  customerName: '王先生',
  subject: '宽带故障',
  text: `我会在48小时内给您回电 (${id})`,
  duePhrase: '48小时内',
  dueAt,
  dueKnown: true,
  status,
  remindedAt: null,
  closedAt: null,
  note: null,
  createdAt: '2026-03-01T02:00:00Z',
});

describe('promise list', () => {
  beforeEach(() => api.request.mockReset());

  it('shows how long until each promise is due, or how late it is', () => {
    renderInLanguage(
      <App>
        <PromiseList
          items={[
            promise('a', '2026-03-02T05:00:00Z'),
            promise('b', '2026-03-02T01:30:00Z', 'overdue'),
            promise('c', '2026-03-01T00:00:00Z', 'fulfilled'),
          ]}
          now={NOW}
        />
      </App>,
    );
    expect(screen.getByText('3小时后到期')).toBeTruthy();
    expect(screen.getByText('已逾期30分钟')).toBeTruthy();
    expect(screen.getByText('已兑现', { selector: '.promise-due' })).toBeTruthy();
    // Only promises still to keep can be marked kept.
    expect(screen.getAllByRole('button', { name: /已兑现/ })).toHaveLength(2);
  });

  it('marks a promise kept in one click and links to its conversation (English UI)', async () => {
    const kept = { ...promise('a', '2026-03-02T05:00:00Z'), status: 'fulfilled' as const };
    api.request.mockResolvedValue(kept);
    const onChanged = vi.fn();
    const onOpen = vi.fn();
    renderInLanguage(
      <App>
        <PromiseList items={[promise('a', '2026-03-02T05:00:00Z')]} now={NOW} showContext onOpen={onOpen} onChanged={onChanged} />
      </App>,
      'en',
    );
    expect(screen.getByText('due in 3 h')).toBeTruthy();
    await userEvent.click(screen.getByText(/王先生 · 宽带故障/));
    expect(onOpen).toHaveBeenCalledWith('22222222-2222-4222-8222-222222222222');
    await userEvent.click(screen.getByRole('button', { name: /Kept/ }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(kept));
    expect(api.request).toHaveBeenCalledWith('PATCH', '/api/promises/a', { status: 'fulfilled' });
  });
});
