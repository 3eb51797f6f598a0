import { listAngryConversations } from '../analytics/repository.js';
import { keyTerms } from '../customers/topics.js';
import type { Executor } from '../repositories/jobs.js';
import { computeMetrics, type MetricRow } from './compute.js';
import type { Lang } from './export.js';
import labels from './labels.json' with { type: 'json' };
import type { MetricsScope } from './repository.js';
import { addDays, startOfDay } from './time.js';

/** Drivers listed per kind in the report. */
export const REPORT_DRIVERS = 5;

export interface ReportDriver {
  key: string;
  count: number;
}

/** Everything the weekly report of one team shows. */
export interface WeeklyReport {
  team: { id: string; name: string };
  week: string;
  /** Monday and Sunday of the week (local days). */
  from: string;
  to: string;
  timeZone: string;
  current: MetricRow;
  previous: MetricRow;
  agents: MetricRow[];
  drivers: { conversations: number; tags: ReportDriver[]; terms: ReportDriver[]; risks: ReportDriver[] };
}

function rank(counts: Map<string, number>): ReportDriver[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, REPORT_DRIVERS)
    .map(([key, count]) => ({ key, count }));
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * Gathers a team's weekly report: the week's totals and the previous week's, one row per agent, and the week's top
 * anger drivers (tags, subject terms, risk signals of conversations that ended angry or raised a risk).
 * @example
 * const report = await buildWeeklyReport(db, { team, monday: '2025-03-03', week: '2025-W10', timeZone: 'Asia/Shanghai' });
 */
export async function buildWeeklyReport(
  db: Executor,
  input: { team: { id: string; name: string }; week: string; monday: string; timeZone: string },
): Promise<WeeklyReport> {
  const { team, monday, timeZone } = input;
  const scope = (first: string, groupBy: MetricsScope['groupBy']): MetricsScope => ({
    from: startOfDay(first, timeZone),
    to: startOfDay(addDays(first, 7), timeZone),
    timeZone,
    groupBy,
    teamId: team.id,
    teamIds: 'all',
  });
  const current = await computeMetrics(db, scope(monday, 'agent'));
  const previous = await computeMetrics(db, scope(addDays(monday, -7), 'team'));
  const week = scope(monday, 'team');
  const angry = await listAngryConversations(db, { from: week.from, to: week.to, teamId: team.id, bucket: 'day' });
  const tags = new Map<string, number>();
  const terms = new Map<string, number>();
  const risks = new Map<string, number>();
  for (const row of angry.rows) {
    for (const tag of new Set(strings(row.tags))) tags.set(tag, (tags.get(tag) ?? 0) + 1);
    for (const term of new Set(keyTerms(row.subject))) terms.set(term, (terms.get(term) ?? 0) + 1);
    for (const risk of new Set(strings(row.risk))) risks.set(risk, (risks.get(risk) ?? 0) + 1);
  }
  return {
    team,
    week: input.week,
    from: monday,
    to: addDays(monday, 6),
    timeZone,
    current: current.totals,
    previous: previous.totals,
    agents: current.rows,
    drivers: { conversations: angry.total, tags: rank(tags), terms: rank(terms), risks: rank(risks) },
  };
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML content and attribute values.
 * @example
 * escapeHtml('<b>"x"</b>'); // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

const fill = (template: string, values: Record<string, string | number>): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));

/** Seconds as the report shows them: seconds under two minutes, minutes under two hours, hours beyond. */
export function formatSeconds(seconds: number | null, lang: Lang): string {
  if (seconds === null) return '—';
  const abs = Math.abs(seconds);
  if (abs < 120) return `${Math.round(seconds)} ${labels.units.s[lang]}`;
  if (abs < 7200) return `${(seconds / 60).toFixed(1)} ${labels.units.min[lang]}`;
  return `${(seconds / 3600).toFixed(1)} ${labels.units.h[lang]}`;
}

type Kind = 'count' | 'rate' | 'seconds' | 'score' | 'csat';

/** The figures of the summary table, with how each is shown. */
const SUMMARY: readonly { column: keyof typeof labels.columns & keyof MetricRow; kind: Kind }[] = [
  { column: 'conversations', kind: 'count' },
  { column: 'resolved', kind: 'count' },
  { column: 'csatAverage', kind: 'csat' },
  { column: 'fcrRate', kind: 'rate' },
  { column: 'firstResponseMedianSeconds', kind: 'seconds' },
  { column: 'firstResponseP90Seconds', kind: 'seconds' },
  { column: 'handleMedianSeconds', kind: 'seconds' },
  { column: 'empathyAverage', kind: 'score' },
  { column: 'turnaroundRate', kind: 'rate' },
  { column: 'abusiveConversations', kind: 'count' },
];

/** A figure's name in the report (durations are shown with their own unit, so their names carry none). */
const figureName = (column: (typeof SUMMARY)[number]['column'], lang: Lang): string =>
  (column in labels.report.figures ? labels.report.figures[column as keyof typeof labels.report.figures] : labels.columns[column])[lang];

