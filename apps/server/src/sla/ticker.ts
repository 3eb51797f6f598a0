import type { Deps } from '../deps.js';
import { enqueueWebhookEvent } from '../repositories/jobs.js';
import { computeSlaState, pickPolicy, type SlaTarget } from './policy.js';
import { listWaitingConversations, loadSlaConfig, loadSlaSettings, recordAlert, type WaitingRow } from './repository.js';

/** Conversations checked per tick at most (the oldest waits first; the rest wait for the next tick). */
const TICK_LIMIT = 2000;

/** An SLA alert as published on the bus (`alert.raised`) and to webhooks. */
export interface SlaAlert {
  kind: 'sla_warning' | 'sla_breached';
  severity: 'warning' | 'critical';
  conversationId: string;
  target: SlaTarget;
  waitingSince: string;
  dueAt: string;
}

/**
 * Raises the SLA warnings and breaches due at `now`, each once per conversation and wait (recorded in `sla_alerts`,
 * so several processes or ticks never raise one twice): `alert.raised` on the bus for the people who may see the
 * conversation, and the `sla.warning` / `sla.breached` and `alert.raised` webhook events.
 * @example
 * const raised = await checkSlas(deps, new Date());
 */
export async function checkSlas(deps: Deps, now: Date): Promise<SlaAlert[]> {
  const db = deps.db.kysely;
  const config = await loadSlaConfig(db);
  if (config.policies.length === 0) return [];
  // Business time never runs faster than the wall clock: nothing can warn before this much wall time has passed.
  const earliest = Math.min(...config.policies.map((p) => (Math.min(p.firstResponseMinutes, p.nextResponseMinutes) * p.warnPercent) / 100));
  const rows = await listWaitingConversations(db, new Date(now.getTime() - earliest * 60_000), TICK_LIMIT);
  const due: { row: WaitingRow; alert: SlaAlert; kind: 'warning' | 'breached' }[] = [];
  for (const row of rows) {
    const policy = pickPolicy(config.policies, row.inbox_id, row.priority);
    if (!policy || !row.waiting_since) continue;
    const state = computeSlaState(row, policy, config.clockFor(row.inbox_id), now);
    if (!state || state.state === 'ok') continue;
    const kind = state.state === 'breached' ? 'breached' : 'warning';
    due.push({
      row,
      kind,
      alert: {
        kind: kind === 'breached' ? 'sla_breached' : 'sla_warning',
        severity: kind === 'breached' ? 'critical' : 'warning',
        conversationId: row.id,
        target: state.target,
        waitingSince: state.startedAt.toISOString(),
        dueAt: state.dueAt.toISOString(),
      },
    });
  }
  if (due.length === 0) return [];
  const raised = await db.transaction().execute(async (trx) => {
    const fresh: typeof due = [];
    for (const item of due) {
      const recorded = await recordAlert(trx, {
        conversationId: item.row.id,
        target: item.alert.target,
        kind: item.kind,
        waitingSince: item.row.waiting_since ?? now,
        dueAt: new Date(item.alert.dueAt),
      });
      if (!recorded) continue;
      fresh.push(item);
      await enqueueWebhookEvent(trx, item.kind === 'breached' ? 'sla.breached' : 'sla.warning', item.alert);
      await enqueueWebhookEvent(trx, 'alert.raised', item.alert);
    }
    return fresh;
  });
  for (const { row, alert } of raised) {
    deps.bus.publish({
      type: 'alert.raised',
      conversationId: row.id,
      teamId: row.team_id,
      assigneeId: row.assignee_id,
      inboxId: row.inbox_id,
      data: alert,
    });
  }
  if (raised.length > 0) deps.wakeJobs();
  return raised.map((r) => r.alert);
}

/**
 * Runs `tick` now and then again `interval()` seconds after each run finishes (read each time, so a change of
 * `sla_settings.tick_seconds` applies without a restart) until the returned stop function is called; a failing tick
 * is logged and the next one still runs (60 seconds later when the interval cannot be read).
 * @example
 * const stop = startTicker('SLA', (now) => checkSlas(deps, now), () => readTickSeconds(deps));
 */
export function startTicker(name: string, tick: (now: Date) => Promise<unknown>, interval: () => Promise<number>): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const schedule = async (): Promise<void> => {
    let seconds = 60;
    try {
      await tick(new Date());
      seconds = await interval();
    } catch (error) {
      if (!stopped) console.error(`tongli: the ${name} check failed`, error);
    }
    if (stopped) return;
    timer = setTimeout(() => {
      running = schedule();
    }, seconds * 1000);
    timer.unref();
  };
  running = schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}

/** How often the SLA and promise tickers run, from `sla_settings`. */
export async function readTickSeconds(deps: Deps): Promise<number> {
  return (await loadSlaSettings(deps.db.kysely)).tickSeconds;
}
