import type { Priority } from '../db/schema.js';
import type { Executor } from '../repositories/jobs.js';
import { DEFAULT_CALENDAR } from './calendars.js';
import { insertPolicy, saveCalendar } from './repository.js';

/** Response targets of the demo in business minutes: chat is answered fast, email within the working day. */
const DEMO_POLICIES: { channel?: string; priority: Priority | null; first: number; next: number }[] = [
  { priority: null, first: 30, next: 60 },
  { priority: 'high', first: 15, next: 30 },
  { priority: 'urgent', first: 5, next: 15 },
  { channel: 'email', priority: null, first: 240, next: 480 },
];

/**
 * The demo's SLA setup: the default business calendar (Monday–Friday 09:00–18:00 Beijing time, Chinese public
 * holidays) and response-time policies per priority, with slower ones for email inboxes.
 */
export async function seedSlaDemo(
  trx: Executor,
  organisation: { inboxes: ReadonlyMap<string, { id: string; channel: string }> },
): Promise<void> {
  await saveCalendar(
    trx,
    null,
    {
      timeZone: DEFAULT_CALENDAR.timeZone,
      hours: [...DEFAULT_CALENDAR.hours],
      holidays: [...DEFAULT_CALENDAR.holidays],
      workdays: [...DEFAULT_CALENDAR.workdays],
      autoExpectation: false,
    },
    null,
  );
  for (const policy of DEMO_POLICIES) {
    const inboxes = policy.channel ? [...organisation.inboxes.values()].filter((i) => i.channel === policy.channel) : [null];
    for (const inbox of inboxes) {
      await insertPolicy(
        trx,
        {
          inboxId: inbox?.id ?? null,
          priority: policy.priority,
          firstResponseMinutes: policy.first,
          nextResponseMinutes: policy.next,
          warnPercent: 80,
        },
        null,
      );
    }
  }
}
