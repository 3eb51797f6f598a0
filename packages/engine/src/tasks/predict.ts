import type { ConversationAnalysis, Dialogue, Turn } from '../types.js';
import type { AnalyzeCustomer } from '../emotion/customer.js';
import type { TaskTuning } from '../emotion/tuning.js';
import type { AgentAnalyzer } from '../techniques/agent.js';

export const TASKS = ['emotion', 'sentiment', 'abuse', 'strategy', 'empathy', 'satisfaction'] as const;
export type Task = (typeof TASKS)[number];

/** One input row of `tongli predict` / `eval`: a text (with optional context) or a dialogue. */
export interface TaskRow {
  id: string;
  text?: string;
  context?: string | readonly Turn[];
  turns?: readonly Turn[];
}

export type Prediction =
  { id: string; label: string; score: number } | { id: string; emotional_reactions: number; interpretations: number; explorations: number };

const ABUSIVE = new Set(['abuse', 'threat']);

export interface PredictorDeps {
  analyzeCustomer: AnalyzeCustomer;
  agent: AgentAnalyzer;
  analyzeConversation: (dialogue: Dialogue) => ConversationAnalysis;
  tuning: TaskTuning;
}

function contextTurns(context: TaskRow['context']): { customer?: string; previousAgentTurns: string[] } {
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
export function createPredictor({ analyzeCustomer, agent, analyzeConversation, tuning }: PredictorDeps) {
  return function predict(task: Task, row: TaskRow): Prediction {
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
