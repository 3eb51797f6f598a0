import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { serve } from '@hono/node-server';
import { createRedactor, type Guidelines } from '@tongli/engine';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Config } from './config/config.js';
import { openDatabase, type Db } from './db/database.js';
import { migrate } from './db/migrate.js';
import type { AnalysisHook, ConversationHook, Deps } from './deps.js';
import { createEngineService } from './engine/engine-service.js';
import { createApp, type RouteModule } from './http/app.js';
import type { AppEnv } from './http/env.js';
import { backfillAnalyses, createJobRunner, type JobHandler, type JobRunner } from './jobs/runner.js';
import { PLATFORM_MODULES } from './modules.js';
import { createLocalBus, createRedisBus } from './realtime/bus.js';

/** Handles a WebSocket upgrade for its path; returns false when the path is not its own. */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

/** A feature of the platform mounted at start-up: routes, WebSocket endpoints, background services. */
export interface PlatformModule {
  publicRoutes?: RouteModule[];
  protectedRoutes?: RouteModule[];
  upgrade?: (deps: Deps) => UpgradeHandler;
  start?: (deps: Deps) => Promise<(() => Promise<void>) | void>;
  /** Background job kinds this module handles (enqueue them with `enqueueJob` in the same transaction as the data). */
  jobs?: Record<string, JobHandler>;
  /** Runs before each batch of background jobs with the kinds it holds. */
  beforeJobs?: (deps: Deps, kinds: ReadonlySet<string>) => Promise<void>;
  /** Run in the analysis job's transaction for every analysed batch of messages. */
  analysisHooks?: AnalysisHook[];
  /** Run in the transaction that creates or updates a conversation. */
  conversationHooks?: ConversationHook[];
}

export interface Platform {
  deps: Deps;
  app: OpenAPIHono<AppEnv>;
  runner: JobRunner;
  upgradeHandlers: UpgradeHandler[];
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** Defaults to every module of the platform (`PLATFORM_MODULES`); tests may mount fewer. */
  modules?: PlatformModule[];
  /** Tests turn the shipped models off to start faster. */
  models?: boolean;
  /** Start the background job runner (default true). */
  jobs?: boolean;
  pollMs?: number;
  redact?: (text: string) => string;
  /** An open database to use instead of the configured one (tests start from a migrated template). */
  db?: Db;
}

/**
 * Opens the database (migrating it), builds the engine with the organisation's guidelines, the event bus, the job
 * runner and the HTTP app. Listens nowhere: `startServer` does that.
 */
export async function createPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const db = options.db ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }));
  await migrate(db);
  const latest = await db.kysely.selectFrom('guidelines').select('content').orderBy('version', 'desc').limit(1).executeTakeFirst();
  const engine = createEngineService({
    guidelines: latest?.content as Guidelines | undefined,
    models: options.models !== false,
    modelFiles: config.models,
  });
  const bus = config.redisUrl ? await createRedisBus(config.redisUrl) : createLocalBus();
  let wake = (): void => undefined;
  const deps: Deps = {
    config,
    db,
    engine,
    bus,
    wakeJobs: () => wake(),
    redact: options.redact ?? createRedactor().redact,
  };
  const modules = options.modules ?? PLATFORM_MODULES;
  deps.analysisHooks = modules.flatMap((m) => m.analysisHooks ?? []);
  deps.conversationHooks = modules.flatMap((m) => m.conversationHooks ?? []);
  const runner = createJobRunner(
    { db, getDeps: () => deps },
    {
      pollMs: options.pollMs ?? 500,
      handlers: Object.assign({}, ...modules.map((m) => m.jobs ?? {})) as Record<string, JobHandler>,
      beforeJobs: modules.flatMap((m) => (m.beforeJobs ? [m.beforeJobs] : [])),
    },
  );
  wake = () => runner.wake();
  if (options.jobs === false) await runner.stop();
  const app = createApp(deps, {
    public: modules.flatMap((m) => m.publicRoutes ?? []),
    protected: modules.flatMap((m) => m.protectedRoutes ?? []),
  });
  const stops: (() => Promise<void>)[] = [];
  for (const module of modules) {
    const stop = await module.start?.(deps);
    if (stop) stops.push(stop);
  }
  // Anything analysed by an older engine or lexicon, or never analysed (e.g. after a crash), is queued again.
  await backfillAnalyses(deps);
  return {
    deps,
    app,
    runner: runner,
    upgradeHandlers: modules.flatMap((m) => (m.upgrade ? [m.upgrade(deps)] : [])),
    close: async () => {
      for (const stop of stops.reverse()) await stop();
      await runner.stop();
      await bus.close();
      await db.close();
    },
  };
}

/**
 * Serves a platform on `config.port`; resolves once listening with the URL and a `close` that drains and stops.
 * @example
 * const { url, close } = await startServer(platform);
 */
export async function startServer(platform: Platform): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const { config } = platform.deps;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: platform.app.fetch, port: config.port, hostname: config.host }, () => resolve(s as Server));
    (s as Server).once('error', reject);
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!platform.upgradeHandlers.some((handle) => handle(request, socket, head))) socket.destroy();
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    url: `http://${config.host}:${port}`,
    server,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await platform.close();
    },
  };
}
