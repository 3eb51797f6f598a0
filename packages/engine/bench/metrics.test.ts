import { describe, expect, it } from 'vitest';
import { goldLabel, predictedLabel, score, setsOf, spearman } from '../src/index.js';
import type { TaskMap } from '../src/index.js';

/** A hand-built slice of tasks.json: enough of each task to exercise the mapping rules. */
const MAP: TaskMap = {
  emotion: {
    scored_as: { anger: 'anger', frustration: 'anger', satisfaction: 'positive', neutral: 'neutral' },
    sets: {
      zh_clue: { anger: 'anger', disgust: 'anger', like: 'positive', surprise: null },
      en_goemotions: { anger: 'anger', annoyance: 'anger', joy: 'positive', neutral: 'neutral', curiosity: null },
    },
  },
  sentiment: {
    sets: {
      zh_hotel: { positive: 'positive', negative: 'negative' },
      en_goemotions: {
        field: 'sentiment_labels',
        map: { positive: 'positive', negative: 'negative', neutral: 'neutral', ambiguous: null },
      },
    },
  },
  abuse: { sets: { zh_toxicn: { offensive: 'abusive', hate: 'abusive', non_toxic: 'clean' } } },
  strategy: { product_to_class: { open_question: 'Question', paraphrase: 'Restatement or Paraphrasing' }, sets: { en_esconv: 'label' } },
  empathy: {
    mechanisms: { en_er: 'emotional_reactions', en_ex: 'explorations' },
    levels: { none: 0, weak: 1, strong: 2 },
  },
  satisfaction: { sets: ['zh_stc3'] },
};

describe('score', () => {
  it('returns zeros, not NaN, for empty input', () => {
    expect(score([], [])).toEqual({ n: 0, accuracy: 0, macroF1: 0, perLabel: {} });
  });

  it('averages F1 over gold labels only; a predicted-only label is a false positive', () => {
    const f = score(['a', 'a', 'b'], ['a', 'c', 'b']);
    expect(f.n).toBe(3);
    expect(f.accuracy).toBe(0.6667);
    expect(Object.keys(f.perLabel)).toEqual(['a', 'b']);
    expect(f.perLabel.a).toEqual({ precision: 1, recall: 0.5, f1: 0.6667, support: 2 });
    expect(f.perLabel.b?.f1).toBe(1);
    expect(f.macroF1).toBe(0.8333);
  });

  it('charges a miss into a label outside the gold set to the gold label’s recall', () => {
    const f = score(['a', 'b'], ['c', 'b']);
    expect(f.perLabel.a).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(f.macroF1).toBe(0.5);
  });

  it('lets an explicit label list bring in a class the test rows lack (F1 0)', () => {
    const f = score(['a', 'a'], ['a', 'a'], ['a', 'b']);
    expect(f.perLabel.b).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(f.macroF1).toBe(0.5);
    expect(f.accuracy).toBe(1);
  });

  it('treats a missing prediction as wrong', () => {
    const f = score(['a', 'b'], ['a']);
    expect(f.accuracy).toBe(0.5);
    expect(f.perLabel.b?.recall).toBe(0);
  });

  it('gives a constant (majority-class) predictor F1 only on its own class', () => {
    const f = score(['pos', 'pos', 'neg', 'neg'], ['pos', 'pos', 'pos', 'pos']);
    expect(f.perLabel.pos?.f1).toBe(0.6667);
    expect(f.perLabel.neg?.f1).toBe(0);
    expect(f.macroF1).toBe(0.3333);
  });
});

describe('spearman', () => {
  it('is 0 for empty, single-element and constant input', () => {
    expect(spearman([], [])).toBe(0);
    expect(spearman([1], [2])).toBe(0);
    expect(spearman([3, 3, 3], [1, 2, 3])).toBe(0);
  });

  it('is ±1 for monotone relations, whatever the scale', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 300, 4000])).toBe(1);
    expect(spearman([1, 2, 3, 4], [0.4, 0.3, -0.2, -9])).toBe(-1);
  });

  it('gives ties their average rank', () => {
    // ranks [1, 2.5, 2.5, 4] against [1, 2, 3, 4]: 4.5 / sqrt(4.5 * 5)
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBe(0.9487);
  });

  it('uses only the common prefix when lengths differ', () => {
    expect(spearman([1, 2, 3], [1, 2, 3, -100])).toBe(1);
  });
});

