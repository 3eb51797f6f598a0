import type { Transaction } from 'kysely';
import type { Config } from './config/config.js';
import type { Db } from './db/database.js';
import type { Database, Message } from './db/schema.js';
import type { EngineService } from './engine/engine-service.js';
import type { EventBus } from './realtime/bus.js';

/**
 * Runs inside `postMessage`'s transaction right after a new message is stored, so work a channel must do for it (e.g.
 * queue an email) commits or rolls back with the message. May return the message as updated.
 */
export type MessageHook = (
  trx: Transaction<Database>,
  message: Message,
  conversation: { id: string; inbox_id: string; team_id: string | null; assignee_id: string | null },
) => Promise<Message | void>;

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
  /** Message hooks modules register in `start()` (and remove on stop); absent means none. */
  messageHooks?: MessageHook[];
}
