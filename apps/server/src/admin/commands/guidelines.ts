import type { Guidelines } from '@tongli/engine';
import type { Deps } from '../../deps.js';
import type { EngineService } from '../../engine/engine-service.js';
import type { Principal } from '../../policies/policies.js';
import { writeAudit } from '../../repositories/audit.js';
import { enqueueJob } from '../../repositories/jobs.js';
import { insertGuidelines, latestGuidelines, latestGuidelinesVersion, type GuidelinesRow } from '../repositories/guidelines.js';

export const GUIDELINES_UPDATED = 'guidelines.updated';

/** What the engine uses when the organisation has written no guidelines of its own. */
export const DEFAULT_GUIDELINES: Required<Guidelines> = { doSay: [], dontSay: [], glossary: [] };

/** Per engine (one per process): the guidelines version it was built from, and the sync in progress. */
const loaded = new WeakMap<EngineService, { version: number; checkedAt: number; queue: Promise<unknown> }>();

const stateOf = (engine: EngineService) => {
  let state = loaded.get(engine);
  if (!state) loaded.set(engine, (state = { version: 0, checkedAt: 0, queue: Promise.resolve() }));
  return state;
};

/** Records the version the engine runs now (called at start, after `createPlatform` built it from the latest row). */
export async function rememberLoadedGuidelines(deps: Deps): Promise<void> {
  const state = stateOf(deps.engine);
  state.version = await latestGuidelinesVersion(deps.db.kysely);
  state.checkedAt = Date.now();
}

/**
 * Rebuilds this process's analyser (about 0.4 s) when the database holds newer guidelines than it runs: saved here
 * or by another process. Syncs run one at a time per engine, so an older version never overwrites a newer one. With
 * `maxAgeMs`, skips the check when one ran that recently (the per-job path). Resolves true when it rebuilt.
 */
export function syncGuidelines(deps: Deps, maxAgeMs = 0): Promise<boolean> {
  const state = stateOf(deps.engine);
  if (maxAgeMs > 0 && Date.now() - state.checkedAt < maxAgeMs) return Promise.resolve(false);
  state.checkedAt = Date.now();
  const run = state.queue.then(async () => {
    if ((await latestGuidelinesVersion(deps.db.kysely)) <= state.version) return false;
    const latest = await latestGuidelines(deps.db.kysely);
    if (!latest || latest.version <= state.version) return false;
    deps.engine.applyGuidelines(latest.content as Guidelines);
    state.version = latest.version;
    return true;
  });
  state.queue = run.catch(() => undefined);
  return run;
}

/**
 * Saves a new guidelines version (the zod schema at the edge matches what the engine accepts), rebuilds this
 * process's analyser from the latest stored version before answering, tells other processes (bus event
 * `guidelines.updated`) and queues a backfill that re-analyses messages whose lexicon hash changed.
 */
export async function saveGuidelines(
  deps: Deps,
  actor: { principal: Principal; ip: string | undefined },
  content: Required<Guidelines>,
): Promise<GuidelinesRow> {
  const row = await deps.db.kysely.transaction().execute(async (trx) => {
    const inserted = await insertGuidelines(trx, content, actor.principal.kind === 'user' ? actor.principal.id : null);
    await enqueueJob(trx, 'backfill', {});
    await writeAudit(trx, actor.principal, 'guidelines.updated', {
      type: 'guidelines',
      id: String(inserted.version),
      details: { doSay: content.doSay.length, dontSay: content.dontSay.length, glossary: content.glossary.length },
      ip: actor.ip,
    });
    return inserted;
  });
  await syncGuidelines(deps);
  deps.bus.publish({ type: GUIDELINES_UPDATED, data: { version: row.version } });
  deps.wakeJobs();
  return row;
}
