import { describe, expect, it } from 'vitest';
import { insertCanned, slashQueryAt, unfilledVariables } from './canned.js';

describe('canned reply helpers', () => {
  it('finds the slash shortcut before the caret', () => {
    expect(slashQueryAt('/', 1)).toEqual({ start: 0, query: '' });
    expect(slashQueryAt('您好 /ref', 7)).toEqual({ start: 3, query: 'ref' });
    expect(slashQueryAt('您好\n/退款', 6)).toEqual({ start: 3, query: '退款' });
    expect(slashQueryAt('http://x', 8)).toBeNull();
    expect(slashQueryAt('a/b', 3)).toBeNull();
    expect(slashQueryAt('/ref done', 9)).toBeNull();
  });

  it('replaces the shortcut with the body and keeps what follows', () => {
    expect(insertCanned('Hi /ref!', { start: 3, query: 'ref' }, 'BODY')).toEqual({ draft: 'Hi BODY!', caret: 7 });
  });

  it('lists unfilled variables once each', () => {
    expect(unfilledVariables('您好 {{customer.name}}，订单 {{ order.id }}，{{customer.name}}')).toEqual(['customer.name', 'order.id']);
    expect(unfilledVariables('no variables {single} here')).toEqual([]);
    expect(unfilledVariables('{{}}')).toEqual(['…']);
  });
});
