import { describe, expect, it } from 'vitest';
import { applyRewrite } from './rewrite.js';

describe('applyRewrite', () => {
  it('replaces only the sentence that holds the harmful wording', () => {
    const draft = '您好。这不是我们的问题，你自己看说明书。还有别的吗？';
    const next = applyRewrite(draft, { id: 'arguing', span: { start: 4, end: 11 }, rewrite: '我先帮您查清楚原因。' });
    expect(next).toBe('您好。我先帮您查清楚原因。还有别的吗？');
  });

  it('takes a jargon rewrite as the whole new draft', () => {
    expect(applyRewrite('请提供SN码', { id: 'jargon', span: { start: 3, end: 6 }, rewrite: '请提供序列号' })).toBe('请提供序列号');
  });

  it('leaves the draft alone without a rewrite', () => {
    expect(applyRewrite('abc', { id: 'x', span: { start: 0, end: 1 } })).toBe('abc');
  });

  it('keeps English sentences and their spacing', () => {
    const draft = 'Hi Anna. Sorry if you feel that way. I will check.';
    expect(applyRewrite(draft, { id: 'non_apology', span: { start: 9, end: 35 }, rewrite: "I'm sorry this happened." })).toBe(
      "Hi Anna. I'm sorry this happened. I will check.",
    );
  });
});
