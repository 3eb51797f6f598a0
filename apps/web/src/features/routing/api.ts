import { api } from '../../api/instance.js';

export type Strategy = 'round_robin' | 'least_busy' | 'skills';
export type Fallback = 'round_robin' | 'least_busy' | 'none';
export type Presence = 'online' | 'away' | 'offline';

export interface QueueInput {
  name: string;
  inboxId: string | null;
  teamId: string | null;
  strategy: Strategy;
  fallback: Fallback;
  requiredSkills: string[];
  matchLanguage: boolean;
  continuity: boolean;
  emotionAware: boolean;
  angerThreshold: number;
  abuseCooldownMinutes: number;
  escalateToSupervisor: boolean;
  enabled: boolean;
}

/** What `GET /api/routing/queues` returns per queue. */
export interface Queue extends QueueInput {
  id: string;
  lastAssignedId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A member of staff as routing sees them, with the emotion turnaround ranking. */
export interface RoutingAgent {
  id: string;
  name: string;
  role: 'agent' | 'supervisor';
  teamIds: string[];
  skills: string[];
  languages: string[];
  presence: Presence;
  presenceChangedAt: string | null;
  capacity: number;
  load: number;
  turnaround: { mean: number | null; score: number | null; conversations: number };
  lastAbuseAt: string | null;
  rank: number | null;
}

export interface Decision {
  id: number;
  conversationId: string;
  queueId: string | null;
  queueName: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  reason: string;
  details: Record<string, unknown>;
  createdAt: string;
}

export interface MyRouting {
  presence: Presence;
  capacity: number;
  load: number;
}

export const listQueues = async () => (await api.request<{ items: Queue[] }>('GET', '/api/routing/queues')).items;
export const createQueue = (input: QueueInput) => api.request<Queue>('POST', '/api/routing/queues', input);
export const updateQueue = (id: string, input: Partial<QueueInput>) => api.request<Queue>('PATCH', `/api/routing/queues/${id}`, input);
export const deleteQueue = (id: string) => api.request<void>('DELETE', `/api/routing/queues/${id}`);
export const listRoutingAgents = async () => (await api.request<{ items: RoutingAgent[] }>('GET', '/api/routing/agents')).items;
export const updateRoutingAgent = (id: string, input: { presence?: Presence; capacity?: number; skills?: string[] }) =>
  api.request<RoutingAgent>('PATCH', `/api/routing/agents/${id}`, input);
export const listDecisions = async (limit = 30) =>
  (await api.request<{ items: Decision[] }>('GET', `/api/routing/decisions?limit=${limit}`)).items;
export const getMyRouting = () => api.request<MyRouting>('GET', '/api/routing/me');
export const setMyPresence = (presence: Presence) => api.request<MyRouting>('PUT', '/api/routing/me/presence', { presence });

/** A new queue's settings: least busy, emotion-aware, continuity on. */
export function defaultQueue(): QueueInput {
  return {
    name: '',
    inboxId: null,
    teamId: null,
    strategy: 'least_busy',
    fallback: 'least_busy',
    requiredSkills: [],
    matchLanguage: true,
    continuity: true,
    emotionAware: true,
    angerThreshold: 0.6,
    abuseCooldownMinutes: 30,
    escalateToSupervisor: true,
    enabled: true,
  };
}

/** The editable part of a stored queue. */
export function toQueueInput(queue: Queue): QueueInput {
  return {
    name: queue.name,
    inboxId: queue.inboxId,
    teamId: queue.teamId,
    strategy: queue.strategy,
    fallback: queue.fallback,
    requiredSkills: queue.requiredSkills,
    matchLanguage: queue.matchLanguage,
    continuity: queue.continuity,
    emotionAware: queue.emotionAware,
    angerThreshold: queue.angerThreshold,
    abuseCooldownMinutes: queue.abuseCooldownMinutes,
    escalateToSupervisor: queue.escalateToSupervisor,
    enabled: queue.enabled,
  };
}

/** Staff ordered for the ranking table: ranked first (best turnaround), then unmeasured by name. */
export function sortByTurnaround(agents: readonly RoutingAgent[]): RoutingAgent[] {
  return [...agents].sort((a, b) => {
    if (a.rank !== null && b.rank !== null) return a.rank - b.rank;
    if (a.rank !== null) return -1;
    if (b.rank !== null) return 1;
    return a.name.localeCompare(b.name);
  });
}

/** Whether an agent's abuse exposure is within the cool-down (so upset customers skip them). */
export function inAbuseCooldown(agent: Pick<RoutingAgent, 'lastAbuseAt'>, minutes: number, now: Date): boolean {
  return agent.lastAbuseAt !== null && now.getTime() - new Date(agent.lastAbuseAt).getTime() < minutes * 60_000;
}
