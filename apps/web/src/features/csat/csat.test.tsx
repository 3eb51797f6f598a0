// @vitest-environment jsdom
import { renderInLanguage } from '../../testing/dom.js';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../../i18n/i18n.js';
import { formatAverage, formatShare, surveyState, toCsatQuery, type CsatListItem, type CsatSummary, type CsatSurvey } from './api.js';
import { ConversationCsat } from './conversation-csat.js';
import { CsatResponses } from './csat-responses.js';

const HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>太差了';

const survey = (patch: Partial<CsatSurvey> = {}): CsatSurvey => ({
  id: 's1',
  conversationId: 'c1',
  channel: 'web',
  locale: 'zh',
  agentId: 'a1',
  teamId: null,
  sentAt: '2026-03-02T08:30:00Z',
  deliveredAt: '2026-03-02T08:30:01Z',
  answeredAt: '2026-03-02T09:00:00Z',
  rating: 1,
  comment: HOSTILE,
  commentAnalysis: { lang: 'zh', emotion: 'anger', intensity: 0.8, sentiment: -0.7, signals: [] },
  ...patch,
});

/** Answers each fetched URL with the first matching route's JSON. */
function stubFetch(routes: [RegExp, unknown][]): string[] {
  const urls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string) => {
      urls.push(url);
      const route = routes.find(([pattern]) => pattern.test(url));
      return Promise.resolve(
        new Response(JSON.stringify(route ? route[1] : { error: { code: 'not_found' } }), { status: route ? 200 : 404 }),
      );
    }),
  );
  return urls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('survey helpers', () => {
  it('names the state of a survey and formats shares and averages', () => {
    expect(surveyState(null)).toBe('none');
    expect(surveyState({ rating: null })).toBe('pending');
    expect([1, 2, 3, 4, 5].map((rating) => surveyState({ rating }))).toEqual(['low', 'low', 'neutral', 'good', 'good']);
    expect(formatShare(0.456)).toBe('46%');
    expect(formatShare(null)).toBe('—');
    expect(formatAverage(4.25)).toBe('4.3');
    expect(toCsatQuery({ from: '2026-03-01', answered: true, maxRating: undefined }, { by: 'agent' })).toBe(
      'from=2026-03-01&answered=true&by=agent',
    );
  });
});

describe('ConversationCsat', () => {
  it('shows nothing before the survey exists, then "awaiting answer"', async () => {
    stubFetch([[/\/csat$/, { survey: null }]]);
    const { container, rerender } = renderInLanguage(<ConversationCsat conversationId="c1" version={0} />, 'en');
    await waitFor(() => expect(vi.mocked(fetch)).toHaveBeenCalled());
    expect(container.querySelector('.csat-tag')).toBeNull();
    stubFetch([[/\/csat$/, { survey: survey({ rating: null, comment: null, answeredAt: null, commentAnalysis: null }) }]]);
    rerender(
      <I18nProvider>
        <ConversationCsat conversationId="c1" version={1} />
      </I18nProvider>,
    );
    await waitFor(() => expect(container.querySelector('[data-csat="pending"]')?.textContent).toBe('Survey sent, no answer yet'));
  });

  it('shows the rating, and on hover the comment as text with its emotion, never as markup', async () => {
    const urls = stubFetch([[/\/api\/conversations\/c1\/csat$/, { survey: survey() }]]);
    const { container } = renderInLanguage(<ConversationCsat conversationId="c1" version={0} />, 'zh-CN');
    const tag = await waitFor(() => {
      const found = container.querySelector('[data-csat="low"]');
      expect(found).not.toBeNull();
      return found as HTMLElement;
    });
    expect(urls).toEqual(['/api/conversations/c1/csat']);
    expect(tag.textContent).toBe('满意度 1/5');
    await userEvent.setup().hover(tag);
    const comment = await waitFor(() => {
      const found = document.querySelector('.csat-comment');
      expect(found).not.toBeNull();
      return found as HTMLElement;
    });
    expect(comment.textContent).toBe(HOSTILE);
    expect(document.querySelector('.csat-answer img, .csat-answer script')).toBeNull();
    expect(document.querySelector('.csat-answer .emotion-badge')?.getAttribute('data-emotion')).toBe('anger');
    expect((window as { pwned?: number }).pwned).toBeUndefined();
  });
});

describe('CsatResponses', () => {
  it('lists answers with totals, comments as text, and asks the server for the chosen filter', async () => {
    const item: CsatListItem = { ...survey(), subject: '<b>订单</b>', customerName: '王建国', agentName: '李客服' };
    const summary: CsatSummary = {
      totals: { sent: 4, answered: 3, responseRate: 0.75, average: 3.7, distribution: [1, 0, 0, 1, 1] },
      groups: [{ id: 'a1', name: '李客服', sent: 4, answered: 3, responseRate: 0.75, average: 3.7 }],
    };
    const urls = stubFetch([
      [/\/api\/csat\/summary\?/, summary],
      [/\/api\/csat\?/, { items: [item] }],
    ]);
    const { container } = renderInLanguage(<CsatResponses />, 'en');
    await waitFor(() => expect(screen.getByText('王建国')).toBeTruthy());
    const figures = [...container.querySelectorAll('.ant-statistic-content-value')].map((v) => v.textContent);
    expect(figures).toEqual(['4', '75%', '3.7']);
    expect(container.querySelector('.csat-agents')?.textContent).toBe('李客服3.73 of 4 answered');
    expect(container.querySelector('.csat-comment')?.textContent).toBe(HOSTILE);
    expect(screen.getByText('<b>订单</b>')).toBeTruthy();
    expect(container.querySelector('tbody img, tbody script, tbody b')).toBeNull();
    expect(container.querySelector('[data-rating="1"]')?.textContent).toContain('1');
    expect(screen.getByText('王建国').closest('a')?.getAttribute('href')).toBe('/conversations/c1');
    const list = urls.find((u) => u.startsWith('/api/csat?'));
    expect(list).toMatch(/answered=true/);
    expect(list).toMatch(/from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}/);
  });
});
