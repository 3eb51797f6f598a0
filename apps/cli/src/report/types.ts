import type { Emotion, ScorePoint, SignalId } from '@tongli/engine';

/** A span to highlight in a message, with what it is. */
export interface Highlight {
  start: number;
  end: number;
  id: string;
  polarity: 'good' | 'harmful' | 'neutral' | 'signal';
  title: string;
}

export interface DigestTurn {
  role: 'customer' | 'agent';
  text: string;
  emotion?: Emotion;
  intensity?: number;
  highlights: Highlight[];
}

/** One conversation as the report shows it (only the worst few are kept, so memory stays bounded). */
export interface ConversationDigest {
  id: string;
  agent: string;
  total: number;
  empathyScore: number;
  satisfaction: string;
  turnaround: number;
  turns: DigestTurn[];
  points: ScorePoint[];
}

export interface AgentRow {
  agent: string;
  conversations: number;
  meanScore: number;
  meanEmpathy: number;
  good: number;
  harmful: number;
  /** Customer messages with abuse or threats this agent received. */
  abuseExposure: number;
  /** Share of conversations where an upset customer ended calmer. */
  turnaroundRate: number;
}

/** Everything `analyze` reports about a batch: totals, distributions, per-agent rows, worst conversations. */
export interface ReportData {
  title: string;
  source: string;
  generatedAt: string;
  lang: 'zh' | 'en';
  totals: { conversations: number; messages: number; customerMessages: number; agentMessages: number; skipped: number };
  emotions: Record<Emotion, number>;
  signals: Record<SignalId, number>;
  techniques: { id: string; name: string; polarity: 'good' | 'harmful' | 'neutral'; count: number }[];
  criteria: { id: string; name: string; weight: number; mean: number }[];
  meanScore: number;
  /** Conversations per scorecard total bucket: [0,10), [10,20) … [90,100]. */
  scoreHistogram: number[];
  satisfaction: Record<'dissatisfied' | 'neutral' | 'satisfied', number>;
  /** Mean customer sentiment by position in the conversation (10 buckets, start → end). */
  sentimentByPosition: number[];
  agents: AgentRow[];
  worst: ConversationDigest[];
}
