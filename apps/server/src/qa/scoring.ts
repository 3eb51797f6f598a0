import type { ScorePoint } from '@tongli/engine';

/** A reviewer's change to one criterion: the new share (0..1) and why. */
export interface PointOverride {
  criterion: string;
  score: number;
  reason: string;
  applicable?: boolean | undefined;
}

/** A scorecard point after review: the auto score it replaced and the reviewer's reason, when overridden. */
export type ReviewedPoint = ScorePoint & { override?: { previous: number; reason: string; previousApplicable: boolean } };

/** 0..100 over the applicable points, weighted as the scorecard weighs them (the engine's formula). */
export function totalOf(points: readonly Pick<ScorePoint, 'score' | 'weight' | 'applicable'>[]): number {
  let earned = 0;
  let possible = 0;
  for (const p of points) {
    if (!p.applicable) continue;
    earned += p.score * p.weight;
    possible += p.weight;
  }
  return possible === 0 ? 0 : Math.round((100 * earned) / possible);
}

/**
 * Applies a reviewer's overrides to the auto points; returns the reviewed points and their recomputed total, or the
 * criteria that the scorecard does not have.
 * @example
 * applyOverrides(auto.points, [{ criterion: 'acknowledge', score: 1, reason: 'named the delay' }]);
 */
export function applyOverrides(
  points: readonly ScorePoint[],
  overrides: readonly PointOverride[],
): { points: ReviewedPoint[]; total: number; unknown: string[] } {
  const byCriterion = new Map(overrides.map((o) => [o.criterion, o]));
  const known = new Set(points.map((p) => p.criterion));
  const unknown = overrides.map((o) => o.criterion).filter((c) => !known.has(c));
  const reviewed = points.map((p): ReviewedPoint => {
    const o = byCriterion.get(p.criterion);
    if (!o) return { ...p };
    return {
      ...p,
      score: Math.round(Math.max(0, Math.min(1, o.score)) * 100) / 100,
      applicable: o.applicable ?? p.applicable,
      override: { previous: p.score, reason: o.reason, previousApplicable: p.applicable },
    };
  });
  return { points: reviewed, total: totalOf(reviewed), unknown };
}

/** How far reviewers are apart on one criterion. */
export interface CriterionSpread {
  criterion: string;
  name: string;
  auto: number | null;
  reviews: { evaluationId: string; reviewerId: string | null; score: number }[];
  min: number | null;
  max: number | null;
  /** max − min over the reviews (0..1); 0 with fewer than two reviews. */
  spread: number;
  /** Population standard deviation over the reviews. */
  stdev: number;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** Per criterion, the reviewers' scores and their spread (calibration between reviewers). */
export function calibrate(
  auto: { points: readonly ScorePoint[] } | undefined,
  reviews: readonly { id: string; reviewerId: string | null; points: readonly ScorePoint[] }[],
): CriterionSpread[] {
  const criteria = new Map<string, string>();
  for (const p of auto?.points ?? []) criteria.set(p.criterion, p.name);
  for (const r of reviews) for (const p of r.points) if (!criteria.has(p.criterion)) criteria.set(p.criterion, p.name);
  return [...criteria.entries()].map(([criterion, name]) => {
    const scores = reviews.flatMap((r) => {
      const point = r.points.find((p) => p.criterion === criterion);
      return point ? [{ evaluationId: r.id, reviewerId: r.reviewerId, score: point.score }] : [];
    });
    const values = scores.map((s) => s.score);
    const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const min = values.length ? Math.min(...values) : null;
    const max = values.length ? Math.max(...values) : null;
    return {
      criterion,
      name,
      auto: auto?.points.find((p) => p.criterion === criterion)?.score ?? null,
      reviews: scores,
      min,
      max,
      spread: min === null || max === null ? 0 : round(max - min),
      stdev: values.length < 2 ? 0 : round(Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length)),
    };
  });
}
