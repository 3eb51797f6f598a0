import type { Guidelines, ScorecardDefinition } from '@tongli/engine';
import type { Evaluation } from './types.js';
import { api } from './instance.js';

/** Guidelines as the server stores them (every list present). */
export type GuidelinesContent = Required<Guidelines>;

export interface Versioned<T> {
  /** 0 while the organisation has saved none (engine defaults). */
  version: number;
  content: T;
  updatedBy: string | null;
  createdAt: string | null;
}

export interface CriterionSpread {
  criterion: string;
  name: string;
  auto: number | null;
  reviews: { evaluationId: string; reviewerId: string | null; score: number }[];
  min: number | null;
  max: number | null;
  spread: number;
  stdev: number;
}

export interface Calibration {
  conversationId: string;
  auto: Evaluation | null;
  reviews: Evaluation[];
  criteria: CriterionSpread[];
  totals: { min: number | null; max: number | null; spread: number };
}

export interface InboxSummary {
  id: string;
  name: string;
  channel: 'web' | 'email' | 'api' | 'import';
}

export const getGuidelines = () => api.request<Versioned<GuidelinesContent>>('GET', '/api/guidelines');
export const saveGuidelines = (content: GuidelinesContent) => api.request<Versioned<GuidelinesContent>>('PUT', '/api/guidelines', content);
export const getScorecard = () => api.request<Versioned<ScorecardDefinition>>('GET', '/api/scorecard');
export const saveScorecard = (content: ScorecardDefinition) =>
  api.request<Versioned<ScorecardDefinition>>('PUT', '/api/scorecard', content);
export const getCalibration = (conversationId: string) =>
  api.request<Calibration>('GET', `/api/qa/calibration?${new URLSearchParams({ conversationId }).toString()}`);
export const listInboxes = async () => (await api.request<{ items: InboxSummary[] }>('GET', '/api/inboxes')).items;
