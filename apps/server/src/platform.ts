import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Config } from './config/config.js';
import { openDatabase, type Db } from './db/database.js';
import { migrate } from './db/migrate.js';
import type { AnalysisHook, ConversationHook, Deps, MessageHook } from './deps.js';
import { createApp, type RouteModule } from './http/app.js';
import type { AppEnv } from './http/env.js';
import { startJobThreads } from './jobs/job-threads.js';
import { backfillAnalyses, type JobHandler, type JobRunner } from './jobs/runner.js';
import { PLATFORM_MODULES } from './modules.js';
import { createLocalBus, createRedisBus } from './realtime/bus.js';
import { attachJobRunner, createDeps, type DepsOptions } from './services.js';

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
  /** Run in the transaction of each new message (e.g. an email inbox's reply queues its email). */
  messageHooks?: (config: Config) => MessageHook[];
}

export interface Platform {
  deps: Deps;
  app: OpenAPIHono<AppEnv>;
  runner: JobRunner;
  upgradeHandlers: UpgradeHandler[];
  close(): Promise<void>;
}

export interface PlatformOptions extends DepsOptions {
  /** Defaults to every module of the platform (`PLATFORM_MODULES`); tests may mount fewer. */
  modules?: PlatformModule[];
  /** Start the background job runner (default true). */
  jobs?: boolean;
  /**
   * Worker threads that run the background jobs (analysis, webhooks, email) beside the HTTP event loop; 0 runs them on
   * it. Defaults to `config.workers` on PostgreSQL and 0 on the embedded database, which one thread owns. Job threads
   * mount every module's jobs and hooks, whatever `modules` says.
   */
  jobThreads?: number;
  pollMs?: number;
  /** An open database to use instead of the configured one (tests start from a migrated template). */
  db?: Db;
}

/**
 * How long new work waits to gather a batch when jobs run on the server's own event loop (PGlite, or no job threads):
 * there each batch's queries hold up ingest, and at full load on PGlite batches gathered for 20 ms cost 2.0–2.1 ms of
 * main-thread CPU per message against 1.4 ms for 250 ms.
 */
const IN_PROCESS_GATHER_MS = 250;

/**
 * Opens the database (migrating it), builds the engine with the organisation's guidelines, the event bus, the job
 * runner (or job threads) and the HTTP app. Listens nowhere: `startServer` does that.
 */
export async function createPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const onPostgres = options.db ? options.db.kind === 'postgres' : Boolean(config.databaseUrl);
  const threads = options.jobs === false ? 0 : (options.jobThreads ?? (onPostgres && !options.db ? config.workers : 0));
  if (threads > 0 && !onPostgres)
    throw new Error('tongli: job threads need PostgreSQL (DATABASE_URL); the embedded database has one owner');
  const db = options.db ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }));
  await migrate(db);
  const bus = config.redisUrl ? await createRedisBus(config.redisUrl, await instanceId(db)) : createLocalBus();
  const modules = options.modules ?? PLATFORM_MODULES;
  const deps = await createDeps(config, db, bus, modules, options);
  const pollMs = options.pollMs ?? 500;
  let runner: JobRunner;
  if (threads > 0) {
    runner = await startJobThreads({ config, threads, pollMs, bus, models: options.models !== false });
    deps.wakeJobs = () => runner.wake();
  } else {
    runner = attachJobRunner(deps, modules, { pollMs, gatherMs: IN_PROCESS_GATHER_MS });
    if (options.jobs === false) await runner.stop();
  }
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
    runner,
    upgradeHandlers: modules.flatMap((m) => (m.upgrade ? [m.upgrade(deps)] : [])),
    close: async () => {
      for (const stop of stops.reverse()) await stop();
      await runner.stop();
      await bus.close();
      await db.close();
    },
  };
}

/** The installation's id (migration 0015). */
async function instanceId(db: Db): Promise<string> {
  return (await db.kysely.selectFrom('instance').select('id').executeTakeFirstOrThrow()).id;
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
