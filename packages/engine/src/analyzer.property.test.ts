import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from './analyzer.js';

const analyzer = createAnalyzer();
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary-ascii', maxLength: 300 }),
  fc.constantFrom('', ' ', '\ud800', '\udfff\ud800', '😡😡😡', '客戶(hù)', '{name}', '【客户姓名】', '！！！？？？', '\u0000\u0001'),
);

describe('the engine never throws and is deterministic', () => {
  it('on any customer message', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const a = analyzer.analyzeCustomer(text);
        expect(a.intensity).toBeGreaterThanOrEqual(0);
        expect(a.intensity).toBeLessThanOrEqual(1);
        expect(Math.abs(a.sentiment)).toBeLessThanOrEqual(1);
        for (const s of a.signals) {
          expect(s.span.start).toBeGreaterThanOrEqual(0);
          expect(s.span.end).toBeLessThanOrEqual(text.length);
          expect(text.slice(s.span.start, s.span.end)).toBe(s.text);
        }
        expect(analyzer.analyzeCustomer(text)).toEqual(a);
      }),
      { numRuns: 400 },
    );
  });

  it('on any agent reply with any customer context and coaching', () => {
    fc.assert(
      fc.property(anyText, anyText, fc.array(anyText, { maxLength: 3 }), (draft, customer, previous) => {
        const a = analyzer.analyzeAgent(draft, { customer, previousAgentTurns: previous, customerName: customer.slice(0, 3) });
        for (const t of a.techniques) {
          expect(t.span.start).toBeGreaterThanOrEqual(0);
          expect(t.span.end).toBeLessThanOrEqual(draft.length);
          expect(t.span.start).toBeLessThanOrEqual(t.span.end);
          expect(t.confidence).toBeGreaterThan(0);
          expect(t.confidence).toBeLessThanOrEqual(1);
        }
        expect(a.empathyScore).toBeGreaterThanOrEqual(-100);
        expect(a.empathyScore).toBeLessThanOrEqual(100);
        const hints = analyzer.coach(draft, { customer }).hints;
        expect(Array.isArray(hints)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('on any conversation', () => {
    const turn = fc.record({ role: fc.constantFrom('customer' as const, 'agent' as const), text: anyText });
    fc.assert(
      fc.property(fc.array(turn, { maxLength: 8 }), (turns) => {
        const c = analyzer.analyzeConversation({ id: 'x', turns });
        expect(c.messages.length).toBe(turns.length);
        expect(c.scorecard.total).toBeGreaterThanOrEqual(0);
        expect(c.scorecard.total).toBeLessThanOrEqual(100);
        expect(analyzer.analyzeConversation({ id: 'x', turns })).toEqual(c);
      }),
      { numRuns: 200 },
    );
  });

  it('on a 1 MB message', () => {
    const big = '你们的服务太差了！我已经说过三遍了。This is ridiculous!!! '.repeat(20_000).slice(0, 1_000_000);
    const c = analyzer.analyzeCustomer(big);
    expect(c.emotion).not.toBe('neutral');
    const a = analyzer.analyzeAgent(big, { customer: big });
    expect(a.techniques.length).toBeGreaterThanOrEqual(0);
    const conv = analyzer.analyzeConversation({
      id: 'big',
      turns: [
        { role: 'customer', text: big },
        { role: 'agent', text: big },
      ],
    });
    expect(conv.messages).toHaveLength(2);
  });

  it('stays linear on pathological text (each case would take minutes if quadratic)', () => {
    analyzer.analyzeAgent('a?'.repeat(50_000));
    analyzer.analyzeAgent('吗?'.repeat(50_000));
    analyzer.analyzeAgent('一'.repeat(100_000));
    analyzer.analyzeAgent('ok', { previousAgentTurns: [`ab${' '.repeat(100_000)}cd`] });
    analyzer.analyzeCustomer('what xmeans '.repeat(20_000));
    analyzer.analyzeAgent('must be xhard '.repeat(20_000));
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i}x`).join(' ');
    analyzer.analyzeAgent('ab! '.repeat(40_000), { customer: words });
    expect(true).toBe(true);
  }, 20_000);

  it('keeps a dropped pinyin gloss out of the span', () => {
    const c = analyzer.analyzeCustomer('我很生氣(qì)');
    for (const cue of [...c.cues, ...c.signals]) expect(cue.text).not.toContain('(');
  });

  it('rejects misuse at the boundary with a tongli-prefixed message', () => {
    expect(() => createAnalyzer({ guidelines: { doSay: [{ phrase: 'x', technique: 5 as never }] } })).toThrow(
      /^tongli: guidelines\.doSay\[0\]\.technique/,
    );
    const card = structuredClone(analyzer.scorecard) as never as { criteria: { rules: { reason?: unknown }[] }[] };
    delete card.criteria[0]?.rules[0]?.reason;
    expect(() => createAnalyzer({ scorecard: card as never })).toThrow(/^tongli: scorecard criterion .* reason/);
    expect(() => createAnalyzer({ guidelines: 'nope' as never })).toThrow(/^tongli: /);
    expect(() => createAnalyzer({ scorecard: { id: 'x' } as never })).toThrow(/^tongli: /);
  });
});
