import { createRedactor, type Guidelines } from '@tongli/engine';
import type { Config } from './config/config.js';
import type { Db } from './db/database.js';
import type { Deps } from './deps.js';
import { createEngineService } from './engine/engine-service.js';
import { createJobRunner, type JobHandler, type JobRunner } from './jobs/runner.js';
import type { PlatformModule } from './platform.js';
import type { EventBus } from './realtime/bus.js';

export interface DepsOptions {
  /** Tests turn the shipped models off to start faster. */
  models?: boolean;
  redact?: (text: string) => string;
}

/**
 * What the HTTP server and a job thread both build from an open database: the engine with the organisation's latest
 * guidelines, and the hooks of the modules mounted. `wakeJobs` does nothing until a runner is attached.
 */
export async function createDeps(
  config: Config,
  db: Db,
  bus: EventBus,
  modules: readonly PlatformModule[],
  options: DepsOptions = {},
): Promise<Deps> {
  const latest = await db.kysely.selectFrom('guidelines').select('content').orderBy('version', 'desc').limit(1).executeTakeFirst();
  const engine = createEngineService({
    guidelines: latest?.content as Guidelines | undefined,
    models: options.models !== false,
    modelFiles: config.models,
  });
  return {
    config,
    db,
    engine,
    bus,
    wakeJobs: () => undefined,
    redact: options.redact ?? createRedactor().redact,
    messageHooks: modules.flatMap((m) => m.messageHooks?.(config) ?? []),
    analysisHooks: modules.flatMap((m) => m.analysisHooks ?? []),
    conversationHooks: modules.flatMap((m) => m.conversationHooks ?? []),
  };
}

/** A job runner for the modules' job kinds on `deps`' database, woken by `deps.wakeJobs`. */
export function attachJobRunner(
  deps: Deps,
  modules: readonly PlatformModule[],
  options: { pollMs: number; worker?: string; gatherMs?: number; onWakeWanted?: () => void },
): JobRunner {
  const runner = createJobRunner(
    { db: deps.db, getDeps: () => deps },
    {
      ...options,
      handlers: Object.assign({}, ...modules.map((m) => m.jobs ?? {})) as Record<string, JobHandler>,
      beforeJobs: modules.flatMap((m) => (m.beforeJobs ? [m.beforeJobs] : [])),
    },
  );
  deps.wakeJobs = () => runner.wake();
  return runner;
}
