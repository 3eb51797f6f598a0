import { ApiError } from '../../api/client.js';

/** A satisfaction survey as `GET /api/conversations/{id}/csat` and `GET /api/csat` return it. */
export interface CsatSurvey {
  id: string;
  conversationId: string;
  channel: string;
  locale: string;
  agentId: string | null;
  teamId: string | null;
  sentAt: string;
  deliveredAt: string | null;
  answeredAt: string | null;
  rating: number | null;
  /** The customer's own words: render as text only. */
  comment: string | null;
  commentAnalysis: { lang: string; emotion: string; intensity: number; sentiment: number; signals: string[] } | null;
}

export interface CsatListItem extends CsatSurvey {
  subject: string;
  customerName: string;
  agentName: string | null;
}

export interface CsatSummary {
  totals: { sent: number; answered: number; responseRate: number | null; average: number | null; distribution: number[] };
  groups: { id: string | null; name: string | null; sent: number; answered: number; responseRate: number | null; average: number | null }[];
}

export interface CsatQuery {
  from?: string | undefined;
  to?: string | undefined;
  teamId?: string | undefined;
  channel?: 'web' | 'email' | 'api' | undefined;
  answered?: boolean | undefined;
  maxRating?: number | undefined;
  limit?: number | undefined;
}

/** The query string of the filters (empty ones left out). */
export function toCsatQuery(query: CsatQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

/** GETs JSON with the session cookie; the server's error code travels in the `ApiError`. */
async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin', ...(signal ? { signal } : {}) });
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(error?.code ?? 'http_error', response.status, error?.message ?? `HTTP ${response.status}`);
  }
  return data as T;
}

/** The conversation's survey, or null before it was resolved. */
export async function fetchConversationSurvey(conversationId: string, signal?: AbortSignal): Promise<CsatSurvey | null> {
  return (await getJson<{ survey: CsatSurvey | null }>(`/api/conversations/${encodeURIComponent(conversationId)}/csat`, signal)).survey;
}

export async function fetchSurveys(query: CsatQuery, signal?: AbortSignal): Promise<CsatListItem[]> {
  return (await getJson<{ items: CsatListItem[] }>(`/api/csat?${toCsatQuery(query)}`, signal)).items;
}

export async function fetchSurveySummary(query: CsatQuery, by: 'agent' | 'team', signal?: AbortSignal): Promise<CsatSummary> {
  return getJson<CsatSummary>(`/api/csat/summary?${toCsatQuery({ ...query, limit: undefined }, { by })}`, signal);
}

/** What a survey shows as its state: waiting for an answer, answered (with the rating), or not yet sent. */
export type SurveyState = 'none' | 'pending' | 'low' | 'neutral' | 'good';

export function surveyState(survey: Pick<CsatSurvey, 'rating'> | null): SurveyState {
  if (!survey) return 'none';
  if (survey.rating === null) return 'pending';
  return survey.rating <= 2 ? 'low' : survey.rating === 3 ? 'neutral' : 'good';
}

/** A share 0..1 as a whole percentage, or a dash. */
export const formatShare = (share: number | null): string => (share === null ? '—' : `${Math.round(share * 100)}%`);

/** A mean rating with one decimal, or a dash. */
export const formatAverage = (average: number | null): string => (average === null ? '—' : average.toFixed(1));
