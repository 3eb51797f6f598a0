import { ApiError } from '../../api/client.js';

export type Channel = 'web' | 'email' | 'api' | 'import';
export type Bucket = 'day' | 'week';
export type ChartId = 'series' | 'scatter' | 'techniques' | 'turnaround' | 'drivers';

/** The dashboard's shared filters: a period of whole UTC days (inclusive), team, channel, bucket. */
export interface AnalyticsFilters {
  from: string;
  to: string;
  teamId?: string | undefined;
  channel?: Channel | undefined;
  bucket: Bucket;
}

export interface Figures {
  conversations: number;
  csat: number | null;
  satisfactionMean: number | null;
  resolved: number;
  fcr: number | null;
  medianFirstResponseSeconds: number | null;
  medianHandleSeconds: number | null;
  empathy: number | null;
}

export interface Driver {
  key: string;
  count: number;
  name?: { zh: string; en: string };
}

/** What `GET /api/analytics/overview` returns. */
export interface Overview {
  period: { from: string; to: string; bucket: Bucket };
  csatSource: 'engine_estimate';
  totals: Figures;
  series: (Figures & { bucket: string })[];
  scatter: {
    points: { conversationId: string; empathy: number; satisfaction: number }[];
    n: number;
    trend: { slope: number; intercept: number; r: number | null } | null;
  };
  techniques: {
    catalogue: { id: string; polarity: 'good' | 'harmful' | 'neutral'; name: { zh: string; en: string } }[];
    agents: { agentId: string; name: string; total: number; counts: Record<string, number> }[];
  };
  turnaround: { from: number; to: number; count: number }[];
  angerDrivers: { conversations: number; tags: Driver[]; terms: Driver[]; risks: Driver[] };
}

/** The query string of the filters (empty ones left out). */
export function toQuery(filters: AnalyticsFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ from: filters.from, to: filters.to, bucket: filters.bucket });
  if (filters.teamId) params.set('teamId', filters.teamId);
  if (filters.channel) params.set('channel', filters.channel);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

/** Loads the dashboard's figures (a GET: the session cookie is enough). */
export async function fetchOverview(filters: AnalyticsFilters, signal?: AbortSignal): Promise<Overview> {
  const response = await fetch(`/api/analytics/overview?${toQuery(filters)}`, {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
    ...(signal ? { signal } : {}),
  });
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(error?.code ?? 'http_error', response.status, error?.message ?? `HTTP ${response.status}`);
  }
  return data as Overview;
}

/** Where one chart's CSV downloads from. */
export const csvUrl = (filters: AnalyticsFilters, chart: ChartId): string => `/api/analytics/export.csv?${toQuery(filters, { chart })}`;

/** YYYY-MM-DD of a date in UTC. */
export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

/** The last `days` days up to today (UTC), inclusive. */
export function lastDays(days: number, now = new Date()): { from: string; to: string } {
  return { from: isoDay(new Date(now.getTime() - (days - 1) * 86_400_000)), to: isoDay(now) };
}
