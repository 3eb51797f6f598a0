// @vitest-environment jsdom
import { renderInLanguage } from '../../testing/dom.js';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from 'antd';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Firing, Rule } from './api.js';
import { AutomationSettings } from './automation-settings.js';

const HOSTILE = '<img src=x onerror="window.pwned=1">愤怒客户';

const rule = (patch: Partial<Rule> = {}): Rule => ({
  id: 'r1',
  name: HOSTILE,
  enabled: true,
  event: 'message.analyzed',
  conditions: { match: 'all', conditions: [{ type: 'emotion', in: ['anger'], minIntensity: 0.6 }] },
  actions: [
    { type: 'add_tag', tags: ['angry'] },
    { type: 'notify_supervisor', severity: 'warning' },
  ],
  position: 0,
  createdBy: null,
  createdAt: '2026-03-02T08:00:00Z',
  updatedAt: '2026-03-02T08:00:00Z',
  ...patch,
});

const firing: Firing = {
  id: 'f1',
  ruleId: 'r1',
  ruleName: 'old name',
  conversationId: 'c1234567-0000-4000-8000-000000000000',
  messageId: null,
  event: 'message.analyzed',
  actions: [
    { type: 'add_tag', status: 'done' },
    { type: 'notify_supervisor', status: 'failed', detail: 'x' },
  ],
  createdAt: '2026-03-02T08:30:00Z',
};

const calls: { url: string; method: string; body: unknown }[] = [];

function stubApi(): void {
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const body: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
      calls.push({ url, method, body });
      const reply = (data: unknown) => Promise.resolve(new Response(JSON.stringify(data), { status: 200 }));
      if (url.startsWith('/api/automation/rules') && method === 'GET') return reply({ items: [rule()] });
      if (url.startsWith('/api/automation/rules/r1') && method === 'PATCH') return reply(rule({ enabled: false }));
      if (url.startsWith('/api/automation/firings')) return reply({ items: [firing] });
      if (url.startsWith('/api/automation/dry-run')) {
        return reply({
          evaluated: 3,
          matches: [
            {
              conversationId: 'c1',
              subject: '退款',
              at: '2026-03-01T08:00:00Z',
              text: '气死我了',
              emotion: 'anger',
              intensity: 0.8,
              results: [],
            },
          ],
        });
      }
      return reply({ items: [] });
    }),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  calls.length = 0;
});

describe('AutomationSettings', () => {
  it('lists rules as text, shows the firing log, toggles a rule and dry-runs it', async () => {
    stubApi();
    const me = { id: 'u1', kind: 'user' as const, name: 'Lead', role: 'supervisor' as const, teamIds: [], csrfToken: null };
    const { container } = renderInLanguage(
      <App>
        <AutomationSettings me={me} />
      </App>,
      'en',
    );
    await waitFor(() => expect(screen.getAllByText(HOSTILE).length).toBeGreaterThan(0));
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByText('Add tags · done')).toBeTruthy();
    expect(screen.getByText('Notify supervisor · failed')).toBeTruthy();
    expect(screen.getByText('A message is analysed', { selector: '.ant-tag' })).toBeTruthy();
    // Webhooks are only listed for admins.
    expect(calls.some((c) => c.url.startsWith('/api/webhooks'))).toBe(false);

    const user = userEvent.setup();
    await user.click(screen.getByRole('switch', { name: `On ${HOSTILE}` }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({ url: '/api/automation/rules/r1', body: { enabled: false } }),
    );

    await user.click(screen.getByRole('button', { name: `Try on past conversations ${HOSTILE}` }));
    const dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(within(dialog).getByText('1 of 3 conversations would match')).toBeTruthy());
    expect(calls.find((c) => c.url === '/api/automation/dry-run')?.body).toMatchObject({ event: 'message.analyzed', limit: 200 });
  });

  it('lets a new rule be saved only once it is complete', async () => {
    stubApi();
    const me = { id: 'u1', kind: 'user' as const, name: 'Lead', role: 'supervisor' as const, teamIds: [], csrfToken: null };
    renderInLanguage(
      <App>
        <AutomationSettings me={me} />
      </App>,
      'zh-CN',
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /新建规则/ }));
    const drawer = await screen.findByRole('dialog');
    const save = within(drawer).getByRole('button', { name: /^保\s?存$/ });
    expect(save.hasAttribute('disabled')).toBe(true);
    expect(within(drawer).getByText('请给规则命名')).toBeTruthy();
    // One paste, not key by key: on a loaded machine the drawer may still be settling while keys arrive.
    await user.click(within(drawer).getByRole('textbox', { name: '规则' }));
    await user.paste('愤怒客户通知主管');
    await waitFor(() => expect(save.hasAttribute('disabled')).toBe(false));
    await user.click(save);
    await waitFor(() => expect(calls.find((c) => c.method === 'POST' && c.url === '/api/automation/rules')).toBeTruthy());
    expect(calls.find((c) => c.method === 'POST' && c.url === '/api/automation/rules')?.body).toMatchObject({
      name: '愤怒客户通知主管',
      event: 'message.analyzed',
      conditions: { match: 'all', conditions: [{ type: 'emotion', in: ['anger'], minIntensity: 0.6 }] },
      actions: [{ type: 'notify_supervisor', severity: 'warning' }],
    });
  });
});
