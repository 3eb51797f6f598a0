import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../config/config.js';
import type { Deps, MessageHook } from '../../deps.js';
import type { Inbox } from '../../db/schema.js';
import { enqueueJob } from '../../repositories/jobs.js';
import { loadConversationEmail, loadOutgoingEmail, markEmailSent, setEmailMessageId } from './store.js';

export const SEND_EMAIL_JOB = 'send_email';

/** How many References a reply carries (the newest ones; the first of the thread is kept too). */
const MAX_REFERENCES = 20;

function inboxAddress(inbox: Pick<Inbox, 'settings'>): string | undefined {
  const address = (inbox.settings as Record<string, unknown> | null)?.address;
  return typeof address === 'string' && address.includes('@') ? address.trim() : undefined;
}

function domainOf(address: string): string {
  const match = /@([\w.-]+)>?\s*$/.exec(address);
  return match?.[1] ?? 'tongli.local';
}

/**
 * Queues an outgoing reply in an email inbox as a `send_email` job in the message's own transaction (a crash after
 * commit cannot lose the email) and gives the message the Message-ID it will be sent with, so replies thread back.
 */
export function createEmailMessageHook(config: Pick<Config, 'mailFrom'>): MessageHook {
  const hook: MessageHook = async (trx, message, conversation) => {
    if (message.type !== 'outgoing') return;
    const inbox = await trx
      .selectFrom('inboxes')
      .select(['channel', 'settings'])
      .where('id', '=', conversation.inbox_id)
      .executeTakeFirst();
    if (inbox?.channel !== 'email') return;
    const emailMessageId = message.email_message_id ?? `<${randomUUID()}@${domainOf(inboxAddress(inbox) ?? config.mailFrom)}>`;
    const updated = await setEmailMessageId(trx, message.id, emailMessageId);
    await enqueueJob(trx, SEND_EMAIL_JOB, { messageId: message.id });
    return updated;
  };
  hook.channels = ['email'];
  return hook;
}

/** `Re: subject`, without stacking prefixes. */
export function replySubject(subject: string): string {
  const trimmed = subject.trim();
  if (trimmed === '') return 'Re: your message';
  return /^(re|aw|答复|回复|回覆)\s*[:：]/i.test(trimmed) ? trimmed : `Re: ${trimmed}`;
}

function createTransport(config: Pick<Config, 'smtpOutUrl'>): Transporter {
  return config.smtpOutUrl ? nodemailer.createTransport(config.smtpOutUrl) : nodemailer.createTransport({ jsonTransport: true });
}

/**
 * The `send_email` job: sends an outgoing message to the customer over SMTP (`config.smtpOutUrl`), threaded onto the
 * customer's last email; without an SMTP URL it renders the email and logs it. Throws to retry on transport errors.
 */
export async function sendEmail(deps: Deps, messageId: string): Promise<void> {
  const context = await loadOutgoingEmail(deps.db.kysely, messageId);
  if (!context) return;
  const { message, inbox, lastIncoming } = context;
  const lastFrom = (lastIncoming?.metadata as { from?: { address?: unknown } } | undefined)?.from?.address;
  const to = typeof lastFrom === 'string' ? lastFrom : context.customerEmails[0];
  if (!to) {
    if (deps.config.logLevel !== 'silent') console.warn(`tongli: message ${message.id} not emailed: the customer has no email address`);
    return;
  }
  const inReplyTo = lastIncoming?.email_message_id ?? undefined;
  const earlier = (lastIncoming?.metadata as { references?: unknown } | undefined)?.references;
  const chain = [
    ...(Array.isArray(earlier) ? earlier.filter((r): r is string => typeof r === 'string') : []),
    ...(inReplyTo ? [inReplyTo] : []),
  ];
  const references = chain.length > MAX_REFERENCES ? [chain[0] ?? '', ...chain.slice(-(MAX_REFERENCES - 1))] : chain;
  const address = inboxAddress(inbox);
  const transport = createTransport(deps.config);
  try {
    const info = await transport.sendMail({
      from: address ? { name: inbox.name, address } : deps.config.mailFrom,
      to,
      subject: replySubject(context.subject),
      text: message.body,
      messageId: message.email_message_id ?? undefined,
      ...(inReplyTo ? { inReplyTo } : {}),
      ...(references.length > 0 ? { references } : {}),
    });
    if (!deps.config.smtpOutUrl && (deps.config.logLevel === 'debug' || deps.config.logLevel === 'info')) {
      console.info(`tongli: email (no TONGLI_SMTP_OUT, not sent) ${String(info.message)}`);
    }
  } finally {
    transport.close();
  }
  await markEmailSent(deps.db.kysely, message.id, { to, at: new Date().toISOString() });
}

/**
 * Emails a notice about a conversation to its customer (e.g. the satisfaction survey) from the conversation's inbox,
 * threaded onto their last email. Not stored as a message. Returns the address it went to, or undefined when the
 * customer has no email address; throws on transport errors (so a job retries).
 * @example
 * await sendNoticeEmail(deps, conversationId, { subject: 'How did we do?', text: `Rate us: ${link}` });
 */
export async function sendNoticeEmail(
  deps: Deps,
  conversationId: string,
  notice: { subject: string; text: string },
): Promise<string | undefined> {
  const context = await loadConversationEmail(deps.db.kysely, conversationId);
  if (!context?.to) return undefined;
  const address = inboxAddress(context.inbox);
  const inReplyTo = context.lastIncoming?.email_message_id ?? undefined;
  const transport = createTransport(deps.config);
  try {
    await transport.sendMail({
      from: address ? { name: context.inbox.name, address } : deps.config.mailFrom,
      to: context.to,
      subject: notice.subject,
      text: notice.text,
      messageId: `<${randomUUID()}@${domainOf(address ?? deps.config.mailFrom)}>`,
      ...(inReplyTo ? { inReplyTo, references: [inReplyTo] } : {}),
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  } finally {
    transport.close();
  }
  return context.to;
}
