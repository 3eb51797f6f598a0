import { describe, it, expect } from 'vitest';
import type { Emotion, SignalId } from '@tongli/engine';
import { renderHtmlReport, segmentHighlights } from './html.js';
import type { ConversationDigest, Highlight, ReportData } from './types.js';

const SCRIPT = '<script>alert(1)</script>';
const BREAKOUT = '"><img src=x onerror=alert(1)>';
const HOSTILE = `${SCRIPT} ${BREAKOUT}`;

const OVERLAP_TEXT = '您好，这是第一句话😀然后是第二句“引号”& <尖括号>。';

function createEmotions(values: Partial<Record<Emotion, number>> = {}): Record<Emotion, number> {
  return { anger: 0, frustration: 0, anxiety: 0, sadness: 0, confusion: 0, satisfaction: 0, neutral: 0, ...values };
}

function createSignals(values: Partial<Record<SignalId, number>> = {}): Record<SignalId, number> {
  return {
    abuse: 0,
    threat: 0,
    escalation_threat: 0,
    self_harm: 0,
    repeat_yourself: 0,
    repeat_contact: 0,
    sarcasm: 0,
    manager_request: 0,
    churn_risk: 0,
    ...values,
  };
}

function createHighlight(start: number, end: number, polarity: Highlight['polarity'], title: string): Highlight {
  return { start, end, id: `t-${start}-${end}`, polarity, title };
}

function createDigest(overrides: Partial<ConversationDigest> = {}): ConversationDigest {
  return {
    id: 'conv-1',
    agent: '张伟',
    total: 42,
    empathyScore: -20,
    satisfaction: 'dissatisfied',
    turnaround: -0.3,
    turns: [
      {
        role: 'customer',
        text: '我已经打了三次电话了！',
        emotion: 'anger',
        intensity: 0.8,
        highlights: [createHighlight(0, 3, 'signal', '重复来电')],
      },
      { role: 'agent', text: '这不是我们的问题。', highlights: [createHighlight(0, 8, 'harmful', '推卸责任')] },
    ],
    points: [
      {
        criterion: 'empathy',
        name: '共情',
        names: { zh: '共情', en: 'Empathy' },
        weight: 20,
        score: 0.25,
        applicable: true,
        reason: '未表达理解',
        evidence: [],
      },
      {
        criterion: 'greet',
        name: '问候',
        names: { zh: '问候', en: 'Greeting' },
        weight: 5,
        score: 0,
        applicable: false,
        reason: '非首次接触',
        evidence: [],
      },
    ],
    ...overrides,
  };
}

function createReport(overrides: Partial<ReportData> = {}): ReportData {
  return {
    title: '同理 · 客服会话分析报告',
    source: 'data/sample.csv',
    generatedAt: '2025-01-02T03:04:05.000Z',
    lang: 'zh',
    totals: { conversations: 3, messages: 20, customerMessages: 11, agentMessages: 9, skipped: 1 },
    emotions: createEmotions({ anger: 4, frustration: 3, neutral: 2, satisfaction: 2 }),
    signals: createSignals({ abuse: 2, threat: 1, escalation_threat: 1 }),
    techniques: [
      { id: 'apologize', name: '致歉', polarity: 'good', count: 6 },
      { id: 'blame_customer', name: '指责客户', polarity: 'harmful', count: 2 },
      { id: 'restate', name: '复述确认', polarity: 'good', count: 3 },
    ],
    criteria: [
      { id: 'empathy', name: '共情', weight: 20, mean: 0.55 },
      { id: 'resolution', name: '解决问题', weight: 30, mean: 0.8 },
    ],
    meanScore: 68.4,
    scoreHistogram: [0, 0, 0, 1, 0, 0, 1, 0, 1, 0],
    satisfaction: { dissatisfied: 1, neutral: 1, satisfied: 1 },
    sentimentByPosition: [-0.6, -0.5, -0.4, -0.3, -0.1, 0, 0.1, 0.2, 0.3, 0.4],
    agents: [
      { agent: '张伟', conversations: 2, meanScore: 55.5, meanEmpathy: -10, good: 3, harmful: 2, abuseExposure: 2, turnaroundRate: 0.5 },
      { agent: '李娜', conversations: 1, meanScore: 94, meanEmpathy: 80, good: 6, harmful: 0, abuseExposure: 0, turnaroundRate: 1 },
    ],
    worst: [createDigest()],
    ...overrides,
  };
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

function unescapeHtml(html: string): string {
  return html.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);
}

/** The visible text of every transcript turn, tags stripped and entities decoded. */
function turnTexts(html: string): string[] {
  return [...html.matchAll(/<p class="turn-text">([\s\S]*?)<\/p>/g)].map((m) => unescapeHtml((m[1] ?? '').replace(/<[^>]*>/g, '')));
}

