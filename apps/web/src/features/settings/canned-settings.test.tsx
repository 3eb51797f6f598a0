// @vitest-environment jsdom
import { renderInLanguage } from '../../testing/dom.js';
import { createAnalyzer } from '@tongli/engine';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from 'antd';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { analyzeTemplate, unknownVariables, type CannedReplyDetail } from './canned-api.js';
import { CannedSettings } from './canned-settings.js';

const reply = (patch: Partial<CannedReplyDetail>): CannedReplyDetail => ({
  id: 'r1',
  shortCode: 'sorry',
  title: '致歉',
  body: '{{customer.name}}您好，给您带来的不便我深表歉意。',
  locale: 'zh-CN',
  variables: ['customer.name'],
  createdAt: '2025-03-01T00:00:00Z',
  updatedAt: '2025-03-01T00:00:00Z',
  usage: { count: 7, lastUsedAt: '2025-03-05T08:00:00Z' },
  analysis: {
    flagged: true,
    harmful: ['non_apology'],
    techniques: [{ id: 'non_apology', polarity: 'harmful', start: 20, end: 27, text: '给您带来的不便' }],
  },
  ...patch,
});

interface Call {
  method: string;
  url: string;
  body: unknown;
}

function stubFetch(items: CannedReplyDetail[]): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      calls.push({ method, url, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined });
      if (url.startsWith('/api/canned-replies') && method === 'GET') return Promise.resolve(new Response(JSON.stringify({ items })));
      if (url === '/api/canned-replies' && method === 'POST')
        return Promise.resolve(new Response(JSON.stringify(reply({ id: 'r9' })), { status: 201 }));
      return Promise.resolve(new Response(JSON.stringify({ error: { code: 'not_found' } }), { status: 404 }));
    }),
  );
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('canned template helpers', () => {
  const analyzer = createAnalyzer();

  it('analyses a template like the server: non-apology flagged, variables ignored', () => {
    expect(analyzeTemplate(analyzer, '{{customer.name}}您好，给您带来的不便我深表歉意。')).toMatchObject({
      flagged: true,
      harmful: ['non_apology'],
    });
    expect(analyzeTemplate(analyzer, 'Hi {{customer.name}}, I am so sorry this happened. I will fix it today.').flagged).toBe(false);
    expect(unknownVariables('{{customer.name}} {{ order.id }} {{agent.name}}')).toEqual(['order.id']);
  });
});

describe('CannedSettings', () => {
  it('lists replies with usage, last use and the empathy verdict', async () => {
    stubFetch([
      reply({}),
      reply({
        id: 'r2',
        shortCode: 'thanks',
        title: '<b>感谢</b>',
        body: '感谢您的耐心。',
        variables: [],
        usage: { count: 0, lastUsedAt: null },
        analysis: { flagged: false, harmful: [], techniques: [] },
      }),
    ]);
    const { container } = renderInLanguage(
      <App>
        <CannedSettings />
      </App>,
      'en',
    );
    await waitFor(() => expect(screen.getByText('/sorry')).toBeTruthy());
    const cells = (code: string) => [...(screen.getByText(code).closest('tr')?.querySelectorAll('td') ?? [])].map((td) => td.textContent);
    const sorry = cells('/sorry');
    expect(sorry).toContain('Needs rewording');
    expect(sorry).toContain('7');
    expect(sorry).toContain('{{customer.name}}');
    const thanks = cells('/thanks');
    expect(thanks).toContain('OK');
    expect(thanks).toContain('0');
    expect(thanks).toContain('Never');
    expect(screen.getByText('<b>感谢</b>')).toBeTruthy();
    expect(container.querySelector('tbody b')).toBeNull();
  });

  it('flags a non-apology live while typing, and saves the new reply', async () => {
    const calls = stubFetch([]);
    renderInLanguage(
      <App>
        <CannedSettings />
      </App>,
      'zh-CN',
    );
    const user = userEvent.setup();
    await user.click(await screen.findByText('新建快捷回复'));
    fireEvent.change(screen.getByLabelText('快捷码'), { target: { value: 'delay' } });
    fireEvent.change(screen.getByLabelText('标题'), { target: { value: '延迟' } });
    const body = screen.getByLabelText('内容');
    fireEvent.change(body, { target: { value: '给您带来的不便我深表歉意。' } });
    const findings = await waitFor(
      () => {
        const found = document.querySelector('.canned-findings[data-flagged="true"]');
        expect(found).not.toBeNull();
        return found as HTMLElement;
      },
      { timeout: 20_000 },
    );
    expect(findings.querySelector('[data-technique="non_apology"][data-polarity="harmful"]')).not.toBeNull();
    expect(findings.textContent).toContain('含有不当表达');

    fireEvent.change(body, { target: { value: '发生这种事我很抱歉，' } });
    await user.click(screen.getByText('{{customer.name}}'));
    await waitFor(() => expect(document.querySelector('.canned-findings[data-flagged="false"]')).not.toBeNull());
    expect((body as HTMLTextAreaElement).value).toContain('{{customer.name}}');

    await user.click(screen.getByRole('button', { name: /保\s*存/ }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url).toBe('/api/canned-replies');
    expect(post?.body).toMatchObject({ shortCode: 'delay', title: '延迟', locale: 'zh-CN' });
    expect((post?.body as { body: string }).body).toContain('{{customer.name}}');
  }, 30_000);
});
