import type { WebSocket } from 'ws';
import { z } from 'zod';
import { createConversation } from '../../commands/conversations.js';
import { answerWidgetSurvey, CSAT_ANSWERED, CSAT_REQUESTED, type CsatAnsweredData, type CsatRequestedData } from '../../csat/commands.js';
import { pendingWidgetSurveys } from '../../csat/repository.js';
import { thanksText, widgetSurveyTexts } from '../../csat/texts.js';
import { postMessage, toAppError } from '../../commands/messages.js';
import type { Conversation, Message } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { UpgradeHandler } from '../../platform.js';
import type { TypingData } from '../../realtime/ws-events.js';
import { createRateLimit, createSocketServer, parseFrame, rejectUpgrade, requestUrl, sendJson, sendRaw } from '../../realtime/ws-server.js';
import {
  WIDGET_SOCKET_PATH,
  WidgetClientMessageSchema,
  type WidgetClientMessage,
  type WidgetMessage,
  type WidgetServerMessage,
} from './protocol.js';
import {
  findMessageByKey,
  findOpenConversation,
  resolveVisitor,
  verifyIdentitySignature,
  visibleMessagesSince,
  type ConversationScope,
  type Visitor,
} from './visitors.js';

/** Messages per connection: a burst of 10, then 2 a second. */
const MESSAGE_BURST = 10;
const MESSAGES_PER_SECOND = 2;
/** Visitor typing notices are passed on at most this often. */
const TYPING_EVERY_MS = 1500;
/** A socket that has not said hello by the next heartbeat after this long is closed. */
const HELLO_WITHIN_MS = 20_000;
/** Frames waiting behind a slow one; more means a misbehaving client. */
const MAX_PENDING = 30;
/** How long an inbox's settings (channel, identity secret, allowed origins) are reused for new sockets. */
const INBOX_CACHE_MS = 5_000;
/** Most messages replayed in a welcome. */
const REPLAY_LIMIT = 200;

interface WidgetConnection {
  ws: WebSocket;
  inboxId: string;
  identitySecret: string | undefined;
  openedAt: number;
  /** Set when the hello frame arrives (its processing may wait behind a busy database). */
  saidHello: boolean;
  visitor?: Visitor;
  /** Where the visitor's next message goes; undefined until one is open. */
  current?: ConversationScope;
  /** Conversations whose agent messages reach this socket (the current one and earlier ones of this session). */
  conversations: Set<string>;
  allowMessage: () => boolean;
  lastTyping: number;
  pending: number;
  queue: Promise<void>;
}

export interface WidgetHub {
  handle: UpgradeHandler;
  /** Open widget sockets (for tests and metrics). */
  size(): number;
  close(): Promise<void>;
}

export function presentWidgetMessage(row: Message): WidgetMessage {
  const clientId = row.type === 'incoming' ? row.metadata.clientId : undefined;
  return {
    id: row.id,
    seq: Number(row.seq),
    from: row.type === 'incoming' ? 'visitor' : 'agent',
    body: row.body,
    createdAt: new Date(row.created_at).toISOString(),
    ...(typeof clientId === 'string' ? { clientId } : {}),
  };
}

const scopeOf = (c: Pick<Conversation, 'id' | 'team_id' | 'assignee_id' | 'inbox_id'>): ConversationScope => ({
  id: c.id,
  team_id: c.team_id,
  assignee_id: c.assignee_id,
  inbox_id: c.inbox_id,
});

const InboxParamSchema = z.uuid();

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/**
 * The web chat widget's socket server. One bus subscription and two indexes (conversation → sockets, customer →
 * sockets) route events to visitors; nothing polls the database and no socket has a timer of its own.
 */
