import { api } from '../../api/instance.js';
import type { Priority } from '../../api/types.js';

export interface SlaSettings {
  tickSeconds: number;
  promiseReminderMinutes: number;
  promiseDefaultHours: number;
}

export interface OpeningHours {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  day: number;
  start: string;
  end: string;
}

export interface SlaCalendarInput {
  timeZone: string;
  hours: OpeningHours[];
  holidays: string[];
  workdays: string[];
  autoExpectation: boolean;
}

export interface SlaCalendar extends SlaCalendarInput {
  inboxId: string | null;
  builtIn: boolean;
  updatedAt: string | null;
}

export interface SlaPolicyInput {
  inboxId: string | null;
  priority: Priority | null;
  firstResponseMinutes: number;
  nextResponseMinutes: number;
  warnPercent: number;
}

export interface SlaPolicy extends SlaPolicyInput {
  id: string;
}

/** What `GET /api/sla` returns. */
export interface SlaConfig {
  settings: SlaSettings;
  calendars: SlaCalendar[];
  policies: SlaPolicy[];
  holidayData: { years: string[]; holidays: string[]; workdays: string[] };
}

/** A conversation's SLA clock (only while the customer waits). */
export interface SlaState {
  conversationId: string;
  policyId: string;
  target: 'first_response' | 'next_response';
  startedAt: string;
  warnAt: string;
  dueAt: string;
  targetMinutes: number;
  elapsedMinutes: number;
  state: 'ok' | 'warning' | 'breached';
  running: boolean;
}

export interface Expectation {
  id: string;
  conversationId: string;
  reason: 'pending' | 'transfer' | 'note' | 'manual';
  teamId: string | null;
  locale: string;
  dueAt: string;
  body: string;
  status: 'proposed' | 'sent' | 'dismissed';
  messageId: string | null;
  createdAt: string;
}

export const getSlaConfig = () => api.request<SlaConfig>('GET', '/api/sla');
export const saveSlaSettings = (settings: SlaSettings) => api.request<SlaSettings>('PUT', '/api/sla/settings', settings);
export const saveCalendar = (inboxId: string | null, calendar: SlaCalendarInput) =>
  api.request<SlaCalendar>('PUT', `/api/sla/calendars/${inboxId ?? 'default'}`, calendar);
export const deleteCalendar = (inboxId: string) => api.request<void>('DELETE', `/api/sla/calendars/${inboxId}`);
export const createPolicy = (policy: SlaPolicyInput) => api.request<SlaPolicy>('POST', '/api/sla/policies', policy);
export const updatePolicy = (id: string, policy: SlaPolicyInput) => api.request<SlaPolicy>('PUT', `/api/sla/policies/${id}`, policy);
export const deletePolicy = (id: string) => api.request<void>('DELETE', `/api/sla/policies/${id}`);

export const getConversationSla = (conversationId: string) =>
  api.request<{ sla: SlaState | null; expectation: Expectation | null }>('GET', `/api/conversations/${conversationId}/sla`);
export const listSlaStates = async (ids: readonly string[]) =>
  ids.length === 0
    ? []
    : (await api.request<{ items: SlaState[] }>('GET', `/api/sla/conversations?${new URLSearchParams({ ids: ids.join(',') }).toString()}`))
        .items;
export const proposeExpectation = (conversationId: string, teamId: string | null = null) =>
  api.request<Expectation>('POST', `/api/conversations/${conversationId}/expectation`, { teamId });
export const sendExpectation = (id: string, body?: string) =>
  api.request<Expectation>('POST', `/api/sla/expectations/${id}/send`, body ? { body } : {});
export const dismissExpectation = (id: string) => api.request<Expectation>('POST', `/api/sla/expectations/${id}/dismiss`);
