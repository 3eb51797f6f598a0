import { describe, expect, it } from 'vitest';
import { createMatcher, dropContained } from './matcher.js';

describe('createMatcher', () => {
  const m = createMatcher([
    { pattern: '给您带来*不便', data: 'non_apology' },
    { pattern: 'sorry * feel that way', data: 'non_apology_en' },
    { pattern: 'sorry', data: 'sorry' },
    { pattern: '不错', data: 'good' },
    { pattern: '错', data: 'wrong' },
    { pattern: ':)', data: 'smile' },
  ]);

  it('matches Chinese anywhere and verifies gaps of up to 8 characters', () => {
    expect(m.match('给您带来的不便深表歉意').map((x) => x.data)).toEqual(['non_apology']);
    expect(m.match('给您带来了一些非常非常严重的不便').map((x) => x.data)).toEqual([]);
  });

  it('matches English whole words only, with gaps of up to three words', () => {
    expect(m.match("i'm sorry if you feel that way").map((x) => x.data)).toEqual(['non_apology_en', 'sorry']);
    expect(m.match('sorryness').length).toBe(0);
    expect(m.match('sorry that you and all of them feel that way').some((x) => x.data === 'non_apology_en')).toBe(false);
  });

  it('needs no word boundary around punctuation patterns', () => {
    expect(m.match('thanks:)').map((x) => x.data)).toEqual(['smile']);
  });

  it('lets a longer match hide a shorter one inside it', () => {
    expect(dropContained(m.match('这个不错')).map((x) => x.data)).toEqual(['good']);
    expect(dropContained(m.match('这个错了')).map((x) => x.data)).toEqual(['wrong']);
  });

  it('returns spans into the searched text', () => {
    const [hit] = m.match('abc sorry');
    expect(hit).toMatchObject({ start: 4, end: 9 });
  });
});