function format(value: number | string | null, kind: Kind, lang: Lang, row?: MetricRow): string {
  if (value === null || typeof value === 'string') return value ?? '—';
  switch (kind) {
    case 'count':
      return String(value);
    case 'rate':
      return `${(value * 100).toFixed(1)}%`;
    case 'seconds':
      return formatSeconds(value, lang);
    case 'score':
      return value.toFixed(1);
    case 'csat':
      return row ? `${value.toFixed(2)} (n=${row.csatResponses})` : value.toFixed(2);
  }
}

function change(now: number | string | null, before: number | string | null, kind: Kind, lang: Lang): string {
  if (typeof now !== 'number' || typeof before !== 'number') return '—';
  const delta = now - before;
  if (delta === 0) return '±0';
  const sign = delta > 0 ? '+' : '−';
  const abs = Math.abs(delta);
  switch (kind) {
    case 'count':
      return `${sign}${abs}`;
    case 'rate':
      return `${sign}${(abs * 100).toFixed(1)} pp`;
    case 'seconds':
      return `${sign}${formatSeconds(abs, lang)}`;
    case 'score':
      return `${sign}${abs.toFixed(1)}`;
    case 'csat':
      return `${sign}${abs.toFixed(2)}`;
  }
}

const STYLE = `body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:24px;color:#1f2329}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.muted{color:#646a73;font-size:13px}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #dee0e3;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}thead th{background:#f5f6f7}.up{color:#0e7c66}.down{color:#c0392b}
.drivers{display:flex;gap:32px;flex-wrap:wrap}h3{font-size:14px;margin:8px 0 4px}ol{margin:4px 0;padding-left:20px}`;

/**
 * The weekly report as one self-contained HTML page (inline style, no script, no external resource), every value
 * escaped; labels in Chinese or English.
 * @example
 * const html = renderWeeklyReport(report, 'zh', (id) => catalogueName(id), new Date());
 */
export function renderWeeklyReport(report: WeeklyReport, lang: Lang, riskName: (id: string) => string, generatedAt: Date): string {
  const l = labels.report;
  const e = escapeHtml;
  const title = fill(l.title[lang], { team: report.team.name, week: report.week });
  const summaryRows = SUMMARY.map(({ column, kind }) => {
    const now = report.current[column];
    const before = report.previous[column];
    const delta = change(now, before, kind, lang);
    const better = typeof now === 'number' && typeof before === 'number' && now !== before;
    const cls = better ? (now > before === !(kind === 'seconds' || column === 'abusiveConversations') ? 'up' : 'down') : '';
    return `<tr><th scope="row">${e(figureName(column, lang))}</th><td>${e(format(now, kind, lang, report.current))}</td><td>${e(
      format(before, kind, lang, report.previous),
    )}</td><td class="${cls}">${e(delta)}</td></tr>`;
  }).join('\n');
  const agentRows = report.agents
    .map(
      (a) =>
        `<tr><td>${e(a.key === null ? l.unassigned[lang] : a.name)}</td>${SUMMARY.map(
          ({ column, kind }) => `<td>${e(format(a[column], kind, lang, a))}</td>`,
        ).join('')}</tr>`,
    )
    .join('\n');
  const list = (items: ReportDriver[], name: (key: string) => string = (k) => k): string =>
    items.length === 0
      ? `<p class="muted">${e(l.none[lang])}</p>`
      : `<ol>${items.map((d) => `<li>${e(name(d.key))} <span class="muted">(${d.count})</span></li>`).join('')}</ol>`;
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${e(title)}</h1>
<p class="muted">${e(fill(l.period[lang], { from: report.from, to: report.to, timeZone: report.timeZone }))}</p>
<h2>${e(l.summary[lang])}</h2>
<table>
<thead><tr><th>${e(l.metric[lang])}</th><th>${e(l.thisWeek[lang])}</th><th>${e(l.previousWeek[lang])}</th><th>${e(l.change[lang])}</th></tr></thead>
<tbody>
${summaryRows}
</tbody>
</table>
<h2>${e(l.agents[lang])}</h2>
${
  report.agents.length === 0
    ? `<p class="muted">${e(l.noAgents[lang])}</p>`
    : `<table>
<thead><tr><th>${e(labels.columns.agent[lang])}</th>${SUMMARY.map(({ column }) => `<th>${e(figureName(column, lang))}</th>`).join('')}</tr></thead>
<tbody>
${agentRows}
</tbody>
</table>`
}
<h2>${e(l.drivers[lang])}</h2>
<p class="muted">${e(fill(l.driversNote[lang], { n: report.drivers.conversations }))}</p>
<div class="drivers">
<section><h3>${e(l.tags[lang])}</h3>${list(report.drivers.tags)}</section>
<section><h3>${e(l.terms[lang])}</h3>${list(report.drivers.terms)}</section>
<section><h3>${e(l.risks[lang])}</h3>${list(report.drivers.risks, riskName)}</section>
</div>
<p class="muted">${e(l.definitions[lang])}</p>
<p class="muted">${e(fill(l.generated[lang], { at: generatedAt.toISOString() }))}</p>
</body>
</html>
`;
}
