import type {
  Conversation,
  ConversationDetail,
  ConversationPage,
  ConversationStatus,
  CannedReply,
  ConversationContext,
  Customer360,
  Evaluation,
  EvaluationDetail,
  Me,
  Message,
  Priority,
  Team,
  UserSummary,
} from './types.js';

/** An API error with the server's stable snake_case code. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface InboxQuery {
  status: ConversationStatus | 'all';
  teamId?: string;
  tag?: string;
  customerId?: string;
  assignee?: string;
  sort?: 'urgency' | 'recent' | 'waiting';
  limit: number;
  offset: number;
}

export interface ConversationChange {
  status?: ConversationStatus;
  priority?: Priority;
  assigneeId?: string | null;
  teamId?: string | null;
  tags?: string[];
}

export interface EvaluationQuery {
  agentId?: string;
  minScore?: number;
  maxScore?: number;
  status?: Evaluation['status'];
  kind?: Evaluation['kind'];
  /** An agent technique id used in the conversation. */
  technique?: string;
  /** The customer's last or peak emotion. */
  emotion?: string;
  limit?: number;
}

export interface PointOverride {
  criterion: string;
  score: number;
  reason: string;
  applicable?: boolean;
}

/** The platform's REST API; the session is an httpOnly cookie, every change carries the CSRF token. */
export interface ApiClient {
  me(): Promise<Me>;
  login(email: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  listConversations(query: InboxQuery): Promise<ConversationPage>;
  getConversation(id: string): Promise<ConversationDetail>;
  postMessage(id: string, body: string, type: 'outgoing' | 'note'): Promise<Message>;
  updateConversation(id: string, change: ConversationChange): Promise<Conversation>;
  getCustomer(id: string): Promise<Customer360>;
  listTeams(): Promise<Team[]>;
  listUsers(): Promise<UserSummary[]>;
  searchCannedReplies(q: string): Promise<CannedReply[]>;
  renderCannedReply(id: string, conversationId: string): Promise<{ body: string; missing: string[] }>;
  getContext(conversationId: string): Promise<ConversationContext>;
  /** Any other JSON call (typed wrappers live next to the feature, e.g. api/settings.ts). */
  request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  listEvaluations(query: EvaluationQuery): Promise<Evaluation[]>;
  getEvaluation(id: string): Promise<EvaluationDetail>;
  review(conversationId: string, body: { evaluationId?: string; points: PointOverride[]; comment?: string }): Promise<EvaluationDetail>;
  dispute(evaluationId: string, reason: string): Promise<Evaluation>;
  resolveDispute(evaluationId: string, decision: 'upheld' | 'overturned', note: string): Promise<Evaluation>;
}

/**
 * Creates the API client for a base URL (empty: same origin).
 * @example
 * const api = createApiClient();
 * const me = await api.login('agent@example.com', 'secret');
 */
export function createApiClient(base = ''): ApiClient {
  let csrfToken: string | null = null;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
    const response = await fetch(base + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return undefined as T;
    const data: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(error?.code ?? 'http_error', response.status, error?.message ?? `HTTP ${response.status}`);
    }
    return data as T;
  }

  const remember = (me: Me): Me => {
    csrfToken = me.csrfToken;
    return me;
  };

  return {
    me: async () => remember(await call<Me>('GET', '/api/auth/me')),
    login: async (email, password) => remember(await call<Me>('POST', '/api/auth/login', { email, password })),
    logout: async () => {
      await call<void>('POST', '/api/auth/logout');
      csrfToken = null;
    },
    listConversations: (query) => {
      const params = new URLSearchParams({ status: query.status, limit: String(query.limit), offset: String(query.offset) });
      if (query.teamId) params.set('teamId', query.teamId);
      if (query.tag) params.set('tag', query.tag);
      if (query.customerId) params.set('customerId', query.customerId);
      if (query.assignee) params.set('assignee', query.assignee);
      if (query.sort) params.set('sort', query.sort);
      return call<ConversationPage>('GET', `/api/conversations?${params.toString()}`);
    },
    getConversation: (id) => call<ConversationDetail>('GET', `/api/conversations/${encodeURIComponent(id)}`),
    postMessage: (id, body, type) => call<Message>('POST', `/api/conversations/${encodeURIComponent(id)}/messages`, { body, type }),
    updateConversation: (id, change) => call<Conversation>('PATCH', `/api/conversations/${encodeURIComponent(id)}`, change),
    getCustomer: (id) => call<Customer360>('GET', `/api/customers/${encodeURIComponent(id)}`),
    listTeams: async () => (await call<{ items: Team[] }>('GET', '/api/teams')).items,
    listUsers: async () => (await call<{ items: UserSummary[] }>('GET', '/api/users')).items,
    searchCannedReplies: async (q) =>
      (await call<{ items: CannedReply[] }>('GET', `/api/canned-replies?${new URLSearchParams({ q, limit: '20' }).toString()}`)).items,
    renderCannedReply: (id, conversationId) =>
      call<{ body: string; missing: string[] }>('POST', `/api/canned-replies/${encodeURIComponent(id)}/render`, { conversationId }),
    getContext: (id) => call<ConversationContext>('GET', `/api/conversations/${encodeURIComponent(id)}/context`),
    request: (method, path, body) => call(method, path, body),
    listEvaluations: async (query) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
      return (await call<{ items: Evaluation[] }>('GET', `/api/evaluations?${params.toString()}`)).items;
    },
    getEvaluation: (id) => call<EvaluationDetail>('GET', `/api/evaluations/${encodeURIComponent(id)}`),
    review: (conversationId, body) =>
      call<EvaluationDetail>('POST', `/api/conversations/${encodeURIComponent(conversationId)}/reviews`, body),
    dispute: (id, reason) => call<Evaluation>('POST', `/api/evaluations/${encodeURIComponent(id)}/dispute`, { reason }),
    resolveDispute: (id, decision, note) =>
      call<Evaluation>('POST', `/api/evaluations/${encodeURIComponent(id)}/resolve`, { decision, note }),
  };
}
