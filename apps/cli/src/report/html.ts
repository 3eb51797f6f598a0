/**
 * Renders a `ReportData` as one self-contained HTML file: inline CSS, charts as inline SVG rendered
 * server-side by ECharts, no script and no network. Every string that comes from the data is escaped;
 * the CSP meta tag is a second line of defence, not the first.
 */
import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';
import { EMOTIONS, SIGNALS } from '@tongli/engine';
import type { Emotion, ScorePoint, SignalId } from '@tongli/engine';
import type { AgentRow, ConversationDigest, DigestTurn, Highlight, ReportData } from './types.js';

type Lang = ReportData['lang'];
type SatisfactionLabel = keyof ReportData['satisfaction'];
type HighlightPolarity = Highlight['polarity'];

interface Labels {
  locale: string;
  /** Separator between a label and its value ('：' in Chinese). */
  colon: string;
  source: string;
  generatedAt: string;
  conversations: string;
  messages: string;
  messagesDetail: string;
  skipped: string;
  meanScore: string;
  overview: string;
  emotionChart: string;
  scoreChart: string;
  sentimentChart: string;
  techniqueChart: string;
  satisfactionChart: string;
  criteriaChart: string;
  count: string;
  start: string;
  end: string;
  noData: string;
  agents: string;
  agent: string;
  meanEmpathy: string;
  goodTechniques: string;
  harmfulTechniques: string;
  abuseExposure: string;
  turnaroundRate: string;
  signals: string;
  otherSignals: string;
  selfHarmAlert: (n: string) => string;
  worst: string;
  worstHint: string;
  noWorst: string;
  qaTotal: string;
  empathy: string;
  satisfaction: string;
  turnaround: string;
  transcript: string;
  scorecard: string;
  criterion: string;
  points: string;
  reason: string;
  applicable: string;
  notApplicable: string;
  yes: string;
  intensity: string;
  legend: string;
  roles: Record<DigestTurn['role'], string>;
  emotions: Record<Emotion, string>;
  signalNames: Record<SignalId, string>;
  satisfactionNames: Record<SatisfactionLabel, string>;
  polarity: Record<HighlightPolarity, string>;
}

