import type { Translate } from '../../i18n/i18n.js';
import type { Driver, Overview } from './api.js';
import type { ChartOption } from './chart-card.js';

const GREEN = '#0e7c66';
const BLUE = '#3b6fd4';
const ORANGE = '#e08a1e';
const RED = '#cf3b3b';
const TECHNIQUE_COLORS = {
  good: ['#0e7c66', '#3aa58a', '#6cc3a8', '#9ddcc6', '#1f5f8b', '#4a8fc0', '#86b6e0', '#5b8c2a', '#9cc46b'],
  harmful: ['#cf3b3b', '#e87461', '#f2a488'],
  neutral: ['#8c8c8c', '#b3b3b3'],
};
/** Most techniques drawn as their own series in the per-agent chart; the rest are summed as "other". */
export const MAX_TECHNIQUE_SERIES = 10;

const percent = (value: number | null): number | null => (value === null ? null : Math.round(value * 1000) / 10);
const minutes = (seconds: number | null): number | null => (seconds === null ? null : Math.round(seconds / 6) / 10);
const label = (bucket: string): string => bucket.slice(5);
const grid = { left: 48, right: 48, top: 40, bottom: 28, containLabel: true };

/** Human duration: seconds under a minute, minutes under two hours, then hours. */
export function formatDuration(seconds: number | null, t: Translate): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${Math.round(seconds)}${t('analytics.unit.s')}`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)}${t('analytics.unit.min')}`;
  return `${(seconds / 3600).toFixed(1)}${t('analytics.unit.h')}`;
}

export const formatPercent = (value: number | null): string => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);

/** Conversations per bucket. */
export function volumeOption(o: Overview, t: Translate): ChartOption {
  return {
    animation: false,
    grid,
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: o.series.map((s) => label(s.bucket)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: t('analytics.conversations'), data: o.series.map((s) => s.conversations), itemStyle: { color: BLUE } }],
  };
}

/** CSAT (the engine's estimate) and FCR per bucket, in percent. */
export function qualityOption(o: Overview, t: Translate): ChartOption {
  return {
    animation: false,
    grid,
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? `${v}%` : '—') },
    xAxis: { type: 'category', data: o.series.map((s) => label(s.bucket)) },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      {
        type: 'line',
        name: t('analytics.csatEstimate'),
        connectNulls: true,
        data: o.series.map((s) => percent(s.csat)),
        itemStyle: { color: GREEN },
      },
      {
        type: 'line',
        name: t('analytics.fcr'),
        connectNulls: true,
        data: o.series.map((s) => percent(s.fcr)),
        itemStyle: { color: ORANGE },
      },
    ],
  };
}

/** Median first response time (left axis) and median handle time (right axis), in minutes. */
export function timesOption(o: Overview, t: Translate): ChartOption {
  const unit = t('analytics.unit.min');
  return {
    animation: false,
    grid,
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? `${v}${unit}` : '—') },
    xAxis: { type: 'category', data: o.series.map((s) => label(s.bucket)) },
    // The legend names both axes (left: first response, right: handle time); axis titles would collide with it.
    yAxis: [
      { type: 'value', axisLabel: { color: BLUE } },
      { type: 'value', splitLine: { show: false }, axisLabel: { color: '#7d93c4' } },
    ],
    series: [
      {
        type: 'line',
        name: t('analytics.firstResponse'),
        connectNulls: true,
        data: o.series.map((s) => minutes(s.medianFirstResponseSeconds)),
        itemStyle: { color: BLUE },
      },
      {
        type: 'bar',
        name: t('analytics.handleTime'),
        yAxisIndex: 1,
        barMaxWidth: 18,
        data: o.series.map((s) => minutes(s.medianHandleSeconds)),
        itemStyle: { color: '#b7c9ee' },
      },
    ],
  };
}

/** Mean empathy score per bucket (−100..100). */
export function empathyOption(o: Overview, t: Translate): ChartOption {
  return {
    animation: false,
    grid,
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: o.series.map((s) => label(s.bucket)) },
    yAxis: { type: 'value', min: -100, max: 100 },
    series: [
      {
        type: 'line',
        name: t('analytics.empathy'),
        connectNulls: true,
        data: o.series.map((s) => s.empathy),
        itemStyle: { color: GREEN },
        areaStyle: { opacity: 0.12 },
        markLine: { silent: true, symbol: 'none', data: [{ yAxis: 0 }], lineStyle: { color: '#bfbfbf' }, label: { show: false } },
      },
    ],
  };
}

