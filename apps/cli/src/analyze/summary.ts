import { EMOTIONS, SIGNALS, type Catalogue, type Emotion, type SignalId } from '@tongli/engine';
import type { AgentRow, ConversationDigest, ReportData } from '../report/types.js';
import type { ConversationStats } from './process.js';

interface AgentAcc {
  conversations: number;
  score: number;
  empathy: number;
  good: number;
  harmful: number;
  abuse: number;
  upset: number;
  calmed: number;
}

/** Folds conversation stats into the batch summary in constant memory (only the worst N digests are kept). */
export class Summary {
  private conversations = 0;
  private messages = 0;
  private customerMessages = 0;
  private scoreSum = 0;
  private readonly emotions = Object.fromEntries(EMOTIONS.map((e) => [e, 0])) as Record<Emotion, number>;
  private readonly signals = Object.fromEntries(SIGNALS.map((s) => [s, 0])) as Record<SignalId, number>;
  private readonly techniques = new Map<string, number>();
  private readonly criteria = new Map<string, { names: { zh: string; en: string }; weight: number; sum: number; n: number }>();
  private readonly histogram = new Array<number>(10).fill(0);
  private readonly satisfaction = { dissatisfied: 0, neutral: 0, satisfied: 0 };
  private readonly position: [number, number][] = Array.from({ length: 10 }, () => [0, 0]);
  private readonly agents = new Map<string, AgentAcc>();
  private worst: ConversationDigest[] = [];
  private readonly langs = { zh: 0, en: 0 };

  constructor(
    private readonly catalogue: Readonly<Catalogue>,
    private readonly keepWorst: number,
  ) {}

  add(s: ConversationStats): void {
    this.conversations++;
    this.messages += s.messages;
    this.customerMessages += s.customerMessages;
    this.scoreSum += s.total;
    this.histogram[Math.min(9, Math.floor(s.total / 10))]! += 1;
    this.satisfaction[s.satisfaction]++;
    if (s.lang === 'en') this.langs.en++;
    else if (s.lang !== 'unknown') this.langs.zh++;
    for (const [e, n] of Object.entries(s.emotions)) this.emotions[e as Emotion] += n;
    for (const [id, n] of Object.entries(s.signals)) this.signals[id as SignalId] += n;
    for (const [id, n] of Object.entries(s.techniques)) this.techniques.set(id, (this.techniques.get(id) ?? 0) + n);
    for (const c of s.criteria) {
      if (!c.applicable) continue;
      const acc = this.criteria.get(c.id) ?? { names: c.names, weight: c.weight, sum: 0, n: 0 };
      acc.sum += c.score;
      acc.n++;
      this.criteria.set(c.id, acc);
    }
    s.position.forEach(([sum, n], i) => {
      const p = this.position[i];
      if (p) {
        p[0] += sum;
        p[1] += n;
      }
    });
    const agent = this.agents.get(s.agent) ?? {
      conversations: 0,
      score: 0,
      empathy: 0,
      good: 0,
      harmful: 0,
      abuse: 0,
      upset: 0,
      calmed: 0,
    };
    agent.conversations++;
    agent.score += s.total;
    agent.empathy += s.empathyScore;
    for (const [id, n] of Object.entries(s.techniques)) {
      const polarity = this.catalogue.techniques.find((t) => t.id === id)?.polarity;
      if (polarity === 'good') agent.good += n;
      else if (polarity === 'harmful') agent.harmful += n;
    }
    agent.abuse += (s.signals.abuse ?? 0) + (s.signals.threat ?? 0);
    if (s.upset) agent.upset++;
    if (s.calmed) agent.calmed++;
    this.agents.set(s.agent, agent);
  }

  addWorst(digests: ConversationDigest[]): void {
    if (digests.length === 0) return;
    this.worst = [...this.worst, ...digests].sort((a, b) => a.total - b.total || a.id.localeCompare(b.id)).slice(0, this.keepWorst);
  }

  get count(): number {
    return this.conversations;
  }

  /** The language most conversations are in (the report's language when none is asked for). */
  get majorityLang(): 'zh' | 'en' {
    return this.langs.en > this.langs.zh ? 'en' : 'zh';
  }

  report(meta: { source: string; skipped: number; lang: 'zh' | 'en'; generatedAt: string }): ReportData {
    const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
    const names = new Map(this.catalogue.techniques.map((t) => [t.id, t]));
    const agents: AgentRow[] = [...this.agents.entries()]
      .map(([agent, a]) => ({
        agent,
        conversations: a.conversations,
        meanScore: round(a.score / a.conversations),
        meanEmpathy: round(a.empathy / a.conversations),
        good: a.good,
        harmful: a.harmful,
        abuseExposure: a.abuse,
        turnaroundRate: a.upset === 0 ? 0 : round(a.calmed / a.upset, 2),
      }))
      .sort((a, b) => b.meanScore - a.meanScore || a.agent.localeCompare(b.agent));
    return {
      title: meta.lang === 'zh' ? 'Tongli 同理心质检报告' : 'Tongli empathy QA report',
      source: meta.source,
      generatedAt: meta.generatedAt,
      lang: meta.lang,
      totals: {
        conversations: this.conversations,
        messages: this.messages,
        customerMessages: this.customerMessages,
        agentMessages: this.messages - this.customerMessages,
        skipped: meta.skipped,
      },
      emotions: this.emotions,
      signals: this.signals,
      techniques: [...this.techniques.entries()]
        .map(([id, count]) => ({ id, count, name: names.get(id)?.name[meta.lang] ?? id, polarity: names.get(id)?.polarity ?? 'neutral' }))
        .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id)),
      criteria: [...this.criteria.entries()].map(([id, c]) => ({
        id,
        name: c.names[meta.lang],
        weight: c.weight,
        mean: round(c.n === 0 ? 0 : c.sum / c.n, 2),
      })),
      meanScore: this.conversations === 0 ? 0 : round(this.scoreSum / this.conversations),
      scoreHistogram: [...this.histogram],
      satisfaction: { ...this.satisfaction },
      sentimentByPosition: this.position.map(([sum, n]) => (n === 0 ? 0 : round(sum / n, 3))),
      agents,
      worst: this.worst.map((w) => this.retitle(w, meta.lang)),
    };
  }

  /** Highlight titles are written where the conversation was analysed; name them in the report's language. */
  private retitle(digest: ConversationDigest, lang: 'zh' | 'en'): ConversationDigest {
    const names = new Map<string, string>();
    for (const t of this.catalogue.techniques) names.set(t.id, t.name[lang]);
    for (const s of this.catalogue.signals) names.set(s.id, s.name[lang]);
    return {
      ...digest,
      points: digest.points.map((p) => ({ ...p, name: p.names[lang] })),
      turns: digest.turns.map((turn) => ({
        ...turn,
        highlights: turn.highlights.map((h) => {
          const rewrite = h.title.split(' → ')[1];
          return { ...h, title: `${names.get(h.id) ?? h.id}${rewrite ? ` → ${rewrite}` : ''}` };
        }),
      })),
    };
  }
}
