import { api } from '../../api/instance.js';
import type { Priority } from '../../api/types.js';

export type AutomationEvent = 'conversation.created' | 'conversation.updated' | 'message.analyzed';
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface WeeklySchedule {
  timezone: string;
  days: Partial<Record<Weekday, { start: string; end: string }[]>>;
}

/** The whitelisted conditions (same shapes as the server's `AutomationCondition`). */
export type Condition =
  | { type: 'channel'; in: ('web' | 'email' | 'api' | 'import')[] }
  | { type: 'inbox'; in: string[] }
  | { type: 'team'; in: string[] }
  | { type: 'text'; contains: string[]; negate?: boolean }
  | { type: 'emotion'; in: string[]; minIntensity?: number }
  | { type: 'intensity'; min?: number; max?: number }
  | { type: 'risk'; any: string[] }
  | { type: 'tag'; any?: string[]; none?: string[] }
  | { type: 'priority'; in: Priority[] }
  | { type: 'status'; in: ('open' | 'pending' | 'snoozed' | 'resolved')[] }
  | { type: 'language'; in: ('zh' | 'en' | 'mixed' | 'unknown')[] }
  | { type: 'direction'; in: ('incoming' | 'outgoing')[] }
  | { type: 'attribute'; key: string; op: 'eq' | 'neq' | 'contains' | 'exists' | 'gte' | 'lte'; value?: string | number | boolean }
  | { type: 'business_hours'; inside: boolean; schedule: WeeklySchedule };

export type Action =
  | { type: 'assign'; userId?: string; teamId?: string }
  | { type: 'add_tag'; tags: string[] }
  | { type: 'set_priority'; priority: Priority }
  | { type: 'send_canned_reply'; zh?: string; en?: string }
  | { type: 'notify_supervisor'; severity: 'info' | 'warning' | 'critical'; note?: string }
  | { type: 'webhook'; webhookId: string };

export interface RuleInput {
  name: string;
  enabled: boolean;
  event: AutomationEvent;
  conditions: { match: 'all' | 'any'; conditions: Condition[] };
  actions: Action[];
}

export interface Rule extends RuleInput {
  id: string;
  position: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Firing {
  id: string;
  ruleId: string | null;
  ruleName: string;
  conversationId: string;
  messageId: string | null;
  event: AutomationEvent;
  actions: { type: string; status: 'done' | 'queued' | 'skipped' | 'failed'; detail?: string }[];
  createdAt: string;
}

export interface DryRunResult {
  evaluated: number;
  matches: {
    conversationId: string;
    subject: string;
    at: string;
    text: string;
    emotion: string | null;
    intensity: number | null;
    results: { type: string; matched: boolean }[];
  }[];
}

export const listRules = async () => (await api.request<{ items: Rule[] }>('GET', '/api/automation/rules')).items;
export const createRule = (input: RuleInput) => api.request<Rule>('POST', '/api/automation/rules', input);
export const updateRule = (id: string, input: Partial<RuleInput>) => api.request<Rule>('PATCH', `/api/automation/rules/${id}`, input);
export const deleteRule = (id: string) => api.request<void>('DELETE', `/api/automation/rules/${id}`);
export const listFirings = async (limit = 50) =>
  (await api.request<{ items: Firing[] }>('GET', `/api/automation/firings?limit=${limit}`)).items;
export const dryRun = (input: Pick<RuleInput, 'event' | 'conditions'>, limit = 200) =>
  api.request<DryRunResult>('POST', '/api/automation/dry-run', { ...input, limit });
/** Registered webhooks (admins only; others get an error and type an id instead). */
export const listWebhooks = async () =>
  (await api.request<{ items: { id: string; url: string; active: boolean }[] }>('GET', '/api/webhooks')).items;
