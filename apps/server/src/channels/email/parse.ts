import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';
import { badRequest } from '../../errors.js';
import { MAX_BODY_CHARS } from '../../http/schemas.js';
import { stripQuotedText } from './strip.js';

export interface EmailAddress {
  address: string;
  name: string;
}

/** What the platform keeps of an inbound email: the new text only, plus the headers threading needs. */
export interface ParsedEmail {
  /** `<id@host>`; synthesised from a hash of the raw message when the sender gave none. */
  messageId: string;
  inReplyTo: string | null;
  /** Oldest first, as in the header. */
  references: string[];
  from: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  /** The reply's own text: plain text preferred, else text from the HTML; quoted history and signature removed. */
  body: string;
  attachments: { filename: string | null; contentType: string; size: number }[];
}

/** A Message-ID in the one form we store and compare: trimmed, inside angle brackets. */
export function normalizeMessageId(id: string): string | null {
  const bare = id
    .trim()
    .replace(/^<+|>+$/g, '')
    .trim();
  return bare === '' || /[\s<>]/.test(bare) ? null : `<${bare}>`;
}

/** Every Message-ID in a header value such as References (`<a@b> <c@d>`), in order. */
export function splitMessageIds(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item) => splitMessageIds(item));
  const found = value.match(/<[^<>\s]+>/g) ?? value.split(/\s+/);
  return found.map(normalizeMessageId).filter((id): id is string => id !== null);
}

function addresses(field: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const groups = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const out: EmailAddress[] = [];
  const visit = (entries: readonly { address?: string | undefined; name: string; group?: unknown }[]): void => {
    for (const entry of entries) {
      if (Array.isArray(entry.group)) visit(entry.group as typeof entries);
      else if (entry.address) out.push({ address: entry.address.trim().toLowerCase(), name: entry.name.trim() });
    }
  };
  for (const group of groups) visit(group.value);
  return out;
}

/**
 * Parses a raw RFC 822 message (any charset mailparser knows: UTF-8, GBK/GB2312/GB18030, Big5…; quoted-printable or
 * base64) into what an incoming message stores. Scripts and markup never survive: only text is kept.
 * @example
 * const email = await parseEmail(Buffer.from('From: a@b.cn\r\nSubject: hi\r\n\r\nhello'));
 */
export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  let mail;
  try {
    mail = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  } catch {
    throw badRequest('invalid_email', 'the message could not be parsed as an email');
  }
  const from = addresses(mail.from)[0];
  if (!from) throw badRequest('email_without_sender', 'the email has no From address');
  const text = mail.text ?? '';
  const stripped = stripQuotedText(text);
  const body = (stripped || text.trim()).slice(0, MAX_BODY_CHARS);
  const messageId =
    (mail.messageId ? normalizeMessageId(mail.messageId) : null) ??
    `<${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@tongli.invalid>`;
  return {
    messageId,
    inReplyTo: splitMessageIds(mail.inReplyTo)[0] ?? null,
    references: splitMessageIds(mail.references),
    from,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    subject: (mail.subject ?? '').trim().slice(0, 500),
    body,
    attachments: mail.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
  };
}
