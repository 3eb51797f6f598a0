import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../analyzer.js';
import { AGENT_CONTEXT_TURNS } from '../techniques/agent.js';
import type { Dialogue } from '../types.js';

const analyzer = createAnalyzer();

const good: Dialogue = {
  id: 'good',
  customerName: '张先生',
  turns: [
    { role: 'agent', text: '您好，我是客服小李，很高兴为您服务。' },
    { role: 'customer', text: '宽带断了三天了，打了好几次电话都没人管，气死我了！！' },
    { role: 'agent', text: '张先生，断网三天确实让人很着急，换做是我也会生气。您是说宽带从周一开始一直断网，对吗？' },
    { role: 'customer', text: '对，就是周一开始的' },
    { role: 'agent', text: '这件事我来负责跟进。我已经为您预约了维修师傅，明天上午10点前上门，48小时内我会给您回电确认。' },
    { role: 'customer', text: '好的，谢谢你，总算有人管了' },
    { role: 'agent', text: '不客气。总结一下：明天上午师傅上门，我48小时内回电。还有什么其他可以帮您的吗？' },
    { role: 'customer', text: '没有了，太感谢了！' },
  ],
};

const bad: Dialogue = {
  id: 'bad',
  turns: [
    { role: 'customer', text: "I've called three times, my internet has been down for a week and nobody helps!!" },
    { role: 'agent', text: 'Sorry for any inconvenience. Have you restarted the router?' },
    { role: 'customer', text: 'As I already told you, I restarted it five times. This is ridiculous.' },
    { role: 'agent', text: "That's not possible, you must have done it wrong. Sorry for any inconvenience." },
    { role: 'customer', text: 'Unbelievable. I want to speak to a manager, and I will post this everywhere.' },
    { role: 'agent', text: "There's nothing I can do, it's policy." },
  ],
};

describe('analyzeConversation', () => {
  const g = analyzer.analyzeConversation(good);
  const b = analyzer.analyzeConversation(bad);

  it('follows the customer’s emotion from peak to a calmer end', () => {
    expect(g.trajectory).toHaveLength(4);
    expect(g.peak?.index).toBe(1);
    expect(g.end?.emotion).toBe('satisfaction');
    expect(g.turnaround).toBeGreaterThan(0.5);
    expect(b.turnaround).toBeLessThan(0.3);
  });

  it('checks the structure: greet → acknowledge → restate → propose → agree → recap → offer help', () => {
    for (const stage of ['greet', 'listen', 'acknowledge', 'restate', 'propose', 'agree', 'recap', 'offer_help'] as const) {
      expect(g.structure[stage], stage).toBe(true);
    }
    expect(b.structure.acknowledge).toBe(false);
    expect(b.structure.recap).toBe(false);
  });

  it('collects promises with due phrases and the message they were made in', () => {
    expect(g.promises.map((p) => p.due)).toEqual(expect.arrayContaining(['48小时内']));
    expect(g.promises.every((p) => g.messages[p.message]?.role === 'agent')).toBe(true);
  });

  it('scores the good agent above the bad one, and every point cites its findings', () => {
    expect(g.scorecard.total).toBeGreaterThan(b.scorecard.total + 30);
    expect(g.empathyScore).toBeGreaterThan(50);
    expect(b.empathyScore).toBeLessThan(0);
    for (const p of [...g.scorecard.points, ...b.scorecard.points]) {
      if (p.score !== 0 && p.reason) expect(p.evidence.length).toBeGreaterThan(0);
      for (const e of p.evidence) expect(e.message).toBeGreaterThanOrEqual(0);
    }
    const empathy = b.scorecard.points.find((p) => p.criterion === 'empathy');
    expect(empathy?.evidence.map((e) => e.id)).toContain('non_apology');
  });

  it('counts the customer’s risk signals and estimates satisfaction', () => {
    expect(b.signals.manager_request).toBeGreaterThanOrEqual(1);
    expect(b.signals.escalation_threat).toBeGreaterThanOrEqual(1);
    expect(b.signals.repeat_yourself + b.signals.repeat_contact).toBeGreaterThanOrEqual(1);
    expect(g.satisfaction.label).toBe('satisfied');
    expect(b.satisfaction.label).toBe('dissatisfied');
    expect(g.resolved).toBe(true);
    expect(b.resolved).toBe(false);
  });

  it('flags the same stock phrase used again by the agent', () => {
    const ids = b.messages.flatMap((m) => m.agent?.techniques.map((t) => t.id) ?? []);
    expect(ids).toContain('robotic_repetition');
    expect(ids).toContain('blunt_no');
    const gIds = g.messages.flatMap((m) => m.agent?.techniques.map((t) => t.id) ?? []);
    expect(gIds).toContain('personalisation');
  });

  it('handles empty and one-sided conversations', () => {
    const empty = analyzer.analyzeConversation({ id: 'e', turns: [] });
    expect(empty.scorecard.total).toBeGreaterThanOrEqual(0);
    expect(empty.trajectory).toEqual([]);
    const onlyCustomer = analyzer.analyzeConversation({ id: 'c', turns: [{ role: 'customer', text: 'hello?' }] });
    expect(onlyCustomer.messages).toHaveLength(1);
  });
});

