import type { PlatformModule } from '../platform.js';
import { qaRoutes } from './routes.js';
import { SCORECARD_UPDATED, scorecardRoutes, syncScorecard } from './scorecard.js';

/** How often a process checks the database for a scorecard saved elsewhere, in case a bus event was missed. */
const SCORECARD_POLL_MS = 30_000;

/**
 * QA: evaluations, human reviews with overrides, disputes and calibration between reviewers; the editable scorecard,
 * applied to this process's engine at start, on the `scorecard.updated` bus event and by a fallback poll.
 */
export const qaModule: PlatformModule = {
  protectedRoutes: [qaRoutes, scorecardRoutes],
  start: async (deps) => {
    await syncScorecard(deps).catch((error: unknown) => console.error('tongli: the stored scorecard was not applied', error));
    const reload = (): void => {
      syncScorecard(deps).catch((error: unknown) => console.error('tongli: reloading the scorecard failed', error));
    };
    const unsubscribe = deps.bus.subscribe((event) => {
      if (event.type === SCORECARD_UPDATED) reload();
    });
    const timer = setInterval(reload, SCORECARD_POLL_MS);
    timer.unref();
    return async () => {
      clearInterval(timer);
      unsubscribe();
    };
  },
};
