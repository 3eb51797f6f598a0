import { backfillAnalyses } from '../jobs/runner.js';
import type { PlatformModule } from '../platform.js';
import { syncScorecard } from '../qa/scorecard.js';
import { GUIDELINES_UPDATED, rememberLoadedGuidelines, syncGuidelines } from './commands/guidelines.js';
import { auditRoutes } from './routes/audit.js';
import { cannedRoutes } from './routes/canned.js';
import { guidelinesRoutes } from './routes/guidelines.js';
import { inboxRoutes } from './routes/inboxes.js';
import { teamRoutes } from './routes/teams.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';
import { webhookRoutes } from './routes/webhooks.js';

/** How often a process checks the database for guidelines saved elsewhere, in case a bus event was missed. */
const GUIDELINES_POLL_MS = 30_000;
/** Analysis jobs check for newer guidelines at most this often. */
const GUIDELINES_JOB_CHECK_MS = 2_000;

/**
 * Administration of the platform: users, teams, inboxes, API tokens, webhooks, guidelines, canned replies, audit log.
 * Keeps every process's analyser on the newest guidelines: it reloads on the `guidelines.updated` bus event, polls as a
 * fallback, and checks before analysis and backfill jobs.
 */
export const platformModule: PlatformModule = {
  protectedRoutes: [userRoutes, teamRoutes, inboxRoutes, tokenRoutes, webhookRoutes, guidelinesRoutes, cannedRoutes, auditRoutes],
  start: async (deps) => {
    await rememberLoadedGuidelines(deps);
    const reload = (): void => {
      syncGuidelines(deps).catch((error: unknown) => console.error('tongli: reloading guidelines failed', error));
    };
    const unsubscribe = deps.bus.subscribe((event) => {
      if (event.type === GUIDELINES_UPDATED) reload();
    });
    const timer = setInterval(reload, GUIDELINES_POLL_MS);
    timer.unref();
    return async () => {
      clearInterval(timer);
      unsubscribe();
    };
  },
  beforeJobs: async (deps, kinds) => {
    if (kinds.has('analyze_message')) await syncGuidelines(deps, GUIDELINES_JOB_CHECK_MS);
  },
  jobs: {
    backfill: async (deps) => {
      await syncGuidelines(deps);
      await syncScorecard(deps);
      await backfillAnalyses(deps);
    },
  },
};