export function createWidgetHub(deps: Deps): WidgetHub {
  const connections = new Set<WidgetConnection>();
  /** Frame chains still running; closing waits for them so no write outlives the database. */
  const inflight = new Set<Promise<void>>();
  const byConversation = new Map<string, Set<WidgetConnection>>();
  const byCustomer = new Map<string, Set<WidgetConnection>>();
  const send = (c: WidgetConnection, message: WidgetServerMessage): void => sendJson(c.ws, message);
  const fail = (c: WidgetConnection, code: string, message: string, clientId?: string): void =>
    send(c, { type: 'error', code, message, ...(clientId ? { clientId } : {}) });

  const server = createSocketServer({
    maxPayload: 128 * 1024,
    onHeartbeat: () => {
      const now = Date.now();
      for (const c of connections) if (!c.saidHello && now - c.openedAt > HELLO_WITHIN_MS) c.ws.close(4408, 'hello expected');
    },
  });

  const follow = (c: WidgetConnection, conversationId: string): void => {
    c.conversations.add(conversationId);
    addTo(byConversation, conversationId, c);
  };

  const detach = (c: WidgetConnection): void => {
    connections.delete(c);
    for (const id of c.conversations) removeFrom(byConversation, id, c);
    if (c.visitor) removeFrom(byCustomer, c.visitor.customerId, c);
  };

  const unsubscribe = deps.bus.subscribe((event) => {
    if (event.type === 'conversation.created') {
      // A conversation opened for this visitor (by another tab, or by an agent) becomes the current one.
      const row = event.data as Conversation;
      for (const c of byCustomer.get(row.customer_id) ?? []) {
        if (c.inboxId !== row.inbox_id) continue;
        c.current ??= scopeOf(row);
        follow(c, row.id);
      }
      return;
    }
    if (!event.conversationId) return;
    const watchers = byConversation.get(event.conversationId);
    if (!watchers) return;
    if (event.type === 'message.created') {
      const row = event.data as Message;
      // Private notes and activity never reach the visitor.
      if (row.type !== 'incoming' && row.type !== 'outgoing') return;
      const text = JSON.stringify({ type: 'message', message: presentWidgetMessage(row) } satisfies WidgetServerMessage);
      for (const c of watchers) sendRaw(c.ws, text);
    } else if (event.type === 'conversation.updated' || event.type === 'conversation.assigned') {
      const row = event.data as Conversation;
      for (const c of watchers) {
        if (c.current?.id !== row.id) continue;
        c.current = row.status === 'resolved' ? undefined : scopeOf(row);
      }
    } else if (event.type === CSAT_REQUESTED) {
      const { conversationId, texts } = event.data as CsatRequestedData;
      const text = JSON.stringify({ type: 'survey', conversationId, texts } satisfies WidgetServerMessage);
      for (const c of watchers) sendRaw(c.ws, text);
    } else if (event.type === CSAT_ANSWERED) {
      // Every tab of the visitor closes the survey, whichever answered it.
      const { conversationId, rating, locale } = event.data as CsatAnsweredData;
      const text = JSON.stringify({ type: 'survey_done', conversationId, text: thanksText(locale, rating) } satisfies WidgetServerMessage);
      for (const c of watchers) sendRaw(c.ws, text);
    } else if (event.type === 'typing' && (event.data as TypingData).from === 'agent') {
      const text = JSON.stringify({ type: 'typing' } satisfies WidgetServerMessage);
      for (const c of watchers) sendRaw(c.ws, text);
    }
  });

  const onHello = async (c: WidgetConnection, hello: Extract<WidgetClientMessage, { type: 'hello' }>): Promise<void> => {
    if (c.visitor) return fail(c, 'already_welcomed', 'hello was already sent on this connection');
    if (hello.inboxId !== c.inboxId) return fail(c, 'inbox_mismatch', 'hello names another inbox than the socket URL');
    if (hello.identity) {
      if (!c.identitySecret) {
        fail(c, 'identity_not_enabled', 'this inbox has no identity secret; signed identities are not accepted');
        c.ws.close(4403, 'identity_not_enabled');
        return;
      }
      if (!verifyIdentitySignature(c.identitySecret, hello.identity)) {
        fail(c, 'invalid_identity', 'the identity signature does not match HMAC-SHA256(identity secret, externalId)');
        c.ws.close(4403, 'invalid_identity');
        return;
      }
    }
    // The common hello (no identity) is one statement: the token's lookup, or a new visitor's insert. Only a signed
    // identity, which may merge customers, takes a transaction.
    const db = deps.db.kysely;
    const visitor = hello.identity
      ? await db.transaction().execute((trx) => resolveVisitor(trx, hello.visitorToken, hello.identity))
      : await resolveVisitor(db, hello.visitorToken, undefined);
    const [current, messages, surveys] = visitor.created
      ? [undefined, [], []]
      : await Promise.all([
          findOpenConversation(db, visitor.customerId, c.inboxId),
          visibleMessagesSince(db, visitor.customerId, c.inboxId, hello.lastSeq, REPLAY_LIMIT),
          pendingWidgetSurveys(db, visitor.customerId, c.inboxId, new Date()),
        ]);
    if (c.ws.readyState !== c.ws.OPEN) return;
    c.visitor = visitor;
    addTo(byCustomer, visitor.customerId, c);
    if (current) {
      c.current = current;
      follow(c, current.id);
    }
    for (const m of messages) follow(c, m.conversation_id);
    send(c, {
      type: 'welcome',
      visitorToken: visitor.visitorToken,
      conversationId: current?.id ?? null,
      messages: messages.map(presentWidgetMessage),
    });
    // Surveys of resolved conversations the visitor has not answered yet (sent while they were away, or ignored).
    for (const survey of surveys) {
      follow(c, survey.conversation_id);
      send(c, { type: 'survey', conversationId: survey.conversation_id, texts: widgetSurveyTexts(survey.locale) });
    }
  };

  const onSurvey = async (
    c: WidgetConnection,
    visitor: Visitor,
    answer: Extract<WidgetClientMessage, { type: 'survey' }>,
  ): Promise<void> => {
    const result = await answerWidgetSurvey(deps, { customerId: visitor.customerId, inboxId: c.inboxId }, answer.conversationId, {
      rating: answer.rating,
      comment: answer.comment,
    });
    const { locale, rating } = result.survey;
    send(c, { type: 'survey_done', conversationId: answer.conversationId, text: thanksText(locale, rating) });
  };

  const onChat = async (
    c: WidgetConnection,
    visitor: Visitor,
    message: Extract<WidgetClientMessage, { type: 'message' }>,
  ): Promise<void> => {
    // The key is scoped to the visitor, so one visitor cannot collide with (or probe) another's client ids.
    const key = `widget:${visitor.tokenHash.slice(0, 32)}:${message.clientId}`;
    const earlier = await findMessageByKey(deps.db.kysely, key);
    if (earlier) return send(c, { type: 'ack', clientId: message.clientId, messageId: earlier.id, seq: earlier.seq });
    if (!c.current) {
      const open = await findOpenConversation(deps.db.kysely, visitor.customerId, c.inboxId);
      c.current =
        open ??
        scopeOf(
          await createConversation(deps, {
            inboxId: c.inboxId,
            customer: { identities: [{ kind: 'visitor', value: visitor.tokenHash }] },
          }),
        );
      follow(c, c.current.id);
    }
    const posted = await postMessage(deps, {
      conversationId: c.current.id,
      type: 'incoming',
      senderType: 'customer',
      body: message.body,
      idempotencyKey: key,
      metadata: { channel: 'widget', clientId: message.clientId },
    });
    // Sent only now: postMessage resolves after its transaction committed.
    send(c, { type: 'ack', clientId: message.clientId, messageId: posted.message.id, seq: Number(posted.message.seq) });
  };

  const onTyping = (c: WidgetConnection): void => {
    const now = Date.now();
    if (!c.current || now - c.lastTyping < TYPING_EVERY_MS) return;
    c.lastTyping = now;
    const data: TypingData = { from: 'visitor' };
    deps.bus.publish({
      type: 'typing',
      conversationId: c.current.id,
      teamId: c.current.team_id,
      assigneeId: c.current.assignee_id,
      inboxId: c.current.inbox_id,
      data,
    });
  };

  const handleFrame = async (c: WidgetConnection, message: WidgetClientMessage): Promise<void> => {
    if (message.type === 'hello') return onHello(c, message);
    if (!c.visitor) return fail(c, 'hello_required', 'send hello first', message.type === 'message' ? message.clientId : undefined);
    if (message.type === 'typing') return onTyping(c);
    if (message.type === 'survey') return onSurvey(c, c.visitor, message);
    return onChat(c, c.visitor, message);
  };

  const attach = (ws: WebSocket, inbox: { id: string; settings: Record<string, unknown> }): void => {
    const secret = inbox.settings.identitySecret;
    const c: WidgetConnection = {
      ws,
      inboxId: inbox.id,
      identitySecret: typeof secret === 'string' && secret !== '' ? secret : undefined,
      openedAt: Date.now(),
      saidHello: false,
      conversations: new Set(),
      allowMessage: createRateLimit(MESSAGE_BURST, MESSAGES_PER_SECOND),
      lastTyping: 0,
      pending: 0,
      queue: Promise.resolve(),
    };
    connections.add(c);
    ws.on('close', () => detach(c));
    ws.on('message', (frame) => {
      const parsed = parseFrame(WidgetClientMessageSchema, frame);
      if ('error' in parsed) return fail(c, 'invalid_message', parsed.error);
      const message = parsed.value;
      if (message.type === 'hello') c.saidHello = true;
      if ((message.type === 'message' || message.type === 'survey') && !c.allowMessage()) {
        return fail(
          c,
          'rate_limited',
          'too many messages; wait a moment and send again',
          message.type === 'message' ? message.clientId : undefined,
        );
      }
      if (c.pending >= MAX_PENDING) {
        c.ws.close(4429, 'too many pending messages');
        return;
      }
      // Frames of one socket run one after another: hello before messages, acks in the order sent.
      c.pending++;
      const queued = c.queue
        .then(() => handleFrame(c, message))
        .catch((error: unknown) => {
          const appError = toAppError(error);
          if (appError.status === 500) console.error(error);
          fail(c, appError.code, appError.message, message.type === 'message' ? message.clientId : undefined);
        })
        .finally(() => {
          c.pending--;
          inflight.delete(queued);
        });
      c.queue = queued;
      inflight.add(queued);
    });
  };

  // A reconnect storm (say, after a deploy) asks for the same few inboxes thousands of times: keep them briefly.
  const inboxes = new Map<
    string,
    { at: number; row: Promise<{ id: string; channel: string; settings: Record<string, unknown> } | undefined> }
  >();
  const loadInbox = (id: string) => {
    const now = Date.now();
    const cached = inboxes.get(id);
    if (cached && now - cached.at < INBOX_CACHE_MS) return cached.row;
    if (inboxes.size > 1000) inboxes.clear();
    const row = deps.db.kysely.selectFrom('inboxes').select(['id', 'channel', 'settings']).where('id', '=', id).executeTakeFirst();
    inboxes.set(id, { at: now, row });
    row.catch(() => inboxes.delete(id));
    return row;
  };

  const allowedOrigin = (settings: Record<string, unknown>, origin: string | undefined): boolean => {
    const allowed = settings.allowedOrigins;
    if (!Array.isArray(allowed) || allowed.length === 0 || origin === undefined) return true;
    return allowed.some((entry) => typeof entry === 'string' && URL.canParse(entry) && new URL(entry).origin === origin);
  };

  return {
    handle: (request, socket, head) => {
      const url = requestUrl(request);
      if (url.pathname !== WIDGET_SOCKET_PATH) return false;
      const inboxId = InboxParamSchema.safeParse(url.searchParams.get('inbox'));
      if (!inboxId.success) {
        rejectUpgrade(socket, 400, 'invalid_input', 'inbox: a web inbox id is required');
        return true;
      }
      loadInbox(inboxId.data)
        .then((inbox) => {
          if (!inbox || inbox.channel !== 'web') return rejectUpgrade(socket, 404, 'not_found', 'inbox not found');
          if (!allowedOrigin(inbox.settings, request.headers.origin)) {
            return rejectUpgrade(socket, 403, 'origin_not_allowed', 'this site may not embed the widget of this inbox');
          }
          server.accept(request, socket, head, (ws) => attach(ws, inbox));
        })
        .catch(() => rejectUpgrade(socket, 500, 'internal_error', 'something went wrong on the server'));
      return true;
    },
    size: () => connections.size,
    close: async () => {
      unsubscribe();
      await server.close();
      await Promise.allSettled([...inflight]);
    },
  };
}
