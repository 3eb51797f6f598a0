import { describe, expect, it } from 'vitest';
import { agreementOf, agreementRate, cleanGuidelines, scorecardProblems, weightShares } from './model.js';

const criterion = (id: string, weight: number) => ({
  id,
  name: { zh: id, en: id },
  weight,
  applicable: 'always' as const,
  base: 0,
  rules: [],
});

describe('QA settings model', () => {
  it('drops empty guideline rows and trims the rest', () => {
    expect(
      cleanGuidelines({
        doSay: [{ phrase: ' 感谢您的耐心 ', technique: '' }, { phrase: '  ' }],
        dontSay: [{ phrase: '亲', rewrite: ' 您好 ' }],
        glossary: [
          { term: 'SLA', plain: '' },
          { term: 'RMA', plain: '退货授权' },
        ],
      }),
    ).toEqual({
      doSay: [{ phrase: '感谢您的耐心' }],
      dontSay: [{ phrase: '亲', rewrite: '您好' }],
      glossary: [{ term: 'RMA', plain: '退货授权' }],
    });
  });

  it('shows the total weight and each share', () => {
    expect(weightShares({ criteria: [criterion('a', 30), criterion('b', 10)] })).toEqual({ total: 40, shares: [75, 25] });
    expect(weightShares({ criteria: [criterion('a', 0)] })).toEqual({ total: 0, shares: [0] });
  });

  it('flags a scorecard the server would refuse', () => {
    const card = { id: 'x', name: { zh: 'x', en: 'x' }, criteria: [criterion('a', 0), criterion('a', 0), criterion('B c', 1)] };
    expect(scorecardProblems(card)).toEqual(['duplicate:a', 'id:B c']);
    expect(scorecardProblems({ ...card, criteria: [criterion('a', 0)] })).toEqual(['weight']);
  });

  it('rates agreement between reviewers per criterion', () => {
    const two = [
      { evaluationId: '1', reviewerId: 'a', score: 0.5 },
      { evaluationId: '2', reviewerId: 'b', score: 0.5 },
    ];
    expect(agreementOf({ reviews: two, spread: 0 })).toBe('agree');
    expect(agreementOf({ reviews: two, spread: 0.25 })).toBe('close');
    expect(agreementOf({ reviews: two, spread: 0.6 })).toBe('apart');
    expect(agreementOf({ reviews: two.slice(0, 1), spread: 0 })).toBe('single');
    expect(
      agreementRate([
        { reviews: two, spread: 0 },
        { reviews: two, spread: 0.5 },
        { reviews: [], spread: 0 },
      ]),
    ).toBe(50);
    expect(agreementRate([])).toBeNull();
  });
});
