import type { PlatformModule } from '../platform.js';
import { readTickSeconds, startTicker } from '../sla/ticker.js';
import { promiseRoutes } from './routes.js';
import { checkPromises, trackPromises } from './tracking.js';

/**
 * Promise tracking: commitments the engine finds in agents' replies become promises with due times, listed on the
 * conversation, the agent's list and the customer 360; reminded before due and alerted once overdue, until an agent
 * marks them kept or cancelled (manually or through the API — nothing closes them on its own).
 */
export const promisesModule: PlatformModule = {
  protectedRoutes: [promiseRoutes],
  analysisHooks: [trackPromises],
  start: async (deps) =>
    startTicker(
      'promise',
      (now) => checkPromises(deps, now),
      () => readTickSeconds(deps),
    ),
};
