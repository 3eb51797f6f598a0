/** SLA policies and the clock of one conversation, computed from its waiting time in business minutes. Pure. */
import type { Priority } from '../db/schema.js';
import type { BusinessClock } from './business-time.js';

export interface SlaPolicy {
  id: string;
  /** Null: every inbox without a policy of its own. */
  inboxId: string | null;
  /** Null: every priority without a policy of its own. */
  priority: Priority | null;
  firstResponseMinutes: number;
  nextResponseMinutes: number;
  /** A warning is raised once this share of the target has passed. */
  warnPercent: number;
}

export type SlaTarget = 'first_response' | 'next_response';

export interface SlaState {
  policyId: string;
  target: SlaTarget;
  /** When the customer started waiting. */
  startedAt: Date;
  warnAt: Date;
  dueAt: Date;
  /** Target in business minutes, and how many of them have passed. */
  targetMinutes: number;
  elapsedMinutes: number;
  state: 'ok' | 'warning' | 'breached';
  /** Whether the business clock is running now (false outside opening hours). */
  running: boolean;
}

/** What the SLA clock needs of a conversation. */
export interface SlaConversation {
  inbox_id: string;
  priority: Priority;
  status: string;
  waiting_since: Date | null;
  first_response_at: Date | null;
}

/** The most specific policy for an inbox and priority: inbox and priority, then inbox, then priority, then default. */
export function pickPolicy(policies: readonly SlaPolicy[], inboxId: string, priority: Priority): SlaPolicy | undefined {
  let best: SlaPolicy | undefined;
  let bestScore = -1;
  for (const policy of policies) {
    if (policy.inboxId !== null && policy.inboxId !== inboxId) continue;
    if (policy.priority !== null && policy.priority !== priority) continue;
    const score = (policy.inboxId ? 2 : 0) + (policy.priority ? 1 : 0);
    if (score > bestScore) {
      best = policy;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The SLA clock of a conversation at `now`: null when nobody is waiting (the agent spoke last, or it is snoozed or
 * resolved). The first response is due `firstResponseMinutes` business minutes after the customer started waiting;
 * every later reply `nextResponseMinutes` after the customer's next message.
 */
export function computeSlaState(conversation: SlaConversation, policy: SlaPolicy, clock: BusinessClock, now: Date): SlaState | null {
  const startedAt = conversation.waiting_since;
  if (!startedAt || (conversation.status !== 'open' && conversation.status !== 'pending')) return null;
  const target: SlaTarget = conversation.first_response_at ? 'next_response' : 'first_response';
  const targetMinutes = target === 'first_response' ? policy.firstResponseMinutes : policy.nextResponseMinutes;
  const dueAt = clock.addMinutes(startedAt, targetMinutes);
  const warnAt = clock.addMinutes(startedAt, (targetMinutes * policy.warnPercent) / 100);
  const elapsedMinutes = Math.round(clock.minutesBetween(startedAt, now) * 10) / 10;
  const state = now.getTime() >= dueAt.getTime() ? 'breached' : now.getTime() >= warnAt.getTime() ? 'warning' : 'ok';
  return {
    policyId: policy.id,
    target,
    startedAt,
    warnAt,
    dueAt,
    targetMinutes,
    elapsedMinutes,
    state,
    running: clock.isOpen(now),
  };
}