const LABELS: Record<Lang, Labels> = {
  zh: {
    locale: 'zh-CN',
    colon: '：',
    source: '数据来源',
    generatedAt: '生成时间',
    conversations: '会话数',
    messages: '消息数',
    messagesDetail: '客户 {c} · 客服 {a}',
    skipped: '跳过行数',
    meanScore: '平均质检得分',
    overview: '总体概览',
    emotionChart: '客户情绪分布',
    scoreChart: '质检得分分布',
    sentimentChart: '客户情绪走势（会话开始 → 结束）',
    techniqueChart: '话术使用次数（前 15 项）',
    satisfactionChart: '满意度估计',
    criteriaChart: '各评分项平均得分率（%）',
    count: '次数',
    start: '开始',
    end: '结束',
    noData: '暂无数据',
    agents: '坐席表现',
    agent: '坐席',
    meanEmpathy: '平均共情分',
    goodTechniques: '良好话术',
    harmfulTechniques: '不当话术',
    abuseExposure: '遭受辱骂/威胁',
    turnaroundRate: '情绪扭转率',
    signals: '风险信号',
    otherSignals: '其他信号',
    selfHarmAlert: (n) => `发现 ${n} 条客户消息含自伤或轻生倾向，请立即复核并按应急预案跟进。`,
    worst: '重点复盘会话',
    worstHint: '质检得分最低的会话。标记颜色：',
    noWorst: '本批次没有需要复盘的会话。',
    qaTotal: '质检总分',
    empathy: '共情分',
    satisfaction: '满意度',
    turnaround: '情绪变化',
    transcript: '对话记录',
    scorecard: '评分明细',
    criterion: '评分项',
    points: '得分',
    reason: '说明',
    applicable: '是否适用',
    notApplicable: '不适用',
    yes: '适用',
    intensity: '强度',
    legend: '图例',
    roles: { customer: '客户', agent: '客服' },
    emotions: {
      anger: '愤怒',
      frustration: '烦躁',
      anxiety: '焦虑',
      sadness: '难过',
      confusion: '困惑',
      satisfaction: '满意',
      neutral: '平静',
    },
    signalNames: {
      abuse: '辱骂',
      threat: '威胁',
      escalation_threat: '扬言投诉升级',
      self_harm: '自伤/轻生倾向',
      repeat_yourself: '被迫重复陈述',
      repeat_contact: '重复来电',
      sarcasm: '反讽',
      manager_request: '要求找主管',
      churn_risk: '流失风险',
    },
    satisfactionNames: { dissatisfied: '不满意', neutral: '一般', satisfied: '满意' },
    polarity: { good: '良好话术', harmful: '不当话术', neutral: '中性', signal: '风险信号' },
  },
  en: {
    locale: 'en',
    colon: ': ',
    source: 'Source',
    generatedAt: 'Generated',
    conversations: 'Conversations',
    messages: 'Messages',
    messagesDetail: 'customer {c} · agent {a}',
    skipped: 'Skipped rows',
    meanScore: 'Mean QA score',
    overview: 'Overview',
    emotionChart: 'Customer emotions',
    scoreChart: 'QA score distribution',
    sentimentChart: 'Customer sentiment through the conversation (start → end)',
    techniqueChart: 'Techniques used (top 15)',
    satisfactionChart: 'Estimated satisfaction',
    criteriaChart: 'Mean score by criterion (%)',
    count: 'Count',
    start: 'start',
    end: 'end',
    noData: 'No data',
    agents: 'Agents',
    agent: 'Agent',
    meanEmpathy: 'Mean empathy',
    goodTechniques: 'Good techniques',
    harmfulTechniques: 'Harmful phrasing',
    abuseExposure: 'Abuse received',
    turnaroundRate: 'Turnaround rate',
    signals: 'Risk signals',
    otherSignals: 'Other signals',
    selfHarmAlert: (n) => `${n} customer message(s) suggest self-harm. Review them now and follow the escalation procedure.`,
    worst: 'Conversations to review',
    worstHint: 'The lowest-scoring conversations. Highlight colours:',
    noWorst: 'No conversations to review in this batch.',
    qaTotal: 'QA total',
    empathy: 'Empathy',
    satisfaction: 'Satisfaction',
    turnaround: 'Turnaround',
    transcript: 'Transcript',
    scorecard: 'Scorecard',
    criterion: 'Criterion',
    points: 'Points',
    reason: 'Reason',
    applicable: 'Applicable',
    notApplicable: 'not applicable',
    yes: 'yes',
    intensity: 'intensity',
    legend: 'Legend',
    roles: { customer: 'Customer', agent: 'Agent' },
    emotions: {
      anger: 'Anger',
      frustration: 'Frustration',
      anxiety: 'Anxiety',
      sadness: 'Sadness',
      confusion: 'Confusion',
      satisfaction: 'Satisfaction',
      neutral: 'Neutral',
    },
    signalNames: {
      abuse: 'Abuse',
      threat: 'Threats',
      escalation_threat: 'Escalation threats',
      self_harm: 'Self-harm',
      repeat_yourself: 'Had to repeat',
      repeat_contact: 'Repeat contact',
      sarcasm: 'Sarcasm',
      manager_request: 'Asked for a manager',
      churn_risk: 'Churn risk',
    },
    satisfactionNames: { dissatisfied: 'Dissatisfied', neutral: 'Neutral', satisfied: 'Satisfied' },
    polarity: { good: 'good technique', harmful: 'harmful phrasing', neutral: 'neutral', signal: 'risk signal' },
  },
};

const COLOURS = {
  good: '#4f9a6b',
  harmful: '#c8553d',
  neutral: '#9aa3ad',
  signal: '#d39a2c',
  accent: '#4e79a7',
  text: '#2f3640',
  muted: '#6b7480',
  grid: '#e3e6ea',
};

const EMOTION_COLOURS: Record<Emotion, string> = {
  anger: '#c8553d',
  frustration: '#e08e45',
  anxiety: '#d9b44a',
  sadness: '#6c8ebf',
  confusion: '#9b87c1',
  satisfaction: '#4f9a6b',
  neutral: '#9aa3ad',
};

const SATISFACTION_COLOURS: Record<SatisfactionLabel, string> = {
  dissatisfied: COLOURS.harmful,
  neutral: COLOURS.neutral,
  satisfied: COLOURS.good,
};

/** Signals shown as headline cards; the rest are listed compactly. */
const HEADLINE_SIGNALS: readonly SignalId[] = ['self_harm', 'abuse', 'threat', 'escalation_threat'];

/** Which highlight wins where spans overlap: harmful over signal over good over neutral. */
const POLARITY_RANK: Record<HighlightPolarity, number> = { harmful: 0, signal: 1, good: 2, neutral: 3 };

const FONT = 'system-ui, -apple-system, Segoe UI, PingFang SC, Hiragino Sans GB, Microsoft YaHei, Noto Sans CJK SC, sans-serif';

const CHART_WIDTH = 560;
const CHART_HEIGHT = 300;
const TOP_TECHNIQUES = 15;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * escapeHtml('<b title="x">') // '&lt;b title=&quot;x&quot;&gt;'
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A run of text with the highlight that wins over it, if any. */
export interface TextSegment {
  text: string;
  highlight?: { polarity: HighlightPolarity; titles: string[] };
}

