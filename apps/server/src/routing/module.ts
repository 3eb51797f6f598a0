import { publishConversation } from '../commands/conversations.js';
import type { PlatformModule } from '../platform.js';
import { ANNOUNCE_JOB, routeOnAnalysis } from './commands.js';
import { routingRoutes } from './routes.js';

/**
 * Routing: queues per inbox or team (round robin, least busy, skills), per-agent presence and capacity, continuity for
 * returning customers, and emotion-aware assignment of upset customers to the agents who calm customers best. A
 * conversation is routed when its first fresh customer message has been analysed (the emotion is known then).
 */
export const routingModule: PlatformModule = {
  protectedRoutes: [routingRoutes],
  analysisHooks: [routeOnAnalysis],
  jobs: {
    [ANNOUNCE_JOB]: async (deps, payload) => {
      const conversation = await deps.db.kysely
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', String(payload.conversationId))
        .executeTakeFirst();
      if (conversation) publishConversation(deps, 'conversation.assigned', conversation);
    },
  },
};
