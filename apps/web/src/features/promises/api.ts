import { api } from '../../api/instance.js';

export type PromiseStatus = 'open' | 'overdue' | 'fulfilled' | 'cancelled';

/** A promise an agent made in a reply, tracked until it is kept. */
export interface TrackedPromise {
  id: string;
  conversationId: string;
  messageId: string;
  agentId: string | null;
  agentName: string | null;
  customerId: string | null;
  customerName: string | null;
  subject: string | null;
  text: string;
  duePhrase: string;
  dueAt: string;
  dueKnown: boolean;
  status: PromiseStatus;
  remindedAt: string | null;
  closedAt: string | null;
  note: string | null;
  createdAt: string;
}

export const listMyPromises = async (status: 'active' | 'all' = 'active') =>
  (await api.request<{ items: TrackedPromise[] }>('GET', `/api/promises?${new URLSearchParams({ agent: 'me', status }).toString()}`)).items;
export const listConversationPromises = async (conversationId: string) =>
  (await api.request<{ items: TrackedPromise[] }>('GET', `/api/conversations/${conversationId}/promises`)).items;
export const updatePromise = (id: string, change: { status?: 'open' | 'fulfilled' | 'cancelled'; dueAt?: string; note?: string | null }) =>
  api.request<TrackedPromise>('PATCH', `/api/promises/${id}`, change);

/** The tracked promises of a customer 360 summary (`summary.trackedPromises`; absent from older servers). */
export function trackedPromisesOf(summary: object): TrackedPromise[] {
  const items = (summary as { trackedPromises?: unknown }).trackedPromises;
  return Array.isArray(items) ? (items as TrackedPromise[]) : [];
}