/**
 * Splits `text` at every highlight boundary so overlapping or nested spans become flat, non-overlapping
 * segments. Offsets are UTF-16 code units; they are clamped to the text, moved off the middle of a
 * surrogate pair, and inverted or empty spans are ignored. Where spans overlap the strongest polarity
 * wins (harmful, signal, good, neutral; then the earlier span); every covering title is kept.
 * Concatenating the segments' text always gives back `text`.
 *
 * @example
 * segmentHighlights('abcdef', [{ start: 1, end: 4, id: 'x', polarity: 'good', title: 'X' }])
 * // [{ text: 'a' }, { text: 'bcd', highlight: { polarity: 'good', titles: ['X'] } }, { text: 'ef' }]
 */
export function segmentHighlights(text: string, highlights: readonly Highlight[]): TextSegment[] {
  const spans = normaliseSpans(text, highlights);
  const cuts = new Set<number>([0, text.length]);
  for (const s of spans) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const segments: TextSegment[] = [];
  let lastKey = '';
  for (let i = 0; i + 1 < bounds.length; i += 1) {
    const from = bounds[i] ?? 0;
    const to = bounds[i + 1] ?? from;
    if (to <= from) continue;
    const covering = spans.filter((s) => s.start <= from && s.end >= to);
    const best = covering[0];
    const highlight = best && {
      polarity: best.polarity,
      titles: [...new Set(covering.map((s) => s.title))].filter((t) => t !== ''),
    };
    const key = highlight ? `${highlight.polarity}\u0000${highlight.titles.join('\u0000')}` : '';
    const previous = segments[segments.length - 1];
    if (previous && key === lastKey) {
      previous.text += text.slice(from, to);
    } else {
      segments.push(highlight ? { text: text.slice(from, to), highlight } : { text: text.slice(from, to) });
    }
    lastKey = key;
  }
  return segments;
}

interface CleanSpan {
  start: number;
  end: number;
  polarity: HighlightPolarity;
  title: string;
  order: number;
}

