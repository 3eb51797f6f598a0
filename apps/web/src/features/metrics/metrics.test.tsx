// @vitest-environment jsdom
import { renderInLanguage } from '../../testing/dom.js';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../api/types.js';
import { exportUrl, isoWeek, lastCompleteWeek, toMetricsQuery, weeklyReportUrl, type MetricRow, type Metrics } from './api.js';
import { MetricsPanel } from './metrics-panel.js';

const HOSTILE = '<img src=x onerror="window.pwned=1">=HYPERLINK("x")';

const row = (patch: Partial<MetricRow>): MetricRow => ({
  key: 'a1',
  name: '王芳',
  conversations: 10,
  resolved: 8,
  csatAverage: 4.25,
  csatResponses: 4,
  fcrCount: 6,
  fcrRate: 0.75,
  firstResponseMedianSeconds: 45,
  firstResponseP90Seconds: 300,
  handleMedianSeconds: 1800,
  handleP90Seconds: 9000,
  empathyAverage: 42.5,
  turnaroundEligible: 5,
  turnaroundCount: 4,
  turnaroundRate: 0.8,
  abusiveConversations: 1,
  abusiveRate: 0.1,
  ...patch,
});

const metrics = (groupBy: Metrics['groupBy'], rows: MetricRow[]): Metrics => ({
  period: { from: '2025-03-01', to: '2025-03-30', timeZone: 'Asia/Shanghai' },
  groupBy,
  rows,
  totals: row({ key: null, name: '', conversations: 25 }),
});

const me = (role: Me['role']): Me => ({ id: 'u1', name: 'Me', role, teamIds: [], kind: 'user', csrfToken: 'x' }) as unknown as Me;

function stubFetch(respond: (url: string) => unknown): string[] {
  const urls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string) => {
      urls.push(url);
      return Promise.resolve(new Response(JSON.stringify(respond(url)), { status: 200 }));
    }),
  );
  return urls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('metrics helpers', () => {
  it('writes ISO weeks and the URLs of the table, the exports and the report', () => {
    expect(isoWeek('2025-03-09')).toBe('2025-W10');
    expect(isoWeek('2025-03-10')).toBe('2025-W11');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(lastCompleteWeek(new Date(2025, 2, 12, 10))).toBe('2025-W10');
    const query = { from: '2025-03-01', to: '2025-03-07', groupBy: 'team' as const };
    expect(toMetricsQuery(query)).toBe('from=2025-03-01&to=2025-03-07&groupBy=team');
    expect(toMetricsQuery({ ...query, teamId: 't1' })).toBe('from=2025-03-01&to=2025-03-07&groupBy=team&teamId=t1');
    expect(exportUrl(query, 'xlsx', 'en')).toBe('/api/metrics/export.xlsx?from=2025-03-01&to=2025-03-07&groupBy=team&lang=en');
    expect(weeklyReportUrl('t 1', '2025-W10', 'zh')).toBe('/api/reports/weekly?teamId=t+1&week=2025-W10&lang=zh');
  });
});

describe('MetricsPanel', () => {
  it('shows one row per agent with the totals, names as text, and download links for the filters', async () => {
    const urls = stubFetch((url) =>
      url.startsWith('/api/teams')
        ? { items: [{ id: 't1', name: '售后' }] }
        : metrics('agent', [row({}), row({ key: 'a2', name: HOSTILE, csatAverage: null, fcrRate: null }), row({ key: null, name: '' })]),
    );
    const { container } = renderInLanguage(<MetricsPanel me={me('supervisor')} />, 'en');
    await waitFor(() => expect(screen.getByText('王芳')).toBeTruthy());
    const cells = (name: string) => [...(screen.getByText(name).closest('tr')?.querySelectorAll('td') ?? [])].map((td) => td.textContent);
    expect(cells('王芳')).toEqual([
      '王芳',
      '10',
      '8',
      '4.25 (4)',
      '75.0%',
      '45 s / 5.0 min',
      '30.0 min / 2.5 h',
      '42.5',
      '80.0%',
      '1 (10.0%)',
    ]);
    expect(cells(HOSTILE).slice(3, 5)).toEqual(['—', '—']);
    expect(screen.getByText('Unassigned')).toBeTruthy();
    expect(container.querySelector('tbody img')).toBeNull();
    expect(container.querySelector('.metrics-totals')?.textContent).toContain('Total25');
    expect(
      screen.getByText('Days in Asia/Shanghai; each conversation counts for its assignee, its team and the day it was created.'),
    ).toBeTruthy();
    const metricsUrl = urls.find((u) => u.startsWith('/api/metrics?'));
    expect(metricsUrl).toMatch(/^\/api\/metrics\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&groupBy=agent$/);
    const csv = container.querySelector('[data-export="csv"]')?.getAttribute('href');
    expect(csv).toBe(`/api/metrics/export.csv?${metricsUrl?.split('?')[1] ?? ''}&lang=en`);
    expect(container.querySelector('[data-export="xlsx"]')?.getAttribute('href')).toMatch(/^\/api\/metrics\/export\.xlsx\?.*&lang=en$/);
  });

  it('groups by team with a weekly report link per team', async () => {
    const urls = stubFetch((url) =>
      url.startsWith('/api/teams')
        ? { items: [] }
        : url.includes('groupBy=team')
          ? metrics('team', [row({ key: 't1', name: '售后' })])
          : metrics('agent', [row({})]),
    );
    renderInLanguage(<MetricsPanel me={me('admin')} />, 'zh-CN');
    await waitFor(() => expect(screen.getByText('王芳')).toBeTruthy());
    await userEvent.setup().click(screen.getByText('按班组'));
    await waitFor(() => expect(screen.getByText('售后')).toBeTruthy());
    expect(urls.some((u) => u.includes('groupBy=team'))).toBe(true);
    const link = document.querySelector('[data-report-team="t1"]');
    expect(link?.getAttribute('href')).toMatch(/^\/api\/reports\/weekly\?teamId=t1&week=\d{4}-W\d{2}&lang=zh$/);
    expect(link?.getAttribute('target')).toBe('_blank');
  });

  it('offers agents no exports (the server refuses them too)', async () => {
    stubFetch((url) => (url.startsWith('/api/teams') ? { items: [] } : metrics('agent', [row({})])));
    const { container } = renderInLanguage(<MetricsPanel me={me('agent')} />, 'en');
    await waitFor(() => expect(screen.getByText('王芳')).toBeTruthy());
    expect(container.querySelector('[data-export]')).toBeNull();
  });
});
