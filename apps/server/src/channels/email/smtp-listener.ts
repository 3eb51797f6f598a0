import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { receiveEmail } from './inbound.js';
import { findEmailInboxByAddress } from './store.js';

/** Largest email the listener accepts. */
export const MAX_EMAIL_BYTES = 10 * 1024 * 1024;

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

/**
 * Receives mail over SMTP for the addresses of the email inboxes (`inboxes.settings.address`): unknown recipients get
 * 550, mail over 10 MB gets 552; each accepted message is stored in every addressed inbox before the 250 reply.
 * No AUTH and no STARTTLS: run it behind the organisation's MX or on a private network.
 * @example
 * const listener = await startSmtpListener(deps, { port: 2525, host: '127.0.0.1' });
 */
export async function startSmtpListener(deps: Deps, options: { port: number; host: string; maxBytes?: number }): Promise<SmtpListener> {
  const maxBytes = options.maxBytes ?? MAX_EMAIL_BYTES;
  const server = new SMTPServer({
    name: 'tongli',
    banner: 'Tongli mail intake',
    size: maxBytes,
    maxClients: 100,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      findEmailInboxByAddress(deps.db.kysely, address.address).then(
        (inbox) => callback(inbox ? null : smtpError(550, `5.1.1 <${address.address}>: no such mailbox`)),
        () => callback(smtpError(451, '4.3.0 temporary failure, try again later')),
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= maxBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded || bytes > maxBytes) {
          callback(smtpError(552, `5.3.4 message over ${maxBytes} bytes`));
          return;
        }
        const raw = Buffer.concat(chunks);
        deliver(
          deps,
          session.envelope.rcptTo.map((r) => r.address),
          raw,
        ).then(
          () => callback(null),
          (error: unknown) =>
            callback(
              error instanceof AppError && error.status < 500
                ? smtpError(550, `5.6.0 ${error.message}`)
                : smtpError(451, '4.3.0 temporary failure, try again later'),
            ),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Client misbehaviour is answered on its connection; nothing to crash for.
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Stores the message once per distinct inbox among the recipients. */
async function deliver(deps: Deps, recipients: string[], raw: Buffer): Promise<void> {
  const inboxIds = new Set<string>();
  for (const recipient of recipients) {
    const inbox = await findEmailInboxByAddress(deps.db.kysely, recipient);
    if (inbox) inboxIds.add(inbox.id);
  }
  for (const inboxId of inboxIds) await receiveEmail(deps, inboxId, raw);
}