describe('renderHtmlReport', () => {
  for (const lang of ['zh', 'en'] as const) {
    describe(lang, () => {
      const html = renderHtmlReport(createReport({ lang }));

      it('renders a complete, self-contained document', () => {
        expect(html.startsWith('<!doctype html>')).toBe(true);
        expect(html.trimEnd().endsWith('</html>')).toBe(true);
        expect(html).toContain('<meta charset="utf-8">');
        expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
        expect(html).not.toMatch(/<script|<link|@import|https?:\/\/(?!www\.w3\.org\/)/i);
      });

      it('embeds the six charts as inline SVG', () => {
        expect(html.match(/<svg\b/g)?.length).toBe(6);
      });

      it('lists one row per agent', () => {
        expect(html).toContain('<th scope="row">张伟</th>');
        expect(html).toContain('<th scope="row">李娜</th>');
        const agentTable = html.slice(
          html.indexOf('<table class="agents">'),
          html.indexOf('</table>', html.indexOf('<table class="agents">')),
        );
        expect(agentTable.match(/<tr>/g)?.length).toBe(3);
      });

      it('shows the worst conversation with its scorecard', () => {
        expect(html).toContain('conv-1');
        expect(html).toContain('未表达理解');
        expect(html).toContain('5 / 20');
        expect(html).toContain('class="hl hl-harmful" title="推卸责任"');
      });
    });
  }

  it('uses the dictionary of the report language', () => {
    expect(renderHtmlReport(createReport({ lang: 'zh' }))).toContain('坐席表现');
    expect(renderHtmlReport(createReport({ lang: 'en' }))).toContain('Conversations to review');
  });

  it('escapes every untrusted string', () => {
    const html = renderHtmlReport(
      createReport({
        title: HOSTILE,
        source: HOSTILE,
        generatedAt: HOSTILE,
        techniques: [{ id: 'x', name: HOSTILE, polarity: 'harmful', count: 3 }],
        criteria: [{ id: 'y', name: HOSTILE, weight: 10, mean: 0.5 }],
        agents: [
          { agent: HOSTILE, conversations: 1, meanScore: 10, meanEmpathy: 0, good: 0, harmful: 1, abuseExposure: 0, turnaroundRate: 0 },
        ],
        worst: [
          createDigest({
            id: HOSTILE,
            agent: HOSTILE,
            satisfaction: HOSTILE,
            turns: [
              { role: 'customer', text: HOSTILE, emotion: 'anger', highlights: [createHighlight(0, 8, 'harmful', HOSTILE)] },
              { role: 'agent', text: BREAKOUT, highlights: [createHighlight(2, 6, 'good', BREAKOUT)] },
            ],
            points: [
              {
                criterion: HOSTILE,
                name: HOSTILE,
                names: { zh: HOSTILE, en: HOSTILE },
                weight: 1,
                score: 1,
                applicable: true,
                reason: HOSTILE,
                evidence: [],
              },
            ],
          }),
        ],
      }),
    );
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(turnTexts(html)).toEqual([HOSTILE, BREAKOUT]);
  });

  it('renders overlapping and nested highlights without breaking the text', () => {
    const emoji = OVERLAP_TEXT.indexOf('😀');
    const highlights = [
      createHighlight(0, 10, 'good', '问候'),
      createHighlight(5, 15, 'harmful', '语气生硬'),
      createHighlight(6, 8, 'neutral', '嵌套'),
      createHighlight(emoji + 1, emoji + 5, 'signal', '切在表情中间'),
      createHighlight(20, 12, 'harmful', '反向'),
      createHighlight(-5, 3, 'good', '越界开头'),
      createHighlight(OVERLAP_TEXT.length - 3, OVERLAP_TEXT.length + 50, 'harmful', '越界结尾'),
      createHighlight(Number.NaN, 4, 'harmful', '无效'),
    ];
    const html = renderHtmlReport(createReport({ worst: [createDigest({ turns: [{ role: 'agent', text: OVERLAP_TEXT, highlights }] })] }));
    expect(turnTexts(html)).toEqual([OVERLAP_TEXT]);
    expect(html).not.toContain('<mark class="hl hl-harmful" title="反向"');
    expect(html).not.toContain('无效');
    expect(html).not.toContain('\uFFFD');
  });

  it('renders an empty report without throwing', () => {
    const empty = createReport({
      totals: { conversations: 0, messages: 0, customerMessages: 0, agentMessages: 0, skipped: 0 },
      emotions: createEmotions(),
      signals: createSignals(),
      techniques: [],
      criteria: [],
      meanScore: Number.NaN,
      scoreHistogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      satisfaction: { dissatisfied: 0, neutral: 0, satisfied: 0 },
      sentimentByPosition: [],
      agents: [],
      worst: [],
    });
    for (const lang of ['zh', 'en'] as const) {
      const html = renderHtmlReport({ ...empty, lang });
      expect(html.trimEnd().endsWith('</html>')).toBe(true);
      expect(html).toContain(lang === 'zh' ? '暂无数据' : 'No data');
    }
  });

  it('flags self-harm prominently', () => {
    const html = renderHtmlReport(createReport({ signals: createSignals({ self_harm: 2 }) }));
    expect(html).toContain('role="alert"');
    expect(html).toContain('signal critical');
  });
});

describe('segmentHighlights', () => {
  it('lets harmful win over good where they overlap and keeps every title', () => {
    const segments = segmentHighlights('abcdefgh', [createHighlight(0, 6, 'good', 'G'), createHighlight(3, 8, 'harmful', 'H')]);
    expect(segments).toEqual([
      { text: 'abc', highlight: { polarity: 'good', titles: ['G'] } },
      { text: 'def', highlight: { polarity: 'harmful', titles: ['H', 'G'] } },
      { text: 'gh', highlight: { polarity: 'harmful', titles: ['H'] } },
    ]);
  });

  it('clamps offsets, ignores inverted spans and never splits a surrogate pair', () => {
    const text = 'a😀b';
    const segments = segmentHighlights(text, [createHighlight(2, 99, 'good', 'G'), createHighlight(3, 1, 'harmful', 'H')]);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments).toEqual([{ text: 'a' }, { text: '😀b', highlight: { polarity: 'good', titles: ['G'] } }]);
  });

  it('returns the plain text when there is nothing to highlight', () => {
    expect(segmentHighlights('', [])).toEqual([]);
    expect(segmentHighlights('plain', [])).toEqual([{ text: 'plain' }]);
  });
});
