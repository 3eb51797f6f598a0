import type { AgentAnalysis, ConversationAnalysis, CustomerAnalysis, Turn } from '../types.js';
import { SIGNALS } from '../types.js';

/**
 * The rule layer's outputs as dense model features, so a learned model builds on the rules instead
 * of replacing them. Names are stored in the model file and checked when it is loaded.
 */
export const CUSTOMER_DENSE = [
  'sentiment',
  'intensity',
  'anger',
  'frustration',
  'anxiety',
  'sadness',
  'confusion',
  'satisfaction',
  ...SIGNALS.map((s) => `signal:${s}`),
  'lang:zh',
  'lang:en',
];

export function customerDense(c: CustomerAnalysis): number[] {
  return Array.from(writeCustomerDense(c, new Float64Array(CUSTOMER_DENSE.length)));
}

/** `customerDense` written into a caller's buffer (the per-message path reuses one). */
export function writeCustomerDense(c: CustomerAnalysis, out: Float64Array): Float64Array {
  out[0] = c.sentiment;
  out[1] = c.intensity;
  out[2] = c.scores.anger;
  out[3] = c.scores.frustration;
  out[4] = c.scores.anxiety;
  out[5] = c.scores.sadness;
  out[6] = c.scores.confusion;
  out[7] = c.scores.satisfaction;
  const first = 8;
  for (let s = 0; s < SIGNALS.length; s++) out[first + s] = 0;
  // The strongest severity per signal (severities are ≥ 0, so 0 means absent).
  for (const signal of c.signals) {
    const at = first + SIGNALS.indexOf(signal.id);
    if (at >= first) out[at] = Math.max(out[at]!, signal.severity);
  }
  out[first + SIGNALS.length] = c.lang === 'zh' || c.lang === 'mixed' ? 1 : 0;
  out[first + SIGNALS.length + 1] = c.lang === 'en' || c.lang === 'mixed' ? 1 : 0;
  return out;
}

/** Agent features: each catalogue technique's strongest confidence, EPITOME levels, and the customer's state. */
export function agentDenseNames(techniqueIds: readonly string[]): string[] {
  return [
    ...techniqueIds.map((id) => `technique:${id}`),
    'empathy:er',
    'empathy:ip',
    'empathy:ex',
    'empathyScore',
    'customer:sentiment',
    'customer:upset',
  ];
}

export function agentDense(techniqueIds: readonly string[], a: AgentAnalysis, customer?: CustomerAnalysis): number[] {
  const best = new Map<string, number>();
  for (const t of a.techniques) best.set(t.id, Math.max(best.get(t.id) ?? 0, t.confidence));
  return [
    ...techniqueIds.map((id) => best.get(id) ?? 0),
    a.empathy.emotional_reactions / 2,
    a.empathy.interpretations / 2,
    a.empathy.explorations / 2,
    a.empathyScore / 100,
    customer?.sentiment ?? 0,
    customer && customer.emotion !== 'neutral' && customer.emotion !== 'satisfaction' ? customer.intensity : 0,
  ];
}

/** Conversation features for satisfaction: the rule-based estimate's inputs and its score. */
export const DIALOGUE_DENSE = [
  'endSentiment',
  'meanSentiment',
  'minSentiment',
  'turnaround',
  'empathy',
  'harmful',
  'good',
  'signals',
  'repeat',
  'resolved',
  'endSatisfaction',
  'endUpset',
  'agentTurns',
  'ruleScore',
];

export function dialogueDense(c: ConversationAnalysis): number[] {
  return DIALOGUE_DENSE.map((name) => (name === 'ruleScore' ? c.satisfaction.score : (c.satisfaction.features[name] ?? 0)));
}

/** The text a dialogue model reads: the customer's turns, the last ones repeated (the end matters most). */
export function dialogueText(turns: readonly Turn[]): string {
  const customer = turns.filter((t) => t.role === 'customer').map((t) => t.text);
  const last = customer.slice(-2);
  return [...customer, ...last].join('\n').slice(0, 20_000);
}
