// @vitest-environment jsdom
import { renderInLanguage } from '../../testing/dom.js';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Composer } from '../composer/composer.js';

interface Call {
  method: string;
  url: string;
  body: unknown;
}

function stubFetch(): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      calls.push({ method, url, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined });
      if (url.startsWith('/api/canned-replies?'))
        return Promise.resolve(
          new Response(
            JSON.stringify({ items: [{ id: 'r1', shortCode: 'greet', title: '问候', body: '您好', locale: 'zh-CN', variables: [] }] }),
          ),
        );
      if (url === '/api/canned-replies/r1/render')
        return Promise.resolve(new Response(JSON.stringify({ body: '您好，李女士', missing: [] })));
      return Promise.resolve(new Response(null, { status: 204 }));
    }),
  );
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('canned reply usage from the composer', () => {
  it('reports the canned reply once the reply that holds it is sent, and not for a draft without one', async () => {
    const calls = stubFetch();
    const onSend = vi.fn(() => Promise.resolve(true));
    renderInLanguage(<Composer conversationId="c1" engine={undefined} context={{}} onSend={onSend} />, 'en');
    const input = screen.getByRole('textbox', { name: 'Reply' }) as HTMLTextAreaElement;
    fireEvent.change(input, { target: { value: '/gr', selectionStart: 3 } });
    await waitFor(() => expect(document.querySelector('[data-short-code="greet"]')).not.toBeNull());
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(input.value).toBe('您好，李女士'));
    expect(calls.some((c) => c.url.endsWith('/uses'))).toBe(false);
    fireEvent.keyDown(input, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(calls.some((c) => c.url === '/api/canned-replies/r1/uses')).toBe(true));
    expect(onSend).toHaveBeenCalledWith('您好，李女士', 'outgoing');
    expect(calls.find((c) => c.url.endsWith('/uses'))).toMatchObject({ method: 'POST', body: { conversationId: 'c1' } });

    fireEvent.change(input, { target: { value: 'plain reply', selectionStart: 11 } });
    fireEvent.keyDown(input, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(onSend).toHaveBeenCalledTimes(2));
    expect(calls.filter((c) => c.url.endsWith('/uses'))).toHaveLength(1);
  });
});
