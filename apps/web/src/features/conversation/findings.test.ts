import { describe, expect, it } from 'vitest';
import { marksOf } from './findings.js';

describe('marksOf', () => {
  it('highlights signals and emotion cues in customer messages', () => {
    const marks = marksOf({
      role: 'customer',
      customer: {
        lang: 'zh',
        emotion: 'anger',
        intensity: 0.8,
        sentiment: -0.7,
        signals: [{ id: 'abuse', span: { start: 0, end: 2 }, text: '废物', confidence: 0.9 }],
        cues: [
          { id: 'emotion:anger', span: { start: 3, end: 5 }, text: '气死', confidence: 0.8 },
          { id: 'cue:exclamation', span: { start: 5, end: 8 }, text: '！！！', confidence: 0.5 },
        ],
      },
    });
    expect(marks.map((m) => [m.id, m.tone])).toEqual([
      ['abuse', 'signal'],
      ['emotion:anger', 'cue'],
    ]);
  });

  it('highlights good and harmful agent techniques, not neutral acts', () => {
    const marks = marksOf({
      role: 'agent',
      agent: {
        lang: 'zh',
        empathyScore: 0,
        primary: 'information',
        techniques: [
          { id: 'non_apology', polarity: 'harmful', span: { start: 0, end: 7 }, text: '', confidence: 1 },
          { id: 'verbal_nod', polarity: 'good', span: { start: 8, end: 10 }, text: '', confidence: 1 },
          { id: 'information', polarity: 'neutral', span: { start: 10, end: 20 }, text: '', confidence: 1 },
        ],
      },
    });
    expect(marks.map((m) => m.tone)).toEqual(['harmful', 'good']);
    expect(marksOf(null)).toEqual([]);
  });
});