/** Empathy against the satisfaction estimate per conversation, with the server's least-squares line across the x range. */
export function scatterOption(o: Overview, t: Translate): ChartOption {
  const xs = o.scatter.points.map((p) => p.empathy);
  const lo = Math.min(-100, ...xs);
  const hi = Math.max(100, ...xs);
  const trend = o.scatter.trend;
  return {
    animation: false,
    grid: { ...grid, top: 48 },
    legend: { top: 0, right: 0 },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', name: t('analytics.empathy'), nameLocation: 'middle', nameGap: 26, min: lo, max: hi },
    yAxis: { type: 'value', name: t('analytics.satisfactionEstimate'), nameTextStyle: { align: 'left' }, scale: true },
    series: [
      {
        type: 'scatter',
        name: t('analytics.conversations'),
        symbolSize: 7,
        itemStyle: { color: BLUE, opacity: 0.55 },
        data: o.scatter.points.map((p) => [p.empathy, p.satisfaction]),
      },
      ...(trend
        ? [
            {
              type: 'line' as const,
              name: t('analytics.trend', { r: trend.r === null ? '—' : trend.r.toFixed(2) }),
              showSymbol: false,
              lineStyle: { color: RED, width: 2 },
              itemStyle: { color: RED },
              data: [
                [lo, trend.intercept + trend.slope * lo],
                [hi, trend.intercept + trend.slope * hi],
              ],
            },
          ]
        : []),
    ],
  };
}

/** Technique usage per agent: one stacked bar per agent, the most used techniques as series, the rest as "other". */
export function techniquesOption(o: Overview, t: Translate, language: 'zh-CN' | 'en'): ChartOption {
  const totals = new Map<string, number>();
  for (const agent of o.techniques.agents) for (const [id, n] of Object.entries(agent.counts)) totals.set(id, (totals.get(id) ?? 0) + n);
  const top = o.techniques.catalogue
    .filter((c) => totals.has(c.id))
    .sort((a, b) => (totals.get(b.id) ?? 0) - (totals.get(a.id) ?? 0))
    .slice(0, MAX_TECHNIQUE_SERIES);
  const shown = new Set(top.map((c) => c.id));
  const agents = [...o.techniques.agents].reverse();
  const used = { good: 0, harmful: 0, neutral: 0 };
  const series: ChartOption['series'] = top.map((c) => {
    const palette = TECHNIQUE_COLORS[c.polarity];
    const color = palette[used[c.polarity]++ % palette.length];
    return {
      type: 'bar',
      stack: 'all',
      name: language === 'en' ? c.name.en : c.name.zh,
      itemStyle: { color },
      data: agents.map((a) => a.counts[c.id] ?? 0),
    };
  });
  const other = agents.map((a) => Object.entries(a.counts).reduce((sum, [id, n]) => (shown.has(id) ? sum : sum + n), 0));
  if (other.some((n) => n > 0))
    series.push({ type: 'bar', stack: 'all', name: t('analytics.otherTechniques'), itemStyle: { color: '#d9d9d9' }, data: other });
  return {
    animation: false,
    grid: { left: 8, right: 24, top: 64, bottom: 8, containLabel: true },
    legend: { type: 'scroll', top: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: agents.map((a) => a.name), axisLabel: { width: 90, overflow: 'truncate' } },
    series,
  };
}

/** How far customers calmed down: conversations per turnaround bin (end sentiment minus the most negative point). */
export function turnaroundOption(o: Overview, t: Translate): ChartOption {
  return {
    animation: false,
    grid,
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      name: t('analytics.turnaroundAxis'),
      nameLocation: 'middle',
      nameGap: 26,
      data: o.turnaround.map((b) => `${b.from.toFixed(1)}–${b.to.toFixed(1)}`),
      axisLabel: { fontSize: 10 },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        name: t('analytics.conversations'),
        barCategoryGap: '8%',
        data: o.turnaround.map((b) => b.count),
        itemStyle: { color: GREEN },
      },
    ],
  };
}

/** The name of a driver as shown: a risk signal's catalogue name, or the tag / term itself. */
export function driverName(driver: Driver, language: 'zh-CN' | 'en'): string {
  if (driver.name) return language === 'en' ? driver.name.en : driver.name.zh;
  return driver.key;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Top anger drivers of one kind, largest on top (tags and subject terms are customer text: the tooltip escapes them). */
export function driversOption(drivers: readonly Driver[], t: Translate, language: 'zh-CN' | 'en'): ChartOption {
  const rows = [...drivers].reverse();
  return {
    animation: false,
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        const item = Array.isArray(params) ? params[0] : params;
        const driver = rows[item?.dataIndex ?? 0];
        return driver ? escapeHtml(`${driverName(driver, language)}: ${driver.count}`) : '';
      },
    },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((d) => driverName(d, language)), axisLabel: { width: 120, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        name: t('analytics.conversations'),
        data: rows.map((d) => d.count),
        itemStyle: { color: RED },
        label: { show: true, position: 'right' },
      },
    ],
  };
}
