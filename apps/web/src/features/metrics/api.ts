import { ApiError } from '../../api/client.js';

export type GroupBy = 'agent' | 'team' | 'day';
export type ReportLang = 'zh' | 'en';

/** One row of `GET /api/metrics` (definitions in docs/METRICS.md). */
export interface MetricRow {
  /** Agent id, team id or YYYY-MM-DD; null: no assignee / no team, and the totals. */
  key: string | null;
  name: string;
  conversations: number;
  resolved: number;
  csatAverage: number | null;
  csatResponses: number;
  fcrCount: number;
  fcrRate: number | null;
  firstResponseMedianSeconds: number | null;
  firstResponseP90Seconds: number | null;
  handleMedianSeconds: number | null;
  handleP90Seconds: number | null;
  empathyAverage: number | null;
  turnaroundEligible: number;
  turnaroundCount: number;
  turnaroundRate: number | null;
  abusiveConversations: number;
  abusiveRate: number | null;
}

export interface Metrics {
  period: { from: string; to: string; timeZone: string };
  groupBy: GroupBy;
  rows: MetricRow[];
  totals: MetricRow;
}

/** The metrics page's filters: whole days (in the organisation's time zone, inclusive), grouping, team. */
export interface MetricsQuery {
  from: string;
  to: string;
  groupBy: GroupBy;
  teamId?: string | undefined;
}

/** The query string of the filters (an empty team left out). */
export function toMetricsQuery(query: MetricsQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ from: query.from, to: query.to, groupBy: query.groupBy });
  if (query.teamId) params.set('teamId', query.teamId);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

/** Loads the metrics table (a GET: the session cookie is enough). */
export async function fetchMetrics(query: MetricsQuery, signal?: AbortSignal): Promise<Metrics> {
  const response = await fetch(`/api/metrics?${toMetricsQuery(query)}`, {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
    ...(signal ? { signal } : {}),
  });
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(error?.code ?? 'http_error', response.status, error?.message ?? `HTTP ${response.status}`);
  }
  return data as Metrics;
}

/** Where the table downloads from as CSV or XLSX, headers in the UI language. */
export const exportUrl = (query: MetricsQuery, format: 'csv' | 'xlsx', lang: ReportLang): string =>
  `/api/metrics/export.${format}?${toMetricsQuery(query, { lang })}`;

/** Where a team's weekly report opens (HTML). */
export const weeklyReportUrl = (teamId: string, week: string, lang: ReportLang): string =>
  `/api/reports/weekly?${new URLSearchParams({ teamId, week, lang }).toString()}`;

/**
 * The ISO week (`YYYY-Www`, the value of an `<input type="week">`) a calendar day belongs to.
 * @example
 * isoWeek('2025-03-09'); // '2025-W10'
 */
export function isoWeek(day: string): string {
  const [year = 1970, month = 1, date = 1] = day.split('-').map(Number);
  const d = new Date(Date.UTC(year, month - 1, date));
  // The Thursday of the same week decides the year.
  d.setUTCDate(d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7));
  const weekYear = d.getUTCFullYear();
  const week = 1 + Math.floor((d.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * 86_400_000));
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
}

/** The last complete ISO week before today's (by the browser's calendar). */
export function lastCompleteWeek(now = new Date()): string {
  const local = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 7);
  const day = `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')}`;
  return isoWeek(day);
}
