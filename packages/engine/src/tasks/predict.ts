import type { ConversationAnalysis, Dialogue, Turn } from '../types.js';
import type { AnalyzeCustomer } from '../emotion/customer.js';
import type { TaskTuning } from '../emotion/tuning.js';
import type { AgentAnalyzer } from '../techniques/agent.js';
import type { LearnedLayer, LearnedPrediction } from '../model/learned.js';

export const TASKS = ['emotion', 'sentiment', 'abuse', 'strategy', 'empathy', 'satisfaction'] as const;
export type Task = (typeof TASKS)[number];

/** One input row of `tongli predict` / `eval`: a text (with optional context) or a dialogue. */
export interface TaskRow {
  id: string;
  text?: string;
  context?: string | readonly Turn[];
  turns?: readonly Turn[];
}

export type Prediction = (
  { id: string; label: string; score: number } | { id: string; emotional_reactions: number; interpretations: number; explorations: number }
) & {
  /** Present when a learned model answered and an explanation was asked for: its strongest n-grams and rule features. */
  reasons?: string[];
};

/** ESConv strategy classes as a model may predict them, answered with the catalogue technique that represents each. */
const CLASS_TECHNIQUE: Record<string, string> = {
  Question: 'open_question',
  'Restatement or Paraphrasing': 'paraphrase',
  'Reflection of feelings': 'acknowledge_emotion',
  'Self-disclosure': 'self_disclosure',
  'Affirmation and Reassurance': 'reassurance',
  'Providing Suggestions': 'suggestion',
  Information: 'information',
  Others: 'other',
};

const ABUSIVE = new Set(['abuse', 'threat']);

export interface PredictorDeps {
  analyzeCustomer: AnalyzeCustomer;
  agent: AgentAnalyzer;
  analyzeConversation: (dialogue: Dialogue) => ConversationAnalysis;
  tuning: TaskTuning;
  learned?: LearnedLayer;
}

export function contextTurns(context: TaskRow['context']): { customer?: string; previousAgentTurns: string[] } {
  if (typeof context === 'string') return { customer: context, previousAgentTurns: [] };
  const turns = Array.isArray(context) ? context : [];
  const previousAgentTurns: string[] = [];
  let customer: string | undefined;
  for (const t of turns) {
    if (t.role === 'agent') previousAgentTurns.push(String(t.text ?? ''));
    else customer = String(t.text ?? '');
  }
  return customer === undefined ? { previousAgentTurns } : { customer, previousAgentTurns };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Maps the engine's analysis onto the product's labels for each evaluation task. */
export function createPredictor({ analyzeCustomer, agent, analyzeConversation, tuning, learned }: PredictorDeps) {
  const p = (lp: LearnedPrediction, label: string) => lp.probabilities[label] ?? 0;
  const withReasons = <T extends object>(out: T, lp: LearnedPrediction, explain: boolean): T & { reasons?: string[] } =>
    explain ? { ...out, reasons: lp.reasons } : out;

  /** A learned model's answer when one is loaded for the task and language. */
  function fromModel(task: Task, row: TaskRow, explain: boolean): Prediction | undefined {
    if (!learned || learned.models.all.length === 0) return undefined;
    if (task === 'empathy') {
      const mechanisms = ['emotional_reactions', 'interpretations', 'explorations'] as const;
      const answers = mechanisms.map((m) => learned.predict(`empathy:${m}`, row, explain));
      if (answers.every((a) => a === undefined)) return undefined;
      const rules = agent.analyzeAgent(typeof row.text === 'string' ? row.text : '', contextTurns(row.context)).empathy;
      const out = { id: row.id, emotional_reactions: 0, interpretations: 0, explorations: 0 };
      mechanisms.forEach((m, i) => (out[m] = answers[i] ? Number(answers[i]?.label) || 0 : rules[m]));
      return explain ? { ...out, reasons: answers.flatMap((a) => a?.reasons ?? []) } : out;
    }
    const lp = learned.predict(task, row, explain);
    if (!lp) return undefined;
    switch (task) {
      case 'emotion': {
        const label = lp.label === 'positive' ? 'satisfaction' : lp.label;
        return withReasons({ id: row.id, label, score: round(p(lp, lp.label)) }, lp, explain);
      }
      case 'sentiment':
        return withReasons({ id: row.id, label: lp.label, score: round(p(lp, 'positive') - p(lp, 'negative')) }, lp, explain);
      case 'abuse':
        return withReasons({ id: row.id, label: lp.label, score: round(p(lp, 'abusive')) }, lp, explain);
      case 'strategy':
        return withReasons({ id: row.id, label: CLASS_TECHNIQUE[lp.label] ?? lp.label, score: round(p(lp, lp.label)) }, lp, explain);
      case 'satisfaction':
        return withReasons({ id: row.id, label: lp.label, score: round(p(lp, 'satisfied') - p(lp, 'dissatisfied')) }, lp, explain);
    }
  }

  return function predict(task: Task, row: TaskRow, options: { explain?: boolean } = {}): Prediction {
    const learnedAnswer = fromModel(task, row, options.explain === true);
    if (learnedAnswer) return learnedAnswer;
    const text = typeof row.text === 'string' ? row.text : '';
    switch (task) {
      case 'emotion': {
        const c = analyzeCustomer(text);
        return {
          id: row.id,
          label: c.emotion,
          score: round(c.emotion === 'neutral' ? 1 - Math.max(...Object.values(c.scores)) : c.intensity),
        };
      }
      case 'sentiment': {
        const c = analyzeCustomer(text);
        const { positive, negative } = tuning.sentiment;
        const label = c.sentiment > positive ? 'positive' : c.sentiment < negative ? 'negative' : 'neutral';
        return { id: row.id, label, score: c.sentiment };
      }
      case 'abuse': {
        const c = analyzeCustomer(text);
        let score = 0;
        for (const s of c.signals) if (ABUSIVE.has(s.id)) score = Math.max(score, s.severity);
        const threshold = c.lang === 'en' ? tuning.abuse.en : tuning.abuse.zh;
        return { id: row.id, label: score >= threshold ? 'abusive' : 'clean', score: round(score) };
      }
      case 'strategy': {
        const a = agent.analyzeAgent(text, contextTurns(row.context));
        const top = a.techniques.find((t) => t.id === a.primary);
        return { id: row.id, label: a.primary, score: round(top?.confidence ?? 0.3) };
      }
      case 'empathy': {
        const a = agent.analyzeAgent(text, contextTurns(row.context));
        return { id: row.id, ...a.empathy };
      }
      case 'satisfaction': {
        const turns = Array.isArray(row.turns) ? row.turns : text ? [{ role: 'customer' as const, text }] : [];
        const c = analyzeConversation({ id: row.id, turns });
        return { id: row.id, label: c.satisfaction.label, score: c.satisfaction.score };
      }
    }
  };
}