describe('custom scorecards', () => {
  it('replaces the default scorecard and scores by its weights', () => {
    const custom = createAnalyzer({
      scorecard: {
        id: 'greeting-only',
        name: { zh: '问候', en: 'Greeting' },
        criteria: [
          {
            id: 'greeting',
            name: { zh: '问候', en: 'Greeting' },
            weight: 1,
            applicable: 'always',
            base: 0,
            rules: [{ any: ['greeting'], effect: 1, reason: { zh: '问候', en: 'greeted' } }],
          },
        ],
      },
    });
    expect(custom.analyzeConversation(good).scorecard.total).toBe(100);
    expect(custom.analyzeConversation(bad).scorecard.total).toBe(0);
  });
});

describe('reusing turns already analysed', () => {
  const closedQuestions: Dialogue = {
    id: 'closed',
    turns: [
      { role: 'customer', text: 'My parcel is late.' },
      { role: 'agent', text: 'Did you order it last week? Is the address right? Was it paid?' },
      { role: 'customer', text: 'Yes.' },
      { role: 'agent', text: 'Did you get an email? Is it tracked?' },
    ],
  };
  /** Each turn's analysis as a server stores it: analysed on arrival with the conversation so far, then saved as JSON. */
  function stored(dialogue: Dialogue, engine = analyzer): Dialogue {
    const turns = dialogue.turns.map((turn, i) => {
      const before = dialogue.turns.slice(0, i);
      const lastCustomer = before.findLast((t) => t.role === 'customer');
      const analysis =
        turn.role === 'customer'
          ? engine.analyzeCustomer(turn.text)
          : engine.analyzeAgent(turn.text, {
              ...(lastCustomer ? { customer: lastCustomer.text } : {}),
              previousAgentTurns: before
                .filter((t) => t.role === 'agent')
                .slice(-AGENT_CONTEXT_TURNS)
                .map((t) => t.text),
              ...(dialogue.customerName ? { customerName: dialogue.customerName } : {}),
            });
      return { ...turn, analysis: JSON.parse(JSON.stringify(analysis)) as typeof analysis };
    });
    return { ...dialogue, turns };
  }

  it('gives the same analysis as analysing every turn again', () => {
    const agentRepeats: Dialogue = {
      id: 'repeats',
      turns: Array.from({ length: 30 }, (_, i) => ({
        role: i % 2 === 0 ? ('customer' as const) : ('agent' as const),
        text: i % 2 === 0 ? `第${i}次问了，还没好？` : '非常抱歉给您带来不便，我们正在加急处理。',
      })),
    };
    for (const dialogue of [good, bad, closedQuestions, agentRepeats]) {
      expect(analyzer.analyzeConversation(stored(dialogue))).toEqual(analyzer.analyzeConversation(dialogue));
    }
    expect(
      analyzer
        .analyzeConversation(closedQuestions)
        .messages.flatMap((m) => m.agent?.techniques ?? [])
        .map((t) => t.id),
    ).toContain('closed_question_overuse');
  });

  it('uses the stored analysis instead of the text, and leaves the stored analysis as it was', () => {
    const dialogue = stored(closedQuestions);
    const [first, ...rest] = dialogue.turns;
    if (!first?.analysis || !('emotion' in first.analysis)) throw new Error('expected a customer analysis');
    const calm = { ...first.analysis, emotion: 'neutral' as const, intensity: 0, sentiment: 0.5 };
    const result = analyzer.analyzeConversation({ ...dialogue, turns: [{ ...first, analysis: calm }, ...rest] });
    expect(result.trajectory[0]).toMatchObject({ emotion: 'neutral', sentiment: 0.5 });
    // The conversation adds closed-question overuse to the last agent turn, in its own copy only.
    const ids = (turn: Dialogue['turns'][number] | undefined) =>
      (turn?.analysis && 'techniques' in turn.analysis ? turn.analysis.techniques : []).map((t) => t.id);
    expect(result.messages[3]?.agent?.techniques.map((t) => t.id)).toContain('closed_question_overuse');
    expect(ids(dialogue.turns[3])).not.toContain('closed_question_overuse');
  });

  it('reads a turn’s kept normalised text instead of normalising it again, with the same result', () => {
    for (const dialogue of [good, bad, closedQuestions]) {
      const kept = stored(dialogue);
      const turns = kept.turns.map((turn) => ({ ...turn, normalized: analyzer.normalize(turn.text) }));
      expect(analyzer.analyzeConversation({ ...kept, turns })).toEqual(analyzer.analyzeConversation(dialogue));
    }
    // Proof that it is read: a reply kept with the normalised text of an offer of more help counts as one.
    const offer = analyzer.normalize('Is there anything else I can help you with?');
    const plain: Dialogue = {
      id: 'n',
      turns: [
        { role: 'customer', text: 'Hi.' },
        { role: 'agent', text: 'Hello.' },
      ],
    };
    expect(analyzer.analyzeConversation(plain).structure.offer_help).toBe(false);
    const turns = plain.turns.map((turn, i) => (i === 1 ? { ...turn, normalized: offer } : turn));
    expect(analyzer.analyzeConversation({ ...plain, turns }).structure.offer_help).toBe(true);
  });

  it('analyses a turn whose stored analysis is of the other role', () => {
    const dialogue = stored(good);
    const swapped = dialogue.turns.map((turn, i) => ({ ...turn, analysis: dialogue.turns[i % 2 === 0 ? i + 1 : i - 1]?.analysis }));
    expect(analyzer.analyzeConversation({ ...dialogue, turns: swapped })).toEqual(analyzer.analyzeConversation(good));
  });
});
