import { describe, expect, it } from 'vitest';
import { buildSegments } from './segments.js';

describe('buildSegments', () => {
  it('returns the whole text as one plain run without marks', () => {
    expect(buildSegments('你好', [])).toEqual([{ start: 0, end: 2, text: '你好', marks: [] }]);
    expect(buildSegments('', [])).toEqual([]);
  });

  it('splits at overlapping marks and keeps every character once', () => {
    const text = '这不是我们的问题，你自己看说明书';
    const segments = buildSegments(text, [
      { id: 'arguing', start: 1, end: 8, tone: 'harmful' },
      { id: 'blame', start: 5, end: 13, tone: 'harmful' },
    ]);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.map((s) => s.marks.map((m) => m.id))).toEqual([[], ['arguing'], ['arguing', 'blame'], ['blame'], []]);
  });

  it('clips marks that fall outside the text and drops empty ones', () => {
    const segments = buildSegments('abc', [
      { id: 'x', start: 2, end: 99, tone: 'cue' },
      { id: 'y', start: 5, end: 7, tone: 'cue' },
      { id: 'z', start: 1, end: 1, tone: 'cue' },
    ]);
    expect(segments.map((s) => [s.text, s.marks.length])).toEqual([
      ['ab', 0],
      ['c', 1],
    ]);
  });

  it('keeps markup as plain text', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    expect(buildSegments(hostile, [{ id: 'x', start: 0, end: 4, tone: 'signal' }]).map((s) => s.text)).toEqual([
      '<img',
      ' src=x onerror=alert(1)>',
    ]);
  });
});
