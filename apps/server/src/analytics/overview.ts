import { isTopicTag } from '../customers/topics.js';
import { keyTerms } from '../customers/topics.js';
import type { Deps } from '../deps.js';
import {
  listAngryConversations,
  loadScatter,
  loadSeries,
  loadTechniqueUsage,
  loadTurnarounds,
  type AnalyticsScope,
  type SeriesRow,
} from './repository.js';

/** Where the CSAT figure comes from: until surveys exist, the engine's end-of-conversation satisfaction estimate. */
export const CSAT_SOURCE = 'engine_estimate';
/** Width of a turnaround histogram bin (turnaround runs 0..2). */
export const TURNAROUND_BIN = 0.2;
const TURNAROUND_BINS = 10;
/** Drivers listed per kind (tags, subject terms, risks). */
export const MAX_DRIVERS = 10;

/** The figures of one bucket or of the whole period. */
export interface Figures {
  conversations: number;
  /** Share of analysed conversations the engine estimates satisfied (0..1); null when none is analysed. */
  csat: number | null;
  /** Mean of the engine's satisfaction score (its own scale; above 0.25 reads as satisfied). */
  satisfactionMean: number | null;
  resolved: number;
  /** Share of resolved conversations whose customer opened no other conversation within 7 days. */
  fcr: number | null;
  medianFirstResponseSeconds: number | null;
  medianHandleSeconds: number | null;
  /** Mean empathy score of the agents' replies, −100..100. */
  empathy: number | null;
}

export interface Driver {
  key: string;
  count: number;
  /** The signal's name from the engine's catalogue (risk drivers only). */
  name?: { zh: string; en: string };
}

export interface Overview {
  period: { from: string; to: string; bucket: 'day' | 'week' };
  csatSource: typeof CSAT_SOURCE;
  totals: Figures;
  series: (Figures & { bucket: string })[];
  scatter: {
    points: { conversationId: string; empathy: number; satisfaction: number }[];
    n: number;
    trend: { slope: number; intercept: number; r: number | null } | null;
  };
  techniques: {
    catalogue: { id: string; polarity: 'good' | 'harmful' | 'neutral'; name: { zh: string; en: string } }[];
    agents: { agentId: string; name: string; total: number; counts: Record<string, number> }[];
  };
  turnaround: { from: number; to: number; count: number }[];
  angerDrivers: { conversations: number; tags: Driver[]; terms: Driver[]; risks: Driver[] };
}

const round = (value: number | null, digits = 3): number | null => (value === null ? null : Number(value.toFixed(digits)));

function presentFigures(row: SeriesRow | undefined): Figures {
  if (!row)
    return {
      conversations: 0,
      csat: null,
      satisfactionMean: null,
      resolved: 0,
      fcr: null,
      medianFirstResponseSeconds: null,
      medianHandleSeconds: null,
      empathy: null,
    };
  return {
    conversations: row.conversations,
    csat: row.analysed === 0 ? null : round(row.satisfied / row.analysed),
    satisfactionMean: round(row.satisfaction_mean),
    resolved: row.resolved,
    fcr: row.resolved === 0 ? null : round(row.fcr / row.resolved),
    medianFirstResponseSeconds: round(row.median_first_response_s, 1),
    medianHandleSeconds: round(row.median_handle_s, 1),
    empathy: round(row.empathy_mean, 1),
  };
}

/** Every bucket key from `from` up to `to` (UTC days, or ISO weeks starting on Monday), so empty buckets show as gaps. */
export function listBuckets(from: Date, to: Date, bucket: 'day' | 'week'): string[] {
  const start = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  if (bucket === 'week') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  const step = bucket === 'week' ? 7 : 1;
  const keys: string[] = [];
  for (const d = start; d < to; d.setUTCDate(d.getUTCDate() + step)) keys.push(d.toISOString().slice(0, 10));
  return keys;
}

function rank(counts: Map<string, number>): Driver[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_DRIVERS)
    .map(([key, count]) => ({ key, count }));
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * Everything the analytics dashboard draws for one scope, computed in SQL (each query bounded by the period and
 * sampled where a chart needs no more), with empty buckets filled in.
 * @example
 * const overview = await computeOverview(deps, { from, to, bucket: 'day' });
 */
