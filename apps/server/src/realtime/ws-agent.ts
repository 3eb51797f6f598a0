import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { SESSION_COOKIE } from '../http/auth.js';
import { MAX_BODY_CHARS } from '../http/schemas.js';
import type { PlatformModule, UpgradeHandler } from '../platform.js';
import { can, canSeeConversation, type Principal } from '../policies/policies.js';
import { principalForSession, principalForToken } from '../repositories/sessions.js';
import type { PlatformEvent } from './bus.js';
import { presentBusConversation, presentBusMessage, type TypingData } from './ws-events.js';
import {
  createRateLimit,
  createSocketServer,
  isSameOrigin,
  parseFrame,
  perPlatform,
  rejectUpgrade,
  requestUrl,
  sendJson,
  sendRaw,
} from './ws-server.js';

export const AGENT_SOCKET_PATH = '/ws/agent';

/** What an agent's client may send. */
export const AgentClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('typing'), conversationId: z.uuid() }),
  z.object({
    type: z.literal('coach'),
    requestId: z.string().min(1).max(100),
    draft: z.string().max(MAX_BODY_CHARS),
    customer: z.string().max(MAX_BODY_CHARS).optional(),
  }),
  z.object({ type: z.literal('ping') }),
]);
export type AgentClientMessage = z.infer<typeof AgentClientMessageSchema>;

/** Bus events forwarded to agents, each to those who may see its conversation. */
const FORWARDED = new Set([
  'conversation.created',
  'conversation.updated',
  'conversation.assigned',
  'message.created',
  'message.analyzed',
  'alert.raised',
  'evaluation.created',
  'csat.answered',
  'typing',
]);

/** Typing notices from one agent for one conversation are passed on at most this often. */
const TYPING_EVERY_MS = 1500;

interface AgentConnection {
  ws: WebSocket;
  principal: Principal;
  /** Cookie sessions are re-checked on every heartbeat (logout, expiry, disabled user, changed teams). */
  sessionToken?: string;
  allowCoach: () => boolean;
  lastTyping: Map<string, number>;
}

interface AgentHub {
  handle: UpgradeHandler;
  close(): Promise<void>;
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/** Who opens the socket: the session cookie (browsers) or `Authorization: Bearer` (other clients). */
async function authenticateUpgrade(
  deps: Deps,
  request: IncomingMessage,
): Promise<{ principal: Principal; sessionToken?: string } | undefined> {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const principal = await principalForToken(deps.db.kysely, header.slice(7).trim());
    return principal ? { principal } : undefined;
  }
  const cookie = readCookie(request, SESSION_COOKIE);
  if (!cookie) return undefined;
  const session = await principalForSession(deps.db.kysely, cookie);
  return session ? { principal: session.principal, sessionToken: cookie } : undefined;
}

/** Whether the event's conversation (or, for events without one, the whole organisation) is visible to the principal. */
function maySee(principal: Principal, event: PlatformEvent): boolean {
  if (event.conversationId === undefined) return principal.kind === 'token' || can(principal, 'conversation.read_all');
  return canSeeConversation(principal, { team_id: event.teamId ?? null, assignee_id: event.assigneeId ?? null });
}

function presentEventData(event: PlatformEvent): unknown {
  if (event.type === 'message.created') return presentBusMessage(event.data);
  if (event.type.startsWith('conversation.')) return presentBusConversation(event.data);
  return event.data;
}

