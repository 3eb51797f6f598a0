import { listOpeningTexts } from '../customers/repository.js';
import { sameTopic } from '../customers/topics.js';
import type { Executor } from '../repositories/jobs.js';
import { listRepeatCandidates, loadMetricSums, loadNames, type MetricSums, type MetricsScope } from './repository.js';
import { listDays, localDay } from './time.js';

/**
 * One row of the metrics table (see docs/METRICS.md for each definition). Every figure is attributed by the
 * conversation: its assignee (agent), its team, or the local day it was created.
 */
export interface MetricRow {
  /** Agent id, team id or YYYY-MM-DD; null for conversations with no assignee / no team, and for the totals. */
  key: string | null;
  /** The agent's or team's name, or the day. */
  name: string;
  conversations: number;
  resolved: number;
  /** Mean survey rating 1..5; null when no survey was answered. */
  csatAverage: number | null;
  csatResponses: number;
  /** Resolved, never reopened, and no conversation from the customer on the same topic within 7 days. */
  fcrCount: number;
  /** `fcrCount / resolved`; null when nothing was resolved. */
  fcrRate: number | null;
  firstResponseMedianSeconds: number | null;
  firstResponseP90Seconds: number | null;
  handleMedianSeconds: number | null;
  handleP90Seconds: number | null;
  /** Mean conversation empathy score, −100..100. */
  empathyAverage: number | null;
  /** Conversations whose customer had a negative low point. */
  turnaroundEligible: number;
  /** Of those, conversations whose customer ended better than the low point. */
  turnaroundCount: number;
  turnaroundRate: number | null;
  /** Conversations where the customer was abusive or threatening. */
  abusiveConversations: number;
  abusiveRate: number | null;
}

/** The metric columns in table order (the CSV, XLSX and report headers come from `labels.json`). */
export const METRIC_COLUMNS = [
  'conversations',
  'resolved',
  'csatAverage',
  'csatResponses',
  'fcrCount',
  'fcrRate',
  'firstResponseMedianSeconds',
  'firstResponseP90Seconds',
  'handleMedianSeconds',
  'handleP90Seconds',
  'empathyAverage',
  'turnaroundEligible',
  'turnaroundCount',
  'turnaroundRate',
  'abusiveConversations',
  'abusiveRate',
] as const satisfies readonly (keyof MetricRow)[];
export type MetricColumn = (typeof METRIC_COLUMNS)[number];

export interface MetricsTable {
  rows: MetricRow[];
  totals: MetricRow;
}

const round = (value: number | null, digits: number): number | null => (value === null ? null : Number(value.toFixed(digits)));
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : round(part / whole, 3));

function presentRow(key: string | null, name: string, sums: MetricSums | undefined, repeats: number): MetricRow {
  const s: MetricSums = sums ?? {
    key,
    total: false,
    conversations: 0,
    resolved: 0,
    resolved_once: 0,
    csat_sum: 0,
    csat_responses: 0,
    first_response_median_s: null,
    first_response_p90_s: null,
    handle_median_s: null,
    handle_p90_s: null,
    empathy_sum: 0,
    empathy_n: 0,
    turnaround_eligible: 0,
    turned_around: 0,
    abusive: 0,
  };
  const fcrCount = s.resolved_once - repeats;
  return {
    key,
    name,
    conversations: s.conversations,
    resolved: s.resolved,
    csatAverage: s.csat_responses === 0 ? null : round(s.csat_sum / s.csat_responses, 2),
    csatResponses: s.csat_responses,
    fcrCount,
    fcrRate: ratio(fcrCount, s.resolved),
    firstResponseMedianSeconds: round(s.first_response_median_s, 1),
    firstResponseP90Seconds: round(s.first_response_p90_s, 1),
    handleMedianSeconds: round(s.handle_median_s, 1),
    handleP90Seconds: round(s.handle_p90_s, 1),
    empathyAverage: s.empathy_n === 0 ? null : round(s.empathy_sum / s.empathy_n, 1),
    turnaroundEligible: s.turnaround_eligible,
    turnaroundCount: s.turned_around,
    turnaroundRate: ratio(s.turned_around, s.turnaround_eligible),
    abusiveConversations: s.abusive,
    abusiveRate: ratio(s.abusive, s.conversations),
  };
}

/** Ids read per query when fetching the customers' opening messages. */
const OPENINGS_CHUNK = 1000;

/**
 * The conversations in scope that were resolved and not reopened but whose customer came back on the same topic
 * within `FCR_DAYS`, with their group key. Topics are compared as the customer 360 does (`sameTopic`: a shared tag,
 * a similar subject or shared key terms in the customer's opening messages).
 */
export async function findRepeatContacts(db: Executor, scope: MetricsScope): Promise<Map<string, string | null>> {
  const pairs = await listRepeatCandidates(db, scope);
  const ids = [...new Set(pairs.flatMap((p) => [p.id, p.next_id]))];
  const openings = new Map<string, string>();
  for (let i = 0; i < ids.length; i += OPENINGS_CHUNK) {
    for (const [id, text] of await listOpeningTexts(db, ids.slice(i, i + OPENINGS_CHUNK))) openings.set(id, text);
  }
  const tags = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  const repeated = new Map<string, string | null>();
  for (const pair of pairs) {
    if (repeated.has(pair.id)) continue;
    const match = sameTopic(
      { subject: pair.subject, tags: tags(pair.tags), customerText: openings.get(pair.id) ?? '' },
      { subject: pair.next_subject, tags: tags(pair.next_tags), customerText: openings.get(pair.next_id) ?? '' },
    );
    if (match) repeated.set(pair.id, pair.key);
  }
  return repeated;
}

/**
 * The metrics table for a scope: one row per agent, team or local day (every day of the period, empty ones too) and
 * the totals, computed on read from the source tables.
 * @example
 * const { rows, totals } = await computeMetrics(db, { from, to, timeZone: 'Asia/Shanghai', groupBy: 'day', teamIds: 'all' });
 */
export async function computeMetrics(db: Executor, scope: MetricsScope): Promise<MetricsTable> {
  // One after another: PGlite serialises queries anyway, and on PostgreSQL this keeps one connection per request.
  const sums = await loadMetricSums(db, scope);
  const repeats = await findRepeatContacts(db, scope);
  const repeatsByKey = new Map<string | null, number>();
  for (const key of repeats.values()) repeatsByKey.set(key, (repeatsByKey.get(key) ?? 0) + 1);
  const groups = sums.filter((s) => !s.total);
  const totalSums = sums.find((s) => s.total);
  const totals = presentRow(null, '', totalSums, repeats.size);

  if (scope.groupBy === 'day') {
    const byDay = new Map(groups.map((g) => [g.key, g]));
    const last = localDay(new Date(scope.to.getTime() - 1), scope.timeZone);
    const rows = listDays(localDay(scope.from, scope.timeZone), last).map((day) =>
      presentRow(day, day, byDay.get(day), repeatsByKey.get(day) ?? 0),
    );
    return { rows, totals };
  }
  const names = await loadNames(
    db,
    scope.groupBy,
    groups.flatMap((g) => (g.key === null ? [] : [g.key])),
  );
  const rows = groups
    .map((g) => presentRow(g.key, g.key === null ? '' : (names.get(g.key) ?? g.key), g, repeatsByKey.get(g.key) ?? 0))
    .sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.name.localeCompare(b.name) || (a.key ?? '').localeCompare(b.key ?? '')));
  return { rows, totals };
}
