import type { ConversationHook } from '../deps.js';
import { AppError } from '../errors.js';
import type { PlatformModule } from '../platform.js';
import { proposeExpectation, proposeFromNote, SEND_EXPECTATION_JOB, sendExpectation } from './expectations.js';
import { slaRoutes } from './routes.js';
import { checkSlas, readTickSeconds, startTicker } from './ticker.js';

/**
 * A conversation set to pending (waiting on a teammate) or transferred to another team gets an expectation-setting
 * message proposed, naming the team and when the customer will hear back.
 */
export const proposeOnWait: ConversationHook = async (trx, change) => {
  if (!change.before) return;
  const team = change.changes.find((c) => c.startsWith('team:') && c !== 'team:-');
  if (!team && !change.changes.includes('status:pending')) return;
  if (change.after.status === 'resolved' || change.after.status === 'snoozed') return;
  await proposeExpectation(trx, {
    conversation: change.after,
    reason: team ? 'transfer' : 'pending',
    teamId: team ? team.slice('team:'.length) : null,
    now: new Date(),
  });
};

/**
 * SLAs: business calendars and response-time policies per inbox and priority, a ticker raising warnings and breaches
 * once each, and expectation-setting messages proposed (or sent on their own) while the customer waits on someone.
 */
export const slaModule: PlatformModule = {
  protectedRoutes: [slaRoutes],
  conversationHooks: [proposeOnWait],
  jobs: {
    [SEND_EXPECTATION_JOB]: async (deps, payload) => {
      try {
        await sendExpectation(deps, null, String(payload.expectationId));
      } catch (error) {
        // Dismissed (or replaced) before it went out: nothing to send.
        if (error instanceof AppError && (error.code === 'expectation_closed' || error.code === 'not_found')) return;
        throw error;
      }
    },
  },
  start: async (deps) => {
    const stopTicker = startTicker(
      'SLA',
      (now) => checkSlas(deps, now),
      () => readTickSeconds(deps),
    );
    const pending = new Set<Promise<unknown>>();
    const unsubscribe = deps.bus.subscribe((event) => {
      if (event.type !== 'message.created' || (event.data as { type?: unknown } | null)?.type !== 'note') return;
      const id = (event.data as { id?: unknown }).id;
      if (typeof id !== 'string') return;
      const work = proposeFromNote(deps, id, new Date())
        .catch((error: unknown) => console.error('tongli: proposing an expectation message failed', error))
        .finally(() => pending.delete(work));
      pending.add(work);
    });
    return async () => {
      unsubscribe();
      await Promise.all(pending);
      await stopTicker();
    };
  },
};