describe('goldLabel', () => {
  it('keeps a multi-label row whose labels all map to one product label', () => {
    expect(goldLabel(MAP, 'emotion', 'en_goemotions', { labels: ['anger', 'annoyance'] })).toBe('anger');
    expect(goldLabel(MAP, 'emotion', 'en_goemotions', { labels: ['anger', 'curiosity'] })).toBe('anger');
  });

  it('skips a multi-label row that maps to two product labels, or to none', () => {
    expect(goldLabel(MAP, 'emotion', 'en_goemotions', { labels: ['anger', 'joy'] })).toBeNull();
    expect(goldLabel(MAP, 'emotion', 'en_goemotions', { labels: ['curiosity'] })).toBeNull();
    expect(goldLabel(MAP, 'emotion', 'en_goemotions', { labels: [] })).toBeNull();
  });

  it('maps single labels and skips the ones mapped to null', () => {
    expect(goldLabel(MAP, 'emotion', 'zh_clue', { label: 'disgust' })).toBe('anger');
    expect(goldLabel(MAP, 'emotion', 'zh_clue', { label: 'surprise' })).toBeNull();
    expect(goldLabel(MAP, 'emotion', 'unknown_set', { label: 'anger' })).toBeNull();
  });

  it('reads GoEmotions sentiment from its own field, one mapped label only', () => {
    expect(goldLabel(MAP, 'sentiment', 'en_goemotions', { labels: ['joy'], sentiment_labels: ['positive'] })).toBe('positive');
    expect(goldLabel(MAP, 'sentiment', 'en_goemotions', { sentiment_labels: ['positive', 'negative'] })).toBeNull();
    expect(goldLabel(MAP, 'sentiment', 'en_goemotions', { sentiment_labels: ['ambiguous'] })).toBeNull();
    expect(goldLabel(MAP, 'sentiment', 'en_goemotions', { label: 'positive' })).toBeNull();
    expect(goldLabel(MAP, 'sentiment', 'zh_hotel', { label: 'negative' })).toBe('negative');
  });

  it('folds every offensive class into abusive', () => {
    expect(goldLabel(MAP, 'abuse', 'zh_toxicn', { label: 'hate' })).toBe('abusive');
    expect(goldLabel(MAP, 'abuse', 'zh_toxicn', { label: 'offensive' })).toBe('abusive');
    expect(goldLabel(MAP, 'abuse', 'zh_toxicn', { label: 'non_toxic' })).toBe('clean');
    expect(goldLabel(MAP, 'abuse', 'zh_toxicn', { label: 'spam' })).toBeNull();
  });

  it('maps empathy levels to "0" / "1" / "2" (level 0 is a label, not a skip)', () => {
    expect(goldLabel(MAP, 'empathy', 'en_er', { label: 'none' })).toBe('0');
    expect(goldLabel(MAP, 'empathy', 'en_er', { label: 'weak' })).toBe('1');
    expect(goldLabel(MAP, 'empathy', 'en_ex', { label: 'strong' })).toBe('2');
    expect(goldLabel(MAP, 'empathy', 'en_er', { label: 'medium' })).toBeNull();
    expect(goldLabel(MAP, 'empathy', 'en_other', { label: 'weak' })).toBeNull();
  });

  it('reads strategy and satisfaction labels as they are', () => {
    expect(goldLabel(MAP, 'strategy', 'en_esconv', { label: 'Question' })).toBe('Question');
    expect(goldLabel(MAP, 'satisfaction', 'zh_stc3', { satisfaction: 'neutral' })).toBe('neutral');
    expect(goldLabel(MAP, 'satisfaction', 'zh_stc3', {})).toBeNull();
    expect(goldLabel(MAP, 'satisfaction', 'en_other', { satisfaction: 'neutral' })).toBeNull();
  });
});

describe('predictedLabel', () => {
  it('breaks a neutral tie by the sign of the score on binary sets only', () => {
    expect(predictedLabel(MAP, 'sentiment', 'zh_hotel', { label: 'neutral', score: 0.2 }, true)).toBe('positive');
    expect(predictedLabel(MAP, 'sentiment', 'zh_hotel', { label: 'neutral', score: -0.01 }, true)).toBe('negative');
    expect(predictedLabel(MAP, 'sentiment', 'zh_hotel', { label: 'neutral', score: 0 }, true)).toBe('neutral');
    expect(predictedLabel(MAP, 'sentiment', 'en_goemotions', { label: 'neutral', score: 0.2 }, false)).toBe('neutral');
    expect(predictedLabel(MAP, 'sentiment', 'zh_hotel', { label: 'negative', score: 0.9 }, true)).toBe('negative');
  });

  it('scores neutral-without-score as wrong on a binary set', () => {
    const predicted = [
      { label: 'neutral', score: 0 },
      { label: 'neutral', score: 0.3 },
    ].map((p) => predictedLabel(MAP, 'sentiment', 'zh_hotel', p, true));
    expect(score(['positive', 'positive'], predicted).accuracy).toBe(0.5);
  });

  it('picks the set’s mechanism out of an empathy prediction', () => {
    const prediction = { id: 'r1', emotional_reactions: 2, interpretations: 0, explorations: 1 };
    expect(predictedLabel(MAP, 'empathy', 'en_er', prediction, false)).toBe('2');
    expect(predictedLabel(MAP, 'empathy', 'en_ex', prediction, false)).toBe('1');
    expect(predictedLabel(MAP, 'empathy', 'en_other', prediction, false)).toBe('0');
  });

  it('maps product emotions and techniques onto the sets’ classes', () => {
    expect(predictedLabel(MAP, 'emotion', 'zh_clue', { label: 'frustration' }, false)).toBe('anger');
    expect(predictedLabel(MAP, 'emotion', 'zh_clue', { label: 'satisfaction' }, false)).toBe('positive');
    expect(predictedLabel(MAP, 'emotion', 'zh_clue', { label: 'confusion' }, false)).toBe('confusion');
    expect(predictedLabel(MAP, 'strategy', 'en_esconv', { label: 'paraphrase' }, false)).toBe('Restatement or Paraphrasing');
    expect(predictedLabel(MAP, 'strategy', 'en_esconv', { label: 'not_a_technique' }, false)).toBe('Others');
    expect(predictedLabel(MAP, 'abuse', 'zh_toxicn', { label: 'abusive' }, false)).toBe('abusive');
  });
});

describe('setsOf', () => {
  it('lists each task’s sets from the map', () => {
    expect(setsOf(MAP, 'emotion')).toEqual(['zh_clue', 'en_goemotions']);
    expect(setsOf(MAP, 'sentiment')).toEqual(['zh_hotel', 'en_goemotions']);
    expect(setsOf(MAP, 'empathy')).toEqual(['en_er', 'en_ex']);
    expect(setsOf(MAP, 'satisfaction')).toEqual(['zh_stc3']);
  });
});
