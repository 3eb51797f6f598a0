import type { ScorecardDefinition } from '@tongli/engine';
import type { GuidelinesContent } from '../../api/settings.js';
import type { CriterionSpread } from '../../api/settings.js';

/** The guidelines as the server accepts them: trimmed, with rows left empty in the editor dropped. */
export function cleanGuidelines(g: GuidelinesContent): GuidelinesContent {
  const opt = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  return {
    doSay: g.doSay
      .filter((r) => r.phrase.trim())
      .map((r) => ({ phrase: r.phrase.trim(), ...(opt(r.technique) ? { technique: opt(r.technique) } : {}) })),
    dontSay: g.dontSay
      .filter((r) => r.phrase.trim())
      .map((r) => ({ phrase: r.phrase.trim(), ...(opt(r.rewrite) ? { rewrite: opt(r.rewrite) } : {}) })),
    glossary: g.glossary.filter((r) => r.term.trim() && r.plain.trim()).map((r) => ({ term: r.term.trim(), plain: r.plain.trim() })),
  };
}

/** Total weight, and each criterion's share of it in percent (rounded). */
export function weightShares(card: Pick<ScorecardDefinition, 'criteria'>): { total: number; shares: number[] } {
  const total = card.criteria.reduce((sum, c) => sum + (Number.isFinite(c.weight) ? c.weight : 0), 0);
  return { total, shares: card.criteria.map((c) => (total > 0 ? Math.round((100 * c.weight) / total) : 0)) };
}

/** Problems the editor shows before saving (the engine and the server check again). */
export function scorecardProblems(card: ScorecardDefinition): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const c of card.criteria) {
    if (!/^[a-z0-9_-]+$/.test(c.id)) problems.push(`id:${c.id}`);
    if (ids.has(c.id)) problems.push(`duplicate:${c.id}`);
    ids.add(c.id);
    if (!c.name.zh.trim() || !c.name.en.trim()) problems.push(`name:${c.id}`);
  }
  if (card.criteria.length === 0 || weightShares(card).total <= 0) problems.push('weight');
  return problems;
}

export type Agreement = 'agree' | 'close' | 'apart' | 'single';

/** How far the reviewers are apart on a criterion (scores 0..1): within 0.1 agree, within 0.3 close, else apart. */
export function agreementOf(row: Pick<CriterionSpread, 'reviews' | 'spread'>): Agreement {
  if (row.reviews.length < 2) return 'single';
  if (row.spread <= 0.1) return 'agree';
  if (row.spread <= 0.3) return 'close';
  return 'apart';
}

/** Share of criteria (with at least two reviews) on which the reviewers agree, in percent; null without any. */
export function agreementRate(rows: readonly Pick<CriterionSpread, 'reviews' | 'spread'>[]): number | null {
  const rated = rows.filter((r) => r.reviews.length >= 2);
  if (rated.length === 0) return null;
  return Math.round((100 * rated.filter((r) => agreementOf(r) === 'agree').length) / rated.length);
}
