import { describe, expect, it } from 'vitest';
import type { MessageResult } from './analysis-rows.js';
import { createRecentAnalyses } from './recent-analyses.js';

const result = (empathyScore: number) => ({ role: 'agent', agent: { empathyScore } }) as unknown as MessageResult;

const a = { version: 'v1', lexiconHash: 'a' };
const b = { version: 'v1', lexiconHash: 'b' };

describe('recent analyses', () => {
  it('keeps the most recently used entries, and entries of one analyser apart from another', () => {
    const cache = createRecentAnalyses(2);
    cache.set(a, 'm1', result(1));
    cache.set(a, 'm2', result(2));
    expect(cache.get(a, 'm1')).toEqual(result(1)); // m1 is now the most recent
    cache.set(a, 'm3', result(3)); // evicts m2, the least recently used
    expect(cache.get(a, 'm2')).toBeUndefined();
    expect(cache.get(a, 'm1')).toEqual(result(1));
    expect(cache.get(a, 'm3')).toEqual(result(3));
    expect(cache.get(b, 'm3')).toBeUndefined();
    expect(cache.size).toBe(2);
  });
});
