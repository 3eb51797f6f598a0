import { describe, expect, it } from 'vitest';
import type { MessageResult } from './analysis-rows.js';
import { createRecentTurns, type TurnRow } from './recent-turns.js';

const row = (conversation: string, seq: number, body = `turn ${seq}`): TurnRow => ({
  id: `${conversation}-${seq}`,
  conversation_id: conversation,
  type: 'incoming',
  body,
  seq,
});
const seqs = (rows: readonly TurnRow[]) => rows.map((r) => r.seq);
const result = (empathyScore: number) => ({ role: 'agent', agent: { empathyScore } }) as unknown as MessageResult;
const v1a = { version: 'v1', lexiconHash: 'a' };
const v1b = { version: 'v1', lexiconHash: 'b' };

describe('recent conversation turns', () => {
  it('asks only for the turns after the last one read, and keeps the most recent window', () => {
    const turns = createRecentTurns({ maxTurns: 3 });
    expect(turns.after('a')).toBe(0);
    turns.read('a', 0, [row('a', 1), row('a', 4)]);
    expect(turns.after('a')).toBe(4);
    turns.read('a', 4, [row('a', 7), row('a', 9)]);
    expect(seqs(turns.turns('a'))).toEqual([4, 7, 9]);
    expect(turns.after('a')).toBe(9);
    expect(turns.turns('b')).toEqual([]);
  });

  it('takes in a turn committed after a later one was read, unless it is older than a full window', () => {
    const turns = createRecentTurns({ maxTurns: 3 });
    turns.read('a', 0, [row('a', 1), row('a', 5)]);
    turns.add(row('a', 3));
    expect(seqs(turns.turns('a'))).toEqual([1, 3, 5]);
    turns.add(row('a', 3));
    expect(seqs(turns.turns('a'))).toEqual([1, 3, 5]);
    turns.add(row('a', 0));
    expect(seqs(turns.turns('a'))).toEqual([1, 3, 5]);
    // Unknown conversations are left to their first read.
    turns.add(row('b', 2));
    expect(turns.after('b')).toBe(0);
  });

  it('reads a window in full again once it is old: another process may have committed a turn out of order', () => {
    let clock = 0;
    const turns = createRecentTurns({ maxTurns: 10, fullReadMs: 1_000, now: () => clock });
    turns.read('a', 0, [row('a', 1), row('a', 5)]);
    clock = 900;
    turns.read('a', 5, [row('a', 6)]);
    expect(turns.after('a')).toBe(6);
    clock = 1_001;
    expect(turns.after('a')).toBe(0);
    turns.read('a', 0, [row('a', 1), row('a', 3), row('a', 5), row('a', 6)]);
    expect(seqs(turns.turns('a'))).toEqual([1, 3, 5, 6]);
    expect(turns.after('a')).toBe(6);
  });

  it('keeps each turn’s analysis with its window, apart from another analyser’s, and through a full read', () => {
    const turns = createRecentTurns({ maxTurns: 2 });
    turns.read('a', 0, [row('a', 1), row('a', 2)]);
    turns.remember(v1a, row('a', 1), result(1));
    turns.remember(v1a, row('a', 9), result(9)); // not a turn of the window
    expect(turns.analysis(v1a, row('a', 1))?.result).toEqual(result(1));
    expect(turns.analysis(v1b, row('a', 1))).toBeUndefined();
    expect(turns.analysis(v1a, row('a', 9))).toBeUndefined();
    turns.read('a', 0, [row('a', 1), row('a', 2)]);
    expect(turns.analysis(v1a, row('a', 1))?.result).toEqual(result(1));
    // A turn that leaves the window takes its analysis with it.
    turns.read('a', 2, [row('a', 3)]);
    expect(turns.analysis(v1a, row('a', 1))).toBeUndefined();
    expect(seqs(turns.turns('a'))).toEqual([2, 3]);
  });

  it('keeps a turn’s normalised text with its analysis, and counts it in its size once', () => {
    const turns = createRecentTurns({ maxTurns: 5 });
    turns.read('a', 0, [row('a', 1, 'abcd')]);
    const normalized = { text: 'abcd', map: new Int32Array(5) };
    turns.remember(v1a, row('a', 1), result(1), normalized);
    expect(turns.analysis(v1a, row('a', 1))?.normalized).toBe(normalized);
    // Text 2 bytes a character, an analysis 1,500, a normalised text 6 a character.
    expect(turns.bytes).toBe(8 + 1_500 + 24);
    turns.remember(v1a, row('a', 1), result(1));
    expect(turns.analysis(v1a, row('a', 1))?.normalized).toBeUndefined();
    expect(turns.bytes).toBe(8 + 1_500);
  });

  it('forgets the least recently read conversations beyond its size, and never keeps a partial window', () => {
    // Text counts two bytes a character, an analysis 1,500.
    const turns = createRecentTurns({ maxTurns: 10, maxBytes: 20 });
    turns.read('a', 0, [row('a', 1, 'xxxx')]);
    turns.read('b', 0, [row('b', 2, 'xxxx')]);
    turns.read('a', 1, [row('a', 3, 'xx')]);
    turns.read('c', 0, [row('c', 4, 'xxxx')]);
    expect(turns.turns('b')).toEqual([]);
    expect(seqs(turns.turns('a'))).toEqual([1, 3]);
    expect(turns.bytes).toBe(20);
    // An analysis makes a window the size of the cache: the others go.
    turns.remember(v1a, row('c', 4), result(4));
    expect(turns.turns('a')).toEqual([]);
    expect(turns.analysis(v1a, row('c', 4))?.result).toEqual(result(4));
    // `after` was asked before the window was evicted: the rows read after it are not a window on their own.
    turns.read('b', 2, [row('b', 5)]);
    expect(turns.turns('b')).toEqual([]);
    expect(turns.after('b')).toBe(0);
  });
});