/** Clamps, validates and orders spans strongest first. */
function normaliseSpans(text: string, highlights: readonly Highlight[]): CleanSpan[] {
  const spans: CleanSpan[] = [];
  highlights.forEach((h, order) => {
    if (typeof h.start !== 'number' || typeof h.end !== 'number' || Number.isNaN(h.start) || Number.isNaN(h.end)) return;
    const start = snapBack(text, clamp(Math.floor(h.start), 0, text.length));
    const end = snapForward(text, clamp(Math.ceil(h.end), 0, text.length));
    if (end <= start) return;
    const polarity = Object.hasOwn(POLARITY_RANK, h.polarity) ? h.polarity : 'neutral';
    spans.push({ start, end, polarity, title: typeof h.title === 'string' ? h.title : '', order });
  });
  return spans.sort((a, b) => POLARITY_RANK[a.polarity] - POLARITY_RANK[b.polarity] || a.order - b.order);
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

function splitsPair(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return false;
  const before = text.charCodeAt(i - 1);
  const after = text.charCodeAt(i);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

function snapBack(text: string, i: number): number {
  return splitsPair(text, i) ? i - 1 : i;
}

function snapForward(text: string, i: number): number {
  return splitsPair(text, i) ? i + 1 : i;
}

/**
 * Renders the batch report as one self-contained, offline HTML document (inline CSS and SVG, no script).
 *
 * @example
 * import { writeFile } from 'node:fs/promises';
 * await writeFile('report.html', renderHtmlReport(data), 'utf8');
 */
export function renderHtmlReport(data: ReportData): string {
  const t = LABELS[data.lang] ?? LABELS.zh;
  const fmt = createFormatters(t.locale);
  const selfHarm = safeCount(data.signals.self_harm);
  const body = [
    renderHeader(data, t, fmt),
    selfHarm > 0 ? `<div class="alert" role="alert">${escapeHtml(t.selfHarmAlert(fmt.int(selfHarm)))}</div>` : '',
    renderCharts(data, t, fmt),
    renderAgents(data.agents, t, fmt),
    renderSignals(data.signals, t, fmt),
    renderWorst(data.worst, t, fmt),
  ].join('\n');
  return `<!doctype html>
<html lang="${t.locale}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

interface Formatters {
  int: (n: unknown) => string;
  dec: (n: unknown, digits?: number) => string;
  pct: (share: unknown) => string;
}

function createFormatters(locale: string): Formatters {
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const dec = [0, 1, 2].map((d) => new Intl.NumberFormat(locale, { minimumFractionDigits: d, maximumFractionDigits: d }));
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  return {
    int: (n) => (finite(n) ? int.format(n) : '—'),
    dec: (n, digits = 1) => (finite(n) ? (dec[digits] ?? dec[1] ?? int).format(n) : '—'),
    pct: (n) => (finite(n) ? pct.format(n) : '—'),
  };
}

function safeCount(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

function renderHeader(data: ReportData, t: Labels, fmt: Formatters): string {
  const detail = t.messagesDetail.replace('{c}', fmt.int(data.totals.customerMessages)).replace('{a}', fmt.int(data.totals.agentMessages));
  const kpis: [string, string, string][] = [
    [t.conversations, fmt.int(data.totals.conversations), ''],
    [t.messages, fmt.int(data.totals.messages), detail],
    [t.skipped, fmt.int(data.totals.skipped), ''],
    [t.meanScore, data.totals.conversations > 0 ? fmt.dec(data.meanScore) : '—', ''],
  ];
  return `<header>
<h1>${escapeHtml(data.title)}</h1>
<p class="meta"><span>${escapeHtml(t.source + t.colon)}<code>${escapeHtml(data.source)}</code></span><span>${escapeHtml(t.generatedAt + t.colon)}${escapeHtml(data.generatedAt)}</span></p>
<div class="kpis">${kpis
    .map(
      ([label, value, sub]) =>
        `<div class="kpi"><div class="kpi-label">${escapeHtml(label)}</div><div class="kpi-value">${escapeHtml(value)}</div>${
          sub ? `<div class="kpi-sub">${escapeHtml(sub)}</div>` : ''
        }</div>`,
    )
    .join('')}</div>
</header>`;
}

function renderCharts(data: ReportData, t: Labels, fmt: Formatters): string {
  const charts = [
    chartCard(t, t.emotionChart, emotionOption(data, t)),
    chartCard(t, t.satisfactionChart, satisfactionOption(data, t)),
    chartCard(t, t.scoreChart, scoreOption(data)),
    chartCard(t, t.sentimentChart, sentimentOption(data, t)),
    chartCard(t, t.techniqueChart, techniqueOption(data, t), techniqueHeight(data)),
    chartCard(t, t.criteriaChart, criteriaOption(data, fmt), Math.max(CHART_HEIGHT, 40 + 34 * data.criteria.length)),
  ];
  return `<section><h2>${escapeHtml(t.overview)}</h2><div class="charts">${charts.join('')}</div></section>`;
}

/** A chart in a card; `null` (nothing to plot) shows a "no data" note instead of empty axes. */
function chartCard(t: Labels, title: string, option: EChartsOption | null, height = CHART_HEIGHT): string {
  const body = option ? renderChart(option, CHART_WIDTH, height) : `<div class="no-data">${escapeHtml(t.noData)}</div>`;
  return `<figure class="card chart" aria-label="${escapeHtml(title)}"><figcaption>${escapeHtml(title)}</figcaption>${body}</figure>`;
}

/** Markup ECharts never produces for these charts; if it ever did, the chart is dropped, not embedded. */
const UNSAFE_SVG = /<\s*\/?\s*(?:script|foreignobject|iframe|object|embed|image|use|a)\b/i;

function renderChart(option: EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: 'transparent',
      textStyle: { fontFamily: FONT, color: COLOURS.text },
      ...option,
    });
    const svg = chart.renderToSVGString();
    return UNSAFE_SVG.test(svg) ? '' : svg;
  } finally {
    chart.dispose();
  }
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);

const valueAxis = { type: 'value' as const, splitLine: { lineStyle: { color: COLOURS.grid } }, axisLabel: { color: COLOURS.muted } };
const categoryAxisStyle = {
  axisLine: { lineStyle: { color: COLOURS.grid } },
  axisTick: { show: false },
  axisLabel: { color: COLOURS.text },
};

function emotionOption(data: ReportData, t: Labels): EChartsOption | null {
  const values = EMOTIONS.map((e) => safeCount(data.emotions[e]));
  if (sum(values) === 0) return null;
  return {
    grid: { left: 16, right: 16, top: 24, bottom: 8 },
    xAxis: {
      type: 'category',
      data: EMOTIONS.map((e) => t.emotions[e]),
      ...categoryAxisStyle,
      axisLabel: { interval: 0, color: COLOURS.text },
    },
    yAxis: { ...valueAxis, minInterval: 1 },
    series: [
      {
        type: 'bar',
        barMaxWidth: 36,
        label: { show: true, position: 'top', color: COLOURS.muted },
        data: EMOTIONS.map((e, i) => ({ value: values[i] ?? 0, itemStyle: { color: EMOTION_COLOURS[e], borderRadius: [3, 3, 0, 0] } })),
      },
    ],
  };
}

function scoreColour(mid: number): string {
  if (mid < 60) return COLOURS.harmful;
  if (mid < 80) return '#d9b44a';
  return COLOURS.good;
}

function scoreOption(data: ReportData): EChartsOption | null {
  const buckets = data.scoreHistogram.map(safeCount);
  if (sum(buckets) === 0) return null;
  const n = Math.max(1, buckets.length);
  const bounds = buckets.map((_, i) => [Math.round((i * 100) / n), Math.round(((i + 1) * 100) / n)] as const);
  return {
    grid: { left: 16, right: 16, top: 24, bottom: 8 },
    xAxis: {
      type: 'category',
      data: bounds.map(([lo, hi]) => `${lo}–${hi}`),
      ...categoryAxisStyle,
      axisLabel: { interval: 0, color: COLOURS.text, fontSize: 11 },
    },
    yAxis: { ...valueAxis, minInterval: 1 },
    series: [
      {
        type: 'bar',
        barCategoryGap: '12%',
        label: { show: true, position: 'top', color: COLOURS.muted, formatter: (p) => (Number(p.value) > 0 ? String(p.value) : '') },
        data: buckets.map((v, i) => {
          const [lo, hi] = bounds[i] ?? [0, 0];
          return { value: v, itemStyle: { color: scoreColour((lo + hi) / 2), borderRadius: [3, 3, 0, 0] } };
        }),
      },
    ],
  };
}

function sentimentOption(data: ReportData, t: Labels): EChartsOption | null {
  const values = data.sentimentByPosition.map((v) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null));
  const n = values.length;
  if (data.totals.conversations === 0 || values.every((v) => v === null)) return null;
  const outOfRange = values.some((v) => v !== null && Math.abs(v) > 1);
  return {
    grid: { left: 16, right: 24, top: 24, bottom: 8 },
    xAxis: {
      type: 'category',
      boundaryGap: false,
      data: values.map((_, i) => (i === 0 ? t.start : i === n - 1 ? t.end : `${Math.round(((i + 0.5) * 100) / n)}%`)),
      ...categoryAxisStyle,
      axisLabel: { interval: 0, color: COLOURS.text, fontSize: 11 },
    },
    yAxis: { ...valueAxis, ...(outOfRange ? {} : { min: -1, max: 1, interval: 0.5 }) },
    series: [
      {
        type: 'line',
        data: values,
        connectNulls: true,
        symbolSize: 6,
        lineStyle: { color: COLOURS.accent, width: 2.5 },
        itemStyle: { color: COLOURS.accent },
        areaStyle: { color: 'rgba(78, 121, 167, 0.12)', origin: 0 },
        markLine: {
          silent: true,
          symbol: 'none',
          label: { show: false },
          lineStyle: { color: COLOURS.neutral, type: 'dashed' },
          data: [{ yAxis: 0 }],
        },
      },
    ],
  };
}

function topTechniques(data: ReportData): ReportData['techniques'] {
  return data.techniques
    .filter((x) => safeCount(x.count) > 0)
    .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id))
    .slice(0, TOP_TECHNIQUES);
}

function techniqueHeight(data: ReportData): number {
  return Math.max(CHART_HEIGHT, 70 + 24 * topTechniques(data).length);
}

function techniqueOption(data: ReportData, t: Labels): EChartsOption | null {
  const top = topTechniques(data).reverse();
  if (top.length === 0) return null;
  const polarities = ['good', 'harmful', 'neutral'] as const;
  const present = polarities.filter((p) => top.some((x) => x.polarity === p));
  return {
    grid: { left: 180, right: 40, top: 36, bottom: 24, outerBoundsMode: 'none' },
    legend: { top: 0, itemGap: 32, data: present.map((p) => t.polarity[p]), textStyle: { color: COLOURS.text } },
    xAxis: { ...valueAxis, minInterval: 1 },
    yAxis: {
      type: 'category',
      data: top.map((x) => x.name || x.id),
      ...categoryAxisStyle,
      axisLabel: { interval: 0, color: COLOURS.text, width: 200, overflow: 'truncate' },
    },
    series: present.map((p) => ({
      type: 'bar' as const,
      name: t.polarity[p],
      stack: 'count',
      barMaxWidth: 18,
      itemStyle: { color: COLOURS[p], borderRadius: [0, 3, 3, 0] },
      label: {
        show: true,
        position: 'right' as const,
        color: COLOURS.muted,
        formatter: (v: { value: unknown }) => (Number(v.value) > 0 ? String(v.value) : ''),
      },
      data: top.map((x) => (x.polarity === p ? x.count : 0)),
    })),
  };
}

function satisfactionOption(data: ReportData, t: Labels): EChartsOption | null {
  const keys: SatisfactionLabel[] = ['dissatisfied', 'neutral', 'satisfied'];
  const values = keys.map((k) => safeCount(data.satisfaction[k]));
  if (sum(values) === 0) return null;
  return {
    legend: { bottom: 0, textStyle: { color: COLOURS.text } },
    series: [
      {
        type: 'pie',
        radius: ['42%', '68%'],
        center: ['50%', '46%'],
        stillShowZeroSum: false,
        percentPrecision: 1,
        label: { formatter: '{b}\n{c} ({d}%)', color: COLOURS.text },
        itemStyle: { borderColor: '#fff', borderWidth: 2 },
        data: keys.map((k, i) => ({ name: t.satisfactionNames[k], value: values[i] ?? 0, itemStyle: { color: SATISFACTION_COLOURS[k] } })),
      },
    ],
  };
}

/** Criterion means are 0..1 shares of the weight earned (as `ScorePoint.score`), shown as percentages. */
function criteriaOption(data: ReportData, fmt: Formatters): EChartsOption | null {
  const rows = [...data.criteria].reverse();
  if (rows.length === 0) return null;
  return {
    grid: { left: 180, right: 48, top: 16, bottom: 24, outerBoundsMode: 'none' },
    xAxis: { ...valueAxis, min: 0, max: 100 },
    yAxis: {
      type: 'category',
      data: rows.map((c) => `${c.name || c.id} ×${fmt.dec(c.weight, 0)}`),
      ...categoryAxisStyle,
      axisLabel: { interval: 0, color: COLOURS.text, width: 200, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 18,
        label: { show: true, position: 'right', color: COLOURS.muted, formatter: '{c}%' },
        data: rows.map((c) => {
          const v = typeof c.mean === 'number' && Number.isFinite(c.mean) ? Math.round(c.mean * 1000) / 10 : 0;
          return { value: v, itemStyle: { color: scoreColour(v), borderRadius: [0, 3, 3, 0] } };
        }),
      },
    ],
  };
}

function scoreClass(score: number): string {
  if (!Number.isFinite(score)) return '';
  if (score < 60) return 'low';
  if (score < 80) return 'mid';
  return 'high';
}

function renderAgents(agents: readonly AgentRow[], t: Labels, fmt: Formatters): string {
  const head = [
    t.agent,
    t.conversations,
    t.meanScore,
    t.meanEmpathy,
    t.goodTechniques,
    t.harmfulTechniques,
    t.abuseExposure,
    t.turnaroundRate,
  ];
  const rows = agents.map(
    (a) =>
      `<tr><th scope="row">${escapeHtml(a.agent)}</th><td>${fmt.int(a.conversations)}</td><td class="score ${scoreClass(a.meanScore)}">${fmt.dec(
        a.meanScore,
      )}</td><td>${fmt.dec(a.meanEmpathy)}</td><td class="good">${fmt.int(a.good)}</td><td class="harmful">${fmt.int(a.harmful)}</td><td>${fmt.int(
        a.abuseExposure,
      )}</td><td>${fmt.pct(a.turnaroundRate)}</td></tr>`,
  );
  const bodyRows = rows.length > 0 ? rows.join('\n') : `<tr><td colspan="${head.length}" class="empty">${escapeHtml(t.noData)}</td></tr>`;
  return `<section><h2>${escapeHtml(t.agents)}</h2><div class="card table-wrap"><table class="agents">
<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${bodyRows}
</tbody></table></div></section>`;
}

function renderSignals(signals: ReportData['signals'], t: Labels, fmt: Formatters): string {
  const cards = HEADLINE_SIGNALS.map((id) => {
    const n = safeCount(signals[id]);
    const cls = id === 'self_harm' ? (n > 0 ? 'signal critical' : 'signal self-harm') : n > 0 ? 'signal active' : 'signal';
    return `<div class="${cls}"><div class="signal-value">${fmt.int(n)}</div><div class="signal-label">${escapeHtml(t.signalNames[id])}</div></div>`;
  });
  const others = SIGNALS.filter((id) => !HEADLINE_SIGNALS.includes(id))
    .map((id) => `<li><span>${escapeHtml(t.signalNames[id])}</span><b>${fmt.int(safeCount(signals[id]))}</b></li>`)
    .join('');
  return `<section><h2>${escapeHtml(t.signals)}</h2><div class="signals">${cards.join('')}</div>
<div class="other-signals"><span class="muted">${escapeHtml(t.otherSignals)}</span><ul>${others}</ul></div></section>`;
}

function renderWorst(worst: readonly ConversationDigest[], t: Labels, fmt: Formatters): string {
  const legend = (['harmful', 'signal', 'good', 'neutral'] as const)
    .map((p) => `<mark class="hl hl-${p}">${escapeHtml(t.polarity[p])}</mark>`)
    .join(' ');
  const cards =
    worst.length > 0 ? worst.map((c) => renderDigest(c, t, fmt)).join('\n') : `<p class="card empty">${escapeHtml(t.noWorst)}</p>`;
  return `<section><h2>${escapeHtml(t.worst)}</h2><p class="muted">${escapeHtml(t.worstHint)} ${legend}</p>
${cards}
</section>`;
}

function renderDigest(c: ConversationDigest, t: Labels, fmt: Formatters): string {
  const satisfaction = Object.hasOwn(t.satisfactionNames, c.satisfaction)
    ? t.satisfactionNames[c.satisfaction as SatisfactionLabel]
    : c.satisfaction;
  const satisfactionClass = c.satisfaction === 'dissatisfied' ? 'harmful' : c.satisfaction === 'satisfied' ? 'good' : '';
  const facts: [string, string, string][] = [
    [t.agent, escapeHtml(c.agent), ''],
    [t.qaTotal, fmt.dec(c.total, 0), `score ${scoreClass(c.total)}`],
    [t.empathy, fmt.dec(c.empathyScore, 0), ''],
    [t.satisfaction, escapeHtml(satisfaction), satisfactionClass],
    [t.turnaround, fmt.dec(c.turnaround, 2), ''],
  ];
  return `<article class="card conversation">
<h3><code>${escapeHtml(c.id)}</code></h3>
<dl class="facts">${facts.map(([k, v, cls]) => `<div><dt>${escapeHtml(k)}</dt><dd${cls ? ` class="${cls}"` : ''}>${v}</dd></div>`).join('')}</dl>
<h4>${escapeHtml(t.transcript)}</h4>
<ol class="transcript">
${c.turns.map((turn) => renderTurn(turn, t, fmt)).join('\n')}
</ol>
${renderPoints(c.points, t, fmt)}
</article>`;
}

function renderTurn(turn: DigestTurn, t: Labels, fmt: Formatters): string {
  const role = turn.role === 'agent' ? 'agent' : 'customer';
  const emotion = turn.emotion && (EMOTIONS as readonly string[]).includes(turn.emotion) ? turn.emotion : undefined;
  const intensity = typeof turn.intensity === 'number' && Number.isFinite(turn.intensity) ? turn.intensity : undefined;
  const badge =
    role === 'customer' && emotion
      ? `<span class="badge emo-${emotion}"${intensity === undefined ? '' : ` title="${escapeHtml(`${t.intensity} ${fmt.dec(intensity, 2)}`)}"`}>${escapeHtml(
          t.emotions[emotion],
        )}${intensity === undefined ? '' : ` <small>${fmt.dec(intensity, 2)}</small>`}</span>`
      : '';
  const text = typeof turn.text === 'string' ? turn.text : '';
  const html = segmentHighlights(text, Array.isArray(turn.highlights) ? turn.highlights : [])
    .map((s) =>
      s.highlight
        ? `<mark class="hl hl-${s.highlight.polarity}" title="${escapeHtml(s.highlight.titles.join(' · '))}">${escapeHtml(s.text)}</mark>`
        : escapeHtml(s.text),
    )
    .join('');
  return `<li class="turn ${role}"><div class="who"><span class="role">${escapeHtml(t.roles[role])}</span>${badge}</div><p class="turn-text">${html}</p></li>`;
}

function renderPoints(points: readonly ScorePoint[], t: Labels, fmt: Formatters): string {
  if (points.length === 0) return '';
  const rows = points.map((p) => {
    const earned = p.score * p.weight;
    return `<tr class="${p.applicable ? '' : 'na'}"><th scope="row">${escapeHtml(p.name || p.criterion)}</th><td class="num">${
      p.applicable ? `${fmt.dec(earned, Number.isInteger(earned) ? 0 : 1)} / ${fmt.dec(p.weight, Number.isInteger(p.weight) ? 0 : 1)}` : '—'
    }</td><td>${escapeHtml(p.reason)}</td><td>${escapeHtml(p.applicable ? t.yes : t.notApplicable)}</td></tr>`;
  });
  return `<h4>${escapeHtml(t.scorecard)}</h4><div class="table-wrap"><table class="points">
<thead><tr><th scope="col">${escapeHtml(t.criterion)}</th><th scope="col">${escapeHtml(t.points)}</th><th scope="col">${escapeHtml(
    t.reason,
  )}</th><th scope="col">${escapeHtml(t.applicable)}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`;
}

const CSS = `
:root { --text: ${COLOURS.text}; --muted: ${COLOURS.muted}; --line: ${COLOURS.grid}; --bg: #f5f6f8; --card: #fff;
  --good: ${COLOURS.good}; --harmful: ${COLOURS.harmful}; --signal: ${COLOURS.signal}; --neutral: ${COLOURS.neutral}; --accent: ${COLOURS.accent}; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.6 ${FONT}; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 12px; padding-left: 10px; border-left: 4px solid var(--accent); }
h3 { font-size: 15px; margin: 0 0 8px; }
h4 { font-size: 13px; margin: 16px 0 6px; color: var(--muted); font-weight: 600; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; overflow-wrap: anywhere; }
.meta { color: var(--muted); margin: 0 0 16px; display: flex; flex-wrap: wrap; gap: 4px 24px; }
.muted { color: var(--muted); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.kpi-label { color: var(--muted); font-size: 13px; }
.kpi-value { font-size: 28px; font-weight: 600; line-height: 1.3; }
.kpi-sub { color: var(--muted); font-size: 12px; }
.alert { margin: 20px 0 0; padding: 12px 16px; border-radius: 8px; background: #fbe9e5; border: 2px solid var(--harmful); color: #8c2f1e; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 16px; }
.chart { margin: 0; }
.chart figcaption { font-weight: 600; margin-bottom: 8px; }
.chart svg { display: block; width: 100%; height: auto; }
.table-wrap { overflow-x: auto; }
.table-wrap.card { padding: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 8px 12px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: #fafbfc; color: var(--muted); font-weight: 600; font-size: 13px; white-space: nowrap; }
tbody tr:last-child th, tbody tr:last-child td { border-bottom: none; }
table.agents td { text-align: right; font-variant-numeric: tabular-nums; }
table.agents thead th:not(:first-child) { text-align: right; }
table.agents th[scope="row"] { font-weight: 600; overflow-wrap: anywhere; }
table td.empty, p.empty { color: var(--muted); text-align: center; }
.no-data { display: flex; align-items: center; justify-content: center; min-height: 160px; color: var(--muted); }
.score.low, .harmful { color: var(--harmful); }
.score.mid { color: #a27a12; }
.score.high, .good { color: var(--good); }
.score { font-weight: 600; }
.signals { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; }
.signal { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.signal-value { font-size: 26px; font-weight: 600; }
.signal-label { color: var(--muted); }
.signal.active .signal-value { color: var(--signal); }
.signal.self-harm { border-style: dashed; }
.signal.critical { background: #fbe9e5; border: 2px solid var(--harmful); }
.signal.critical .signal-value, .signal.critical .signal-label { color: #8c2f1e; font-weight: 700; }
.other-signals { margin-top: 10px; display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px; }
.other-signals ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.other-signals li { background: var(--card); border: 1px solid var(--line); border-radius: 999px; padding: 1px 10px; font-size: 13px; }
.other-signals li b { margin-left: 6px; }
.conversation { margin-bottom: 16px; break-inside: avoid; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 0; }
.facts div { display: flex; gap: 6px; align-items: baseline; }
.facts dt { color: var(--muted); font-size: 13px; }
.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.transcript { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.turn { display: grid; grid-template-columns: 120px 1fr; gap: 12px; padding: 8px 10px; border-radius: 6px; }
.turn.customer { background: #f3f5f8; }
.turn.agent { background: #fff; border: 1px solid var(--line); }
.who { display: flex; flex-direction: column; align-items: flex-start; gap: 4px; }
.role { font-weight: 600; font-size: 13px; }
.turn.agent .role { color: var(--accent); }
.turn-text { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.badge { display: inline-block; font-size: 12px; padding: 0 8px; border-radius: 999px; color: #fff; background: var(--neutral); }
.badge small { opacity: 0.85; }
${EMOTIONS.map((e) => `.emo-${e} { background: ${EMOTION_COLOURS[e]}; }`).join('\n')}
mark.hl { color: inherit; border-radius: 3px; padding: 0 1px; }
mark.hl-harmful { background: #f6d5ce; box-shadow: inset 0 -2px 0 var(--harmful); }
mark.hl-signal { background: #f8e6bf; box-shadow: inset 0 -2px 0 var(--signal); }
mark.hl-good { background: #d7ecdf; box-shadow: inset 0 -2px 0 var(--good); }
mark.hl-neutral { background: #e9ecef; box-shadow: inset 0 -2px 0 var(--neutral); }
table.points { font-size: 13px; }
table.points td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
table.points tr.na { color: var(--muted); }
@media (max-width: 640px) { .charts { grid-template-columns: 1fr; } .turn { grid-template-columns: 1fr; } }
@media print { body { background: #fff; } .card, .chart, .conversation { break-inside: avoid; } }
`;
