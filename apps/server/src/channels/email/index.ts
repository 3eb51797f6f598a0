import type { PlatformModule } from '../../platform.js';
import { createEmailMessageHook, SEND_EMAIL_JOB, sendEmail } from './outbound.js';
import { emailRoutes } from './routes.js';
import { startSmtpListener } from './smtp-listener.js';

/**
 * The email channel: inbound mail by webhook (`POST /api/channels/email/{inboxId}/inbound`) or by the built-in SMTP
 * listener (when `TONGLI_SMTP_PORT` is set), outgoing replies in email inboxes sent by the `send_email` job.
 */
export const emailModule: PlatformModule = {
  protectedRoutes: [emailRoutes],
  jobs: { [SEND_EMAIL_JOB]: (deps, payload) => sendEmail(deps, String(payload.messageId)) },
  messageHooks: (config) => [createEmailMessageHook(config)],
  start: async (deps) => {
    const listener =
      deps.config.smtpPort === undefined
        ? undefined
        : await startSmtpListener(deps, { port: deps.config.smtpPort, host: deps.config.host });
    if (listener && deps.config.logLevel !== 'silent') console.info(`tongli: SMTP intake on ${deps.config.host}:${listener.port}`);
    return listener ? () => listener.close() : undefined;
  },
};
