import { z } from 'zod';
import { MAX_BODY_CHARS } from '../../http/schemas.js';

/** The widget's socket; `?inbox=<id>` names the inbox. */
export const WIDGET_SOCKET_PATH = '/ws/widget';

/** Client ids double as idempotency keys, so they are long random strings. */
const ClientIdSchema = z.string().regex(/^[\w-]{8,64}$/, 'clientId: 8 to 64 letters, digits, _ or -');

/** Identity the host site vouches for: `signature` = hex HMAC-SHA256(inbox identity secret, externalId). */
export const SignedIdentitySchema = z.object({
  externalId: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  email: z.email().max(320).optional(),
  signature: z.string().regex(/^[0-9a-f]{64}$/i, 'signature: 64 hex characters'),
});
export type SignedIdentity = z.infer<typeof SignedIdentitySchema>;

/** What the visitor's browser may send. */
export const WidgetClientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    inboxId: z.uuid(),
    visitorToken: z.string().min(20).max(100).optional(),
    identity: SignedIdentitySchema.optional(),
    /** The highest message seq the client has; the server replays later ones. */
    lastSeq: z.number().int().min(0).default(0),
  }),
  z.object({ type: z.literal('message'), clientId: ClientIdSchema, body: z.string().trim().min(1).max(MAX_BODY_CHARS) }),
  z.object({ type: z.literal('typing') }),
  /** The answer to an inline satisfaction survey of one of the visitor's conversations. */
  z.object({
    type: z.literal('survey'),
    conversationId: z.uuid(),
    rating: z.number().int().min(1).max(5),
    comment: z.string().max(2000).optional(),
  }),
]);
export type WidgetClientMessage = z.infer<typeof WidgetClientMessageSchema>;

/** A message as the visitor sees it: no sender ids, notes or activity. */
export interface WidgetMessage {
  id: string;
  seq: number;
  from: 'visitor' | 'agent';
  body: string;
  /** Visitor messages: the client id they were sent with, so the sending tab recognises its own echo. */
  clientId?: string;
  createdAt: string;
}

/** What the server sends to the visitor's browser. */
export type WidgetServerMessage =
  | { type: 'welcome'; visitorToken: string; conversationId: string | null; messages: WidgetMessage[] }
  | { type: 'ack'; clientId: string; messageId: string; seq: number }
  | { type: 'message'; message: WidgetMessage }
  | { type: 'typing' }
  /** An inline satisfaction survey for a resolved conversation, with its texts in the customer's language. */
  | { type: 'survey'; conversationId: string; texts: { question: string; ratings: string[]; commentLabel: string; submit: string } }
  /** The survey is answered (by this tab or another): show the thanks line instead. */
  | { type: 'survey_done'; conversationId: string; text: string }
  | { type: 'error'; code: string; message: string; clientId?: string };
