/** Public data shapes of the engine. Everything here is plain, serialisable data. */
import type { NormalizedText } from './text/normalize.js';

export type Lang = 'zh' | 'en' | 'mixed' | 'unknown';

export const EMOTIONS = ['anger', 'frustration', 'anxiety', 'sadness', 'confusion', 'satisfaction', 'neutral'] as const;
export type Emotion = (typeof EMOTIONS)[number];
export type CueEmotion = Exclude<Emotion, 'neutral'>;

/** The emotions that call for acknowledgement before anything else (confusion calls for clarity). */
export const UPSET_EMOTIONS: ReadonlySet<string> = new Set<Emotion>(['anger', 'frustration', 'anxiety', 'sadness']);

export const SIGNALS = [
  'abuse',
  'threat',
  'escalation_threat',
  'self_harm',
  'repeat_yourself',
  'repeat_contact',
  'sarcasm',
  'manager_request',
  'churn_risk',
] as const;
export type SignalId = (typeof SIGNALS)[number];

export type Polarity = 'good' | 'harmful' | 'neutral';

export const STAGES = ['greet', 'listen', 'acknowledge', 'restate', 'confirm', 'propose', 'agree', 'recap', 'offer_help'] as const;
export type Stage = (typeof STAGES)[number];

/** A half-open range [start, end) of UTF-16 code units in the ORIGINAL text. */
export interface Span {
  start: number;
  end: number;
}

/** One explained observation: which rule fired, where, and how sure the engine is. */
export interface Finding {
  /** Catalogue id: a technique, a signal, an emotion cue (`emotion:anger`) or `promise`. */
  id: string;
  span: Span;
  /** The original text under the span (for display; customer text is untrusted — escape it). */
  text: string;
  confidence: number;
  /** Where the rule came from: `lexicon`, `guidelines`, `rule`, `context`. */
  source: 'lexicon' | 'guidelines' | 'rule' | 'context' | 'model';
}

export interface SignalFinding extends Finding {
  id: SignalId;
  severity: number;
}

export interface TechniqueFinding extends Finding {
  polarity: Polarity;
  /** A ready-to-send alternative for harmful wording, when one is known. */
  rewrite?: string;
}

export interface CustomerAnalysis {
  lang: Lang;
  emotion: Emotion;
  /** 0..1, how strongly the emotion is expressed. */
  intensity: number;
  /** -1..1 */
  sentiment: number;
  /** Scores per emotion before the label was chosen (0..1). */
  scores: Record<CueEmotion, number>;
  signals: SignalFinding[];
  /** Emotion and sentiment cues with their spans (`emotion:<id>`, `sentiment:+`, `sentiment:-`, `cue:<name>`). */
  cues: Finding[];
  /** What the learned models said, when models for this language are loaded (they set emotion / sentiment above). */
  model?: { emotion?: { label: Emotion; confidence: number }; sentiment?: number; abuse?: number; reasons: string[] };
}

export interface AgentContext {
  /** The customer's message this reply answers, as text. */
  customer?: string;
  /** Its analysis, when the caller already has it (saves work). */
  customerAnalysis?: CustomerAnalysis;
  /** Earlier agent turns in the same conversation, oldest first. */
  previousAgentTurns?: readonly string[];
  /** The customer's name, when known (for personalisation). */
  customerName?: string;
  /**
   * `customer` and `previousAgentTurns` as this analyser's `normalize` made them, when the caller kept them (saves
   * work: a conversation's replies each read up to `AGENT_CONTEXT_TURNS` earlier ones). A missing entry is normalised.
   */
  normalized?: { customer?: NormalizedText; previousAgentTurns?: readonly (NormalizedText | undefined)[] };
}

export interface AgentAnalysis {
  lang: Lang;
  techniques: TechniqueFinding[];
  /** Genesys-style 100·(E−U)/(E+U), −100..100; 0 when the reply has no empathy-relevant finding. */
  empathyScore: number;
  /** The technique id that best describes what the reply does. */
  primary: string;
  /** EPITOME-style levels 0..2. */
  empathy: EmpathyLevels;
  promises: Commitment[];
}

export interface EmpathyLevels {
  emotional_reactions: 0 | 1 | 2;
  interpretations: 0 | 1 | 2;
  explorations: 0 | 1 | 2;
}

export interface Commitment {
  span: Span;
  text: string;
  /** The due phrase as written ("48小时内", "by Friday"). */
  due: string;
}

export type Role = 'customer' | 'agent';

export interface Turn {
  role: Role;
  text: string;
  /**
   * This turn's analysis, when already made by the same analyser (a customer turn: `analyzeCustomer(text)`; an agent
   * turn: `analyzeAgent(text, …)` with the conversation's context, see `AGENT_CONTEXT_TURNS`). The conversation analysis
   * reuses it instead of analysing the text again, so re-analysing a growing conversation costs its new turns only.
   */
  analysis?: CustomerAnalysis | AgentAnalysis;
  /**
   * `normalize(text)` of this turn, when the caller kept it (e.g. beside `analysis`): a refresh of a growing conversation
   * then normalises only its new turns, which was the largest part of re-reading the earlier ones. In-process only
   * (its offsets are a typed array): what a caller keeps in memory, never what it stores as JSON.
   */
  normalized?: NormalizedText;
}

export interface Dialogue {
  id: string;
  turns: readonly Turn[];
  customerName?: string;
  agent?: string;
}

export interface MessageAnalysis {
  index: number;
  role: Role;
  customer?: CustomerAnalysis;
  agent?: AgentAnalysis;
}

export interface TrajectoryPoint {
  index: number;
  emotion: Emotion;
  intensity: number;
  sentiment: number;
}

export interface Hint {
  /** Technique or signal id the hint is about. */
  id: string;
  kind: 'do' | 'avoid' | 'alert' | 'praise';
  message: string;
  span?: Span;
  /** Which text `span` points into: the agent's draft, or the customer's message (alerts). */
  target?: 'draft' | 'customer';
  rewrite?: string;
}

export interface ScorePoint {
  criterion: string;
  /** The criterion's name in the conversation's language; `names` has both. */
  name: string;
  names: { zh: string; en: string };
  weight: number;
  /** 0..1 share of the weight earned. */
  score: number;
  /** Not applicable (e.g. empathy when the customer was calm): excluded from the total. */
  applicable: boolean;
  reason: string;
  /** The findings that produced this point, as [message index, finding id, span]. */
  evidence: Evidence[];
}

export interface Evidence {
  message: number;
  id: string;
  span: Span;
  text: string;
}

export interface Scorecard {
  id: string;
  /** 0..100 over the applicable criteria. */
  total: number;
  points: ScorePoint[];
}

export interface ConversationAnalysis {
  id: string;
  lang: Lang;
  messages: MessageAnalysis[];
  trajectory: TrajectoryPoint[];
  /** The most negative customer moment. */
  peak?: TrajectoryPoint;
  start?: TrajectoryPoint;
  end?: TrajectoryPoint;
  /** End sentiment minus peak-negative sentiment; > 0 means the customer calmed down. */
  turnaround: number;
  structure: Record<Stage, boolean>;
  promises: (Commitment & { message: number })[];
  empathyScore: number;
  scorecard: Scorecard;
  signals: Record<SignalId, number>;
  /** Customer satisfaction at the end, estimated. */
  satisfaction: { label: 'dissatisfied' | 'neutral' | 'satisfied'; score: number; features: Record<string, number> };
  resolved: boolean;
}
