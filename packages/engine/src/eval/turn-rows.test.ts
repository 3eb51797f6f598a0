import { describe, expect, it } from 'vitest';
import { labelledTurns } from './turn-rows.js';

describe('labelledTurns', () => {
  it('gives each labelled agent turn its dialogue index as id and the three turns before it as context', () => {
    const turns = [
      { role: 'agent' as const, text: 'Hi', strategy: 'Others' },
      { role: 'customer' as const, text: 'a' },
      { role: 'customer' as const, text: 'b' },
      { role: 'agent' as const, text: 'unlabelled' },
      { role: 'agent' as const, text: 'Why?', strategy: ' Question ' },
      { role: 'customer' as const, text: 'c', strategy: 'Question' },
      { role: 'agent' as const, text: 'blank', strategy: '' },
    ];
    const rows = labelledTurns({ id: 'x', turns }, 'strategy');
    expect(rows.map((r) => [r.row.id, r.label])).toEqual([
      ['x-t000', 'Others'],
      ['x-t004', 'Question'],
    ]);
    expect(rows[0]?.row.context).toEqual([]);
    expect(rows[1]?.row).toEqual({
      id: 'x-t004',
      text: 'Why?',
      context: [
        { role: 'customer', text: 'a' },
        { role: 'customer', text: 'b' },
        { role: 'agent', text: 'unlabelled' },
      ],
    });
  });
});