export async function computeOverview(deps: Deps, scope: AnalyticsScope): Promise<Overview> {
  const db = deps.db.kysely;
  // One after another: PGlite serialises queries anyway, and on PostgreSQL this keeps one connection per request.
  const seriesRows = await loadSeries(db, scope);
  const scatter = await loadScatter(db, scope);
  const usage = await loadTechniqueUsage(db, scope);
  const turnarounds = await loadTurnarounds(db, scope);
  const angry = await listAngryConversations(db, scope);
  const byBucket = new Map(seriesRows.filter((r) => r.bucket !== null).map((r) => [r.bucket as string, r]));
  const totals = presentFigures(seriesRows.find((r) => r.bucket === null));

  const catalogue = deps.engine.analyzer.catalogue.techniques;
  const agents = new Map<string, { agentId: string; name: string; total: number; counts: Record<string, number> }>();
  for (const row of usage) {
    const agent = agents.get(row.agent_id) ?? { agentId: row.agent_id, name: row.agent_name, total: 0, counts: {} };
    agent.counts[row.technique] = (agent.counts[row.technique] ?? 0) + row.count;
    agent.total += row.count;
    agents.set(row.agent_id, agent);
  }
  const used = new Set(usage.map((r) => r.technique));

  const tags = new Map<string, number>();
  const terms = new Map<string, number>();
  const risks = new Map<string, number>();
  for (const row of angry.rows) {
    for (const tag of new Set(strings(row.tags).filter(isTopicTag))) tags.set(tag, (tags.get(tag) ?? 0) + 1);
    for (const term of new Set(keyTerms(row.subject))) terms.set(term, (terms.get(term) ?? 0) + 1);
    for (const risk of new Set(strings(row.risk))) risks.set(risk, (risks.get(risk) ?? 0) + 1);
  }

  const bins = new Map(turnarounds.map((t) => [t.bin, t.count]));
  return {
    period: { from: scope.from.toISOString(), to: scope.to.toISOString(), bucket: scope.bucket },
    csatSource: CSAT_SOURCE,
    totals,
    series: listBuckets(scope.from, scope.to, scope.bucket).map((bucket) => ({ bucket, ...presentFigures(byBucket.get(bucket)) })),
    scatter: {
      points: scatter.points.map((p) => ({ conversationId: p.conversation_id, empathy: p.empathy, satisfaction: p.satisfaction })),
      n: scatter.n,
      trend:
        scatter.slope === null || scatter.intercept === null
          ? null
          : { slope: Number(scatter.slope.toPrecision(6)), intercept: Number(scatter.intercept.toPrecision(6)), r: round(scatter.r) },
    },
    techniques: {
      catalogue: catalogue
        .filter((t) => used.has(t.id))
        .map((t) => ({ id: t.id, polarity: t.polarity, name: { zh: t.name.zh, en: t.name.en } })),
      agents: [...agents.values()].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name)),
    },
    turnaround: Array.from({ length: TURNAROUND_BINS }, (_, i) => ({
      from: round(i * TURNAROUND_BIN, 1) ?? 0,
      to: round((i + 1) * TURNAROUND_BIN, 1) ?? 0,
      count: bins.get(i) ?? 0,
    })),
    angerDrivers: {
      conversations: angry.total,
      tags: rank(tags),
      terms: rank(terms),
      risks: rank(risks).map((d) => {
        const signal = deps.engine.analyzer.catalogue.signals.find((s) => s.id === d.key);
        return signal ? { ...d, name: { zh: signal.name.zh, en: signal.name.en } } : d;
      }),
    },
  };
}

/** The charts the CSV export knows. */
export const CSV_CHARTS = ['series', 'scatter', 'techniques', 'turnaround', 'drivers'] as const;
export type CsvChart = (typeof CSV_CHARTS)[number];

/** One CSV field: quoted when needed, and a leading `= + - @` defused so a spreadsheet does not run it as a formula. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const csv = (rows: (string | number | null)[][]): string => rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';

/**
 * One chart's data as CSV (header row first; a BOM so spreadsheet programs read the Chinese right).
 * @example
 * toCsv(overview, 'series'); // '\uFEFFbucket,conversations,…'
 */
export function toCsv(overview: Overview, chart: CsvChart): string {
  let rows: (string | number | null)[][];
  switch (chart) {
    case 'series':
      rows = [
        [
          'bucket',
          'conversations',
          'csat_estimate',
          'satisfaction_mean_estimate',
          'resolved',
          'fcr',
          'median_first_response_s',
          'median_handle_s',
          'empathy',
        ],
        ...overview.series.map((s) => [
          s.bucket,
          s.conversations,
          s.csat,
          s.satisfactionMean,
          s.resolved,
          s.fcr,
          s.medianFirstResponseSeconds,
          s.medianHandleSeconds,
          s.empathy,
        ]),
      ];
      break;
    case 'scatter':
      rows = [
        ['conversation_id', 'empathy', 'satisfaction_estimate'],
        ...overview.scatter.points.map((p) => [p.conversationId, p.empathy, p.satisfaction]),
      ];
      break;
    case 'techniques': {
      const ids = overview.techniques.catalogue.map((t) => t.id);
      rows = [
        ['agent_id', 'agent', ...ids],
        ...overview.techniques.agents.map((a) => [a.agentId, a.name, ...ids.map((id) => a.counts[id] ?? 0)]),
      ];
      break;
    }
    case 'turnaround':
      rows = [['from', 'to', 'conversations'], ...overview.turnaround.map((b) => [b.from, b.to, b.count])];
      break;
    case 'drivers':
      rows = [
        ['kind', 'driver', 'conversations'],
        ...overview.angerDrivers.tags.map((d) => ['tag', d.key, d.count]),
        ...overview.angerDrivers.terms.map((d) => ['subject_term', d.key, d.count]),
        ...overview.angerDrivers.risks.map((d) => ['risk', d.key, d.count]),
      ];
      break;
  }
  return `\uFEFF${csv(rows)}`;
}
