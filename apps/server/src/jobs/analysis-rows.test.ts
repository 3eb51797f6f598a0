import { describe, expect, it } from 'vitest';
import { createEngineService } from '../engine/engine-service.js';
import { analyzeSaid, type KnownTurn, type SaidMessage } from './analysis-rows.js';

const CUSTOMER = [
  '快递三天了还没到，到底怎么回事？',
  '我已经打了三次电话了，每次都让我等，太过分了！',
  'The refund still has not arrived.',
  '好吧，那我再等等。',
];
// Replies whose analysis depends on their context: ones that repeat earlier replies (robotic repetition), and ones
// that rush to a solution or joke with an upset customer.
const AGENT = [
  'No worries 😄 I will check it for you right away.',
  '请提供您的订单号，我帮您查询。',
  '非常抱歉让您久等了，我马上帮您查询物流。',
  '王先生，非常抱歉让您久等了，我马上帮您查询物流。',
  'I understand how frustrating this is. I have escalated the refund and will email you by Friday.',
  '您说的情况我记下了：快递三天没有更新，对吗？',
];

describe('analyzeSaid', () => {
  const { analyzer } = createEngineService({ models: true });
  const said: SaidMessage[] = Array.from({ length: 40 }, (_, i) => ({
    id: `m${i}`,
    type: i % 2 === 0 ? 'incoming' : 'outgoing',
    body: i % 2 === 0 ? CUSTOMER[(i / 2) % CUSTOMER.length]! : AGENT[((i - 1) / 2) % AGENT.length]!,
  }));

  it("gives each message the same analysis whether or not the earlier turns' analyses and normalised texts are reused", () => {
    const kept = new Map<string, KnownTurn>();
    const known = (m: SaidMessage) => kept.get(m.id);
    said.forEach((message, i) => {
      const reused = analyzeSaid(analyzer, message, said.slice(0, i), { customerName: '王先生', known });
      const fresh = analyzeSaid(analyzer, message, said.slice(0, i), { customerName: '王先生' });
      expect(reused.result).toEqual(fresh.result);
      expect(reused.normalized).toEqual(analyzer.normalize(message.body));
      kept.set(message.id, reused);
    });
    // The context mattered: later replies found what only the earlier ones explain.
    const techniques = [...kept.values()].flatMap((k) => (k.result.role === 'agent' ? k.result.agent.techniques.map((t) => t.id) : []));
    expect(techniques).toContain('robotic_repetition');
    expect(techniques.some((id) => id === 'tone_mismatch' || id === 'rushing_to_solution')).toBe(true);
  });
});
