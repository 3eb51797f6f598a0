import type { Config } from './config/config.js';
import type { Db } from './db/database.js';
import type { EngineService } from './engine/engine-service.js';
import type { EventBus } from './realtime/bus.js';

/** Everything the app and the jobs need, built once at start-up (and by tests with an in-memory database). */
export interface Deps {
  config: Config;
  db: Db;
  engine: EngineService;
  bus: EventBus;
  /** Tells the job runner there is new work (it also polls, so a missed wake only delays). */
  wakeJobs(): void;
  /** Redacts PII from text (used for exports, and at rest when configured). */
  redact(text: string): string;
}
