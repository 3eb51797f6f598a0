import type { LocalizedText } from '../lexicon/raw.js';
import type { Evidence, Scorecard, ScorePoint } from '../types.js';

export interface ScorecardRule {
  any: string[];
  effect: number;
  reason: LocalizedText;
}

export interface ScorecardCriterion {
  id: string;
  name: LocalizedText;
  weight: number;
  applicable: 'always' | 'agent_spoke' | 'customer_upset';
  base: number;
  rules: ScorecardRule[];
}

export interface ScorecardDefinition {
  id: string;
  name: LocalizedText;
  criteria: ScorecardCriterion[];
}

/** What the scorer needs to know about a conversation: every finding as evidence, and two facts. */
export interface ScoringInput {
  evidence: Evidence[];
  agentSpoke: boolean;
  customerUpset: boolean;
  lang: 'zh' | 'en';
}

/** Rejects a malformed scorecard at creation with a readable message (it is user-editable data). */
export function validateScorecard(value: unknown): ScorecardDefinition {
  const card = value as ScorecardDefinition;
  if (!card || typeof card.id !== 'string' || !Array.isArray(card.criteria))
    throw new Error('tongli: scorecard needs an id and criteria[]');
  for (const c of card.criteria) {
    if (typeof c.id !== 'string' || !(c.weight >= 0) || !Array.isArray(c.rules))
      throw new Error(`tongli: scorecard criterion ${String(c.id)} needs id, weight >= 0 and rules[]`);
    if (!['always', 'agent_spoke', 'customer_upset'].includes(c.applicable))
      throw new Error(`tongli: scorecard criterion ${c.id}: applicable must be always, agent_spoke or customer_upset`);
  }
  return card;
}

/**
 * Scores a conversation on a scorecard: each criterion starts at its base share, every rule whose ids
 * were found moves it, and the findings that moved it are cited as evidence.
 */
export function scoreConversation(card: ScorecardDefinition, input: ScoringInput): Scorecard {
  const byId = new Map<string, Evidence[]>();
  for (const e of input.evidence) {
    const list = byId.get(e.id);
    if (list) list.push(e);
    else byId.set(e.id, [e]);
  }
  let earned = 0;
  let possible = 0;
  const points: ScorePoint[] = card.criteria.map((c) => {
    const applicable = c.applicable === 'always' || (c.applicable === 'agent_spoke' ? input.agentSpoke : input.customerUpset);
    let score = c.base;
    const evidence: Evidence[] = [];
    const reasons: string[] = [];
    for (const rule of c.rules) {
      const hits = rule.any.flatMap((id) => byId.get(id) ?? []);
      if (hits.length === 0) continue;
      score += rule.effect;
      evidence.push(...hits.slice(0, 5));
      reasons.push(`${rule.effect > 0 ? '+' : '−'} ${rule.reason[input.lang]}`);
    }
    score = Math.max(0, Math.min(1, score));
    if (applicable) {
      earned += score * c.weight;
      possible += c.weight;
    }
    return {
      criterion: c.id,
      name: c.name[input.lang],
      weight: c.weight,
      score: Math.round(score * 100) / 100,
      applicable,
      reason: reasons.join('; '),
      evidence,
    };
  });
  return { id: card.id, total: possible === 0 ? 0 : Math.round((100 * earned) / possible), points };
}
