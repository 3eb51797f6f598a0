// @vitest-environment jsdom
import { renderInLanguage } from '../../testing/dom.js';
import { CATALOGUE, createAnalyzer } from '@tongli/engine';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CannedReply } from '../../api/types.js';
import { Composer } from './composer.js';
import type { LoadedEngine } from './engine.js';

const api = vi.hoisted(() => ({ searchCannedReplies: vi.fn(), renderCannedReply: vi.fn() }));
vi.mock('../../api/instance.js', () => ({ api }));

/** The real engine, built once for the file (the composer is given it, as the workspace does once it has loaded). */
const engine: LoadedEngine = { analyzer: createAnalyzer(), catalogue: CATALOGUE };

const REPLIES: CannedReply[] = [
  { id: 'r1', shortCode: 'refund', title: '退款进度', body: '您的退款已经提交。', locale: 'zh-CN', variables: [] },
  {
    id: 'r2',
    shortCode: 'return',
    title: '退货地址',
    body: '{{customer.name}}您好，退货请寄回仓库，我们会致电 {{customer.phone}}。',
    locale: 'zh-CN',
    variables: ['customer.name', 'customer.phone'],
  },
];

function renderComposer(language: 'zh-CN' | 'en', onSend = vi.fn(async () => true)) {
  const customer = language === 'en' ? 'This is the third time I am asking!' : '我已经打了三次电话了！！！';
  renderInLanguage(<Composer conversationId="c1" engine={engine} context={{ customer }} onSend={onSend} />, language);
  return { onSend, draft: screen.getByRole('textbox') as HTMLTextAreaElement, user: userEvent.setup({ delay: null }) };
}

beforeEach(() => {
  api.searchCannedReplies.mockReset().mockResolvedValue(REPLIES);
  api.renderCannedReply.mockReset().mockImplementation(async (id: string) => ({
    body: id === 'r2' ? '王建国您好，退货请寄回仓库，我们会致电 {{customer.phone}}。' : '您的退款已经提交。',
  }));
});

describe('Composer', () => {
  it.each([
    ['zh-CN', '这不是我们的问题', 'arguing', '不是我们的问题', /改\s*写/],
    ['en', "That's not our problem.", 'blunt_no', "That's not our problem", /Rewrite/],
  ] as const)('%s: a harmful draft gets an "avoid" hint, underlined in the draft', async (language, text, hintId, marked, rewrite) => {
    const { draft, user } = renderComposer(language);
    await user.type(draft, text);
    const hint = await waitFor(() => {
      const found = document.querySelector(`.hint-avoid[data-hint="${hintId}"]`);
      expect(found).not.toBeNull();
      return found as HTMLElement;
    });
    expect(within(hint).getByRole('button', { name: rewrite })).toBeTruthy();
    expect(document.querySelector('.draft-harmful')?.textContent).toBe(marked);
  });

  it('the one-click rewrite replaces the harmful sentence and the hint goes away', async () => {
    const { draft, user } = renderComposer('zh-CN');
    await user.type(draft, '您好。这不是我们的问题。');
    const button = await screen.findByRole('button', { name: /改\s*写/ });
    await user.click(button);
    expect(draft.value).toBe('您好。我先帮您查清楚原因，不管问题出在哪一环，我都会帮您找到解决办法。');
    await waitFor(() => expect(document.querySelector('.hint-avoid[data-hint="arguing"]')).toBeNull());
    expect(document.querySelector('.draft-harmful')).toBeNull();
  });

  it('"/" opens the canned replies; arrows move, Enter inserts the rendered reply in place of "/query"', async () => {
    const { draft, user } = renderComposer('zh-CN');
    await user.type(draft, '稍等 /re');
    const listbox = await screen.findByRole('listbox');
    await waitFor(() => expect(within(listbox).getAllByRole('option')).toHaveLength(2));
    expect(api.searchCannedReplies).toHaveBeenLastCalledWith('re');
    expect(draft.getAttribute('aria-controls')).toBe(listbox.id);
    const selected = () => within(listbox).getByRole('option', { selected: true }).getAttribute('data-short-code');
    expect(selected()).toBe('refund');
    await user.keyboard('{ArrowDown}');
    expect(selected()).toBe('return');
    // The focus stays in the draft; screen readers follow the active option.
    expect(draft.getAttribute('aria-activedescendant')).toBe(within(listbox).getByRole('option', { selected: true }).id);
    await user.keyboard('{ArrowDown}');
    expect(selected()).toBe('refund');
    await user.keyboard('{ArrowUp}');
    expect(selected()).toBe('return');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(draft.value).toBe('稍等 王建国您好，退货请寄回仓库，我们会致电 {{customer.phone}}。'));
    expect(api.renderCannedReply).toHaveBeenCalledWith('r2', 'c1');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(draft.getAttribute('aria-controls')).toBeNull();
  });

  it('Escape closes the canned replies and leaves the draft as typed', async () => {
    const { draft, user } = renderComposer('en');
    await user.type(draft, '/ref');
    await screen.findByRole('listbox');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(draft.value).toBe('/ref');
    expect(api.renderCannedReply).not.toHaveBeenCalled();
  });

  it('sending is blocked (button and Ctrl+Enter) while a {{variable}} is unfilled, and allowed once it is typed', async () => {
    const { draft, user, onSend } = renderComposer('en');
    await user.click(draft);
    await user.paste('Hi Wang, we will call {{customer.phone}} today.');
    const send = screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement;
    expect(document.querySelector('.unfilled')?.textContent).toContain('{{customer.phone}}');
    expect(send.disabled).toBe(true);
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(onSend).not.toHaveBeenCalled();

    await user.clear(draft);
    await user.paste('Hi Wang, we will call 138 0000 0000 today.');
    expect(document.querySelector('.unfilled')).toBeNull();
    expect(send.disabled).toBe(false);
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(onSend).toHaveBeenCalledWith('Hi Wang, we will call 138 0000 0000 today.', 'outgoing');
    await waitFor(() => expect(draft.value).toBe(''));
  });
});
