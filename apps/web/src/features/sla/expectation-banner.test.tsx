// @vitest-environment jsdom
import { renderInLanguage } from '../../testing/dom.js';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from 'antd';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Expectation } from './api.js';
import { ExpectationBanner } from './expectation-banner.js';

const api = vi.hoisted(() => ({ request: vi.fn() }));
vi.mock('../../api/instance.js', () => ({ api }));

const proposal: Expectation = {
  id: '11111111-1111-4111-8111-111111111111',
  conversationId: '22222222-2222-4222-8222-222222222222',
  reason: 'transfer',
  teamId: '33333333-3333-4333-8333-333333333333',
  locale: 'zh',
  dueAt: '2026-03-02T07:00:00Z',
  body: '感谢您的耐心等待。我们正在与账务组一起核实您的问题，今天15:00前会给您明确答复。',
  status: 'proposed',
  messageId: null,
  createdAt: '2026-03-02T06:40:00Z',
};

describe('expectation banner', () => {
  beforeEach(() => api.request.mockReset().mockResolvedValue({ ...proposal, status: 'sent' }));

  it('shows the proposed message and sends it in one click', async () => {
    const onChanged = vi.fn();
    renderInLanguage(
      <App>
        <ExpectationBanner expectation={proposal} onInsert={vi.fn()} onChanged={onChanged} />
      </App>,
    );
    expect(screen.getByText(proposal.body)).toBeTruthy();
    expect(screen.getByText('已转交其他团队——告诉客户何时能得到答复')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: '立即发送' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(api.request).toHaveBeenCalledWith('POST', `/api/sla/expectations/${proposal.id}/send`, {});
  });

  it('moves the text into the reply box and dismisses the proposal (English UI)', async () => {
    const onInsert = vi.fn();
    renderInLanguage(
      <App>
        <ExpectationBanner expectation={proposal} onInsert={onInsert} onChanged={vi.fn()} />
      </App>,
      'en',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Edit in reply box' }));
    expect(onInsert).toHaveBeenCalledWith(proposal.body);
    await waitFor(() => expect(api.request).toHaveBeenCalledWith('POST', `/api/sla/expectations/${proposal.id}/dismiss`));
  });

  it('shows nothing once the message was sent or dismissed', () => {
    const { container } = renderInLanguage(
      <App>
        <ExpectationBanner expectation={{ ...proposal, status: 'sent' }} onInsert={vi.fn()} onChanged={vi.fn()} />
      </App>,
    );
    expect(container.querySelector('.expectation-banner')).toBeNull();
  });
});