function createAgentHub(deps: Deps): AgentHub {
  const connections = new Set<AgentConnection>();
  /** Handlers still running; closing waits for them so no query outlives the database. */
  const inflight = new Set<Promise<void>>();
  const recheckSessions = async (): Promise<void> => {
    for (const connection of connections) {
      if (!connection.sessionToken) continue;
      const session = await principalForSession(deps.db.kysely, connection.sessionToken);
      if (!session) connection.ws.close(4401, 'session ended');
      else connection.principal = session.principal;
    }
  };
  const server = createSocketServer({
    maxPayload: 256 * 1024,
    onHeartbeat: () => {
      const checked = recheckSessions()
        .catch(() => undefined)
        .finally(() => inflight.delete(checked));
      inflight.add(checked);
    },
  });

  // One bus subscription for all agents; the payload is serialised once per event, not once per socket.
  const unsubscribe = deps.bus.subscribe((event) => {
    if (!FORWARDED.has(event.type) || connections.size === 0) return;
    let text: string | undefined;
    const typist = event.type === 'typing' ? (event.data as TypingData).userId : undefined;
    for (const connection of connections) {
      if (typist !== undefined && typist === connection.principal.id) continue;
      if (!maySee(connection.principal, event)) continue;
      text ??= JSON.stringify({
        type: 'event',
        event: event.type,
        conversationId: event.conversationId ?? null,
        data: presentEventData(event),
      });
      sendRaw(connection.ws, text);
    }
  });

  const onTyping = async (connection: AgentConnection, conversationId: string): Promise<void> => {
    const now = Date.now();
    if (now - (connection.lastTyping.get(conversationId) ?? 0) < TYPING_EVERY_MS) return;
    connection.lastTyping.set(conversationId, now);
    if (connection.lastTyping.size > 100) connection.lastTyping.clear();
    const conversation = await deps.db.kysely
      .selectFrom('conversations')
      .select(['id', 'team_id', 'assignee_id', 'inbox_id'])
      .where('id', '=', conversationId)
      .executeTakeFirst();
    if (!conversation || !canSeeConversation(connection.principal, conversation)) {
      sendJson(connection.ws, { type: 'error', code: 'not_found', message: 'conversation not found' });
      return;
    }
    const data: TypingData = { from: 'agent', userId: connection.principal.id, name: connection.principal.name };
    deps.bus.publish({
      type: 'typing',
      conversationId,
      teamId: conversation.team_id,
      assigneeId: conversation.assignee_id,
      inboxId: conversation.inbox_id,
      data,
    });
  };

  const onMessage = async (connection: AgentConnection, frame: unknown): Promise<void> => {
    const parsed = parseFrame(AgentClientMessageSchema, frame);
    if ('error' in parsed) {
      sendJson(connection.ws, { type: 'error', code: 'invalid_message', message: parsed.error });
      return;
    }
    const message = parsed.value;
    if (message.type === 'ping') sendJson(connection.ws, { type: 'pong' });
    else if (message.type === 'typing') await onTyping(connection, message.conversationId);
    else {
      if (!connection.allowCoach()) {
        sendJson(connection.ws, {
          type: 'error',
          code: 'rate_limited',
          message: 'too many coaching requests',
          requestId: message.requestId,
        });
        return;
      }
      const result = deps.engine.analyzer.coach(message.draft, message.customer !== undefined ? { customer: message.customer } : {});
      sendJson(connection.ws, {
        type: 'coach',
        requestId: message.requestId,
        hints: result.hints,
        lang: result.lang,
        empathyScore: result.empathyScore,
        primary: result.primary,
        customer: result.customer ? { emotion: result.customer.emotion, intensity: result.customer.intensity } : null,
      });
    }
  };

  const attach = (ws: WebSocket, principal: Principal, sessionToken: string | undefined): void => {
    const connection: AgentConnection = {
      ws,
      principal,
      ...(sessionToken ? { sessionToken } : {}),
      allowCoach: createRateLimit(20, 10),
      lastTyping: new Map(),
    };
    connections.add(connection);
    ws.on('close', () => connections.delete(connection));
    ws.on('message', (frame) => {
      const handled = onMessage(connection, frame)
        .catch(() => sendJson(ws, { type: 'error', code: 'internal_error', message: 'something went wrong on the server' }))
        .finally(() => inflight.delete(handled));
      inflight.add(handled);
    });
    sendJson(ws, { type: 'ready', user: { id: principal.id, name: principal.name, role: principal.role } });
  };

  return {
    handle: (request, socket, head) => {
      if (requestUrl(request).pathname !== AGENT_SOCKET_PATH) return false;
      if (!isSameOrigin(request, deps.config.publicUrl)) {
        rejectUpgrade(socket, 403, 'origin_not_allowed', 'this origin may not open the agent socket');
        return true;
      }
      authenticateUpgrade(deps, request)
        .then((auth) => {
          if (!auth) {
            rejectUpgrade(socket, 401, 'unauthenticated', 'sign in first');
            return;
          }
          server.accept(request, socket, head, (ws) => attach(ws, auth.principal, auth.sessionToken));
        })
        .catch(() => rejectUpgrade(socket, 500, 'internal_error', 'something went wrong on the server'));
      return true;
    },
    close: async () => {
      unsubscribe();
      await server.close();
      await Promise.allSettled([...inflight]);
    },
  };
}

const hubFor = perPlatform(createAgentHub);

/**
 * The agents' realtime socket at `/ws/agent`: platform events the user may see, typing notices both ways, and
 * server-side coaching for clients that do not run the engine.
 * @example
 * const ws = new WebSocket('ws://host/ws/agent', { headers: { cookie: 'tongli_session=…' } });
 * ws.send(JSON.stringify({ type: 'coach', requestId: '1', draft: '这是公司规定', customer: '太气人了' }));
 */
export const agentSocketModule: PlatformModule = {
  upgrade: (deps) => hubFor(deps).handle,
  start: async (deps) => {
    const hub = hubFor(deps);
    return () => hub.close();
  },
};
