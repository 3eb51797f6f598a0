import type { PlatformModule } from '../platform.js';
import { automationRoutes } from './routes.js';
import { EFFECTS_JOB, runConversationRules, runEffects, runMessageRules } from './run.js';

/**
 * Automation rules stored as data: evaluated in the writing transaction when a conversation is created or updated and
 * when a message has been analysed (emotion, risk flags known); every firing is logged. Mount it before routing, so an
 * explicit assignment rule wins over automatic routing.
 */
export const automationModule: PlatformModule = {
  protectedRoutes: [automationRoutes],
  conversationHooks: [runConversationRules],
  analysisHooks: [runMessageRules],
  jobs: {
    [EFFECTS_JOB]: (deps, payload) => runEffects(deps, String(payload.firingId), payload.announce === true),
  },
};
