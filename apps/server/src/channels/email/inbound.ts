import { createConversation } from '../../commands/conversations.js';
import { isUniqueViolation, postMessage } from '../../commands/messages.js';
import type { Message } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { notFound } from '../../errors.js';
import { parseEmail } from './parse.js';
import { findEmailInbox, findEmailMessage, findThreadConversationId } from './store.js';

export interface ReceivedEmail {
  message: Message;
  /** False when this Message-ID was stored before (a redelivery). */
  created: boolean;
  /** True when the email joined an existing conversation through In-Reply-To / References. */
  threaded: boolean;
}

/**
 * Stores a raw inbound email in an email inbox: a reply (In-Reply-To or References naming a message of one of the
 * inbox's conversations) joins that conversation, anything else opens a new one for the sender. The same Message-ID
 * delivered again is stored once.
 * @example
 * const { message } = await receiveEmail(deps, inboxId, rawBuffer);
 */
export async function receiveEmail(deps: Deps, inboxId: string, raw: Buffer): Promise<ReceivedEmail> {
  const db = deps.db.kysely;
  const inbox = await findEmailInbox(db, inboxId);
  if (!inbox) throw notFound('email inbox');
  const email = await parseEmail(raw);
  const idempotencyKey = `email:${email.messageId}`;
  const earlier = await findEmailMessage(db, email.messageId);
  if (earlier) return { message: earlier, created: false, threaded: false };

  const referenced = [...(email.inReplyTo ? [email.inReplyTo] : []), ...[...email.references].reverse()];
  const threadId = await findThreadConversationId(db, inbox.id, referenced);
  const open = () =>
    createConversation(deps, {
      inboxId: inbox.id,
      customer: { name: email.from.name || undefined, identities: [{ kind: 'email', value: email.from.address }] },
      subject: email.subject,
      // Keyed by the Message-ID: redeliveries of a new email open one conversation.
      externalId: idempotencyKey,
    });
  // A racing redelivery may insert the same conversation first; the second attempt then finds it.
  const conversationId =
    threadId ?? (await open().catch((error: unknown) => (isUniqueViolation(error) ? open() : Promise.reject(error)))).id;
  const posted = await postMessage(deps, {
    conversationId,
    type: 'incoming',
    senderType: 'customer',
    body: email.body,
    contentType: 'email',
    idempotencyKey,
    emailMessageId: email.messageId,
    metadata: {
      subject: email.subject,
      from: email.from,
      to: email.to,
      cc: email.cc,
      messageId: email.messageId,
      inReplyTo: email.inReplyTo,
      references: email.references,
      attachments: email.attachments,
    },
  });
  return { message: posted.message, created: posted.created, threaded: threadId !== undefined };
}
