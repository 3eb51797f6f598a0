import type { PlatformModule } from '../platform.js';
import { CSAT_SEND_JOB, createSurveyOnResolve, sendSurvey } from './commands.js';
import { surveyPublicRoutes } from './public-routes.js';
import { csatRoutes } from './routes.js';

/**
 * CSAT surveys: one per conversation when it is resolved, delivered in its channel (inline in the widget, a link by
 * email, a `csat.requested` webhook for API inboxes) by the `csat_send` job; the public survey page and answer API;
 * the staff API (list, summary, one conversation's survey).
 */
export const csatModule: PlatformModule = {
  publicRoutes: [surveyPublicRoutes],
  protectedRoutes: [csatRoutes],
  conversationHooks: [createSurveyOnResolve],
  jobs: { [CSAT_SEND_JOB]: (deps, payload) => sendSurvey(deps, String(payload.surveyId)) },
};
