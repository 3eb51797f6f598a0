import { describe, expect, it } from 'vitest';
import { trainNaiveBayes } from './naive-bayes.js';

const EXAMPLES = [
  { tokens: ['great', 'room', 'clean'], label: 'positive' },
  { tokens: ['great', 'staff'], label: 'positive' },
  { tokens: ['dirty', 'room'], label: 'negative' },
];

describe('trainNaiveBayes', () => {
  it('classifies by word evidence', () => {
    const nb = trainNaiveBayes(EXAMPLES);
    expect(nb.labels).toEqual(['negative', 'positive']);
    expect(nb.classify(['dirty']).label).toBe('negative');
    expect(nb.classify(['great', 'clean']).label).toBe('positive');
  });

  it('falls back on the prior for unseen words and empty input', () => {
    const nb = trainNaiveBayes(EXAMPLES);
    expect(nb.classify([]).label).toBe('positive');
    expect(nb.classify(['unseen']).posterior.positive).toBeCloseTo(2 / 3, 10);
  });

  it('applies Laplace smoothing by hand-computable amounts', () => {
    // vocabulary {a, b}; class x has a×1, class y has b×1; P(a|x) = 2/3, P(a|y) = 1/3, equal priors.
    const nb = trainNaiveBayes([
      { tokens: ['a'], label: 'x' },
      { tokens: ['b'], label: 'y' },
    ]);
    expect(nb.classify(['a']).posterior.x).toBeCloseTo(2 / 3, 10);
  });

  it('gives posteriors that sum to 1 and breaks exact ties by label order', () => {
    const nb = trainNaiveBayes([
      { tokens: ['same'], label: 'b' },
      { tokens: ['same'], label: 'a' },
    ]);
    const c = nb.classify(['same']);
    expect(c.label).toBe('a');
    expect((c.posterior.a ?? 0) + (c.posterior.b ?? 0)).toBeCloseTo(1, 12);
  });

  it('rejects empty training data and a non-positive alpha', () => {
    expect(() => trainNaiveBayes([])).toThrow(/at least one/);
    expect(() => trainNaiveBayes(EXAMPLES, 0)).toThrow(/alpha/);
  });
});
