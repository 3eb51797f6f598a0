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

const isText = (v: unknown): v is LocalizedText =>
  typeof v === 'object' && v !== null && typeof (v as LocalizedText).zh === 'string' && typeof (v as LocalizedText).en === 'string';

/** Rejects a malformed scorecard at creation with a readable message (it is user-editable data). */
export function validateScorecard(value: unknown): ScorecardDefinition {
  const card = value as ScorecardDefinition;
  if (!card || typeof card.id !== 'string' || !Array.isArray(card.criteria))
    throw new Error('tongli: scorecard needs an id and criteria[]');
  if (!isText(card.name)) throw new Error('tongli: scorecard needs a name {zh, en}');
  card.criteria.forEach((c, i) => {
    const where = `tongli: scorecard criterion ${typeof c?.id === 'string' ? c.id : `#${i + 1}`}`;
    if (typeof c?.id !== 'string' || !isText(c.name)) throw new Error(`${where} needs an id and a name {zh, en}`);
    if (typeof c.weight !== 'number' || !(c.weight >= 0)) throw new Error(`${where}: weight must be a number >= 0`);
    if (typeof c.base !== 'number' || !Number.isFinite(c.base)) throw new Error(`${where}: base must be a number (0..1)`);
    if (!['always', 'agent_spoke', 'customer_upset'].includes(c.applicable))
      throw new Error(`${where}: applicable must be always, agent_spoke or customer_upset`);
    if (!Array.isArray(c.rules)) throw new Error(`${where}: rules must be a list`);
    c.rules.forEach((r, j) => {
      if (!Array.isArray(r?.any) || !r.any.every((id) => typeof id === 'string'))
        throw new Error(`${where}, rule ${j + 1}: any must be a list of ids`);
      if (typeof r.effect !== 'number' || !Number.isFinite(r.effect)) throw new Error(`${where}, rule ${j + 1}: effect must be a number`);
      if (!isText(r.reason)) throw new Error(`${where}, rule ${j + 1}: reason must be {zh, en}`);
    });
  });
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
      names: { zh: c.name.zh, en: c.name.en },
      weight: c.weight,
      score: Math.round(score * 100) / 100,
      applicable,
      reason: reasons.join('; '),
      evidence,
    };
  });
  return { id: card.id, total: possible === 0 ? 0 : Math.round((100 * earned) / possible), points };
}
