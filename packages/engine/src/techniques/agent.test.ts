import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../analyzer.js';
import { RAW_LEXICON } from '../generated/lexicons.js';

const analyzer = createAnalyzer();
const ids = (draft: string, customer?: string, previous?: string[]) =>
  analyzer
    .analyzeAgent(draft, { ...(customer !== undefined ? { customer } : {}), ...(previous ? { previousAgentTurns: previous } : {}) })
    .techniques.map((t) => t.id);

/** Computed by rules or context, not by lexicon patterns. */
const COMPUTED = new Set([
  'closed_question_overuse',
  'rushing_to_solution',
  'robotic_repetition',
  'unfilled_template',
  'tone_mismatch',
  'unprofessional_language',
  'jargon',
  'other',
  'guideline_phrase',
  'guideline_violation',
]);
const NEEDS_REWRITE = ['non_apology', 'blunt_no', 'blame_or_assumption', 'arguing', 'dismissive_question'];

describe('the technique catalogue', () => {
  const catalogue = new Map(RAW_LEXICON.catalogue.techniques.map((t) => [t.id, t]));

  it('explains every id the lexicons use, in both languages', () => {
    for (const lang of ['zh', 'en'] as const) {
      for (const [, id] of RAW_LEXICON[lang].techniques) expect(catalogue.has(id), `${lang} uses unknown technique ${id}`).toBe(true);
    }
    for (const t of catalogue.values()) {
      for (const field of ['name', 'explanation', 'suggestion'] as const) {
        expect(t[field].zh.length, `${t.id}.${field}.zh`).toBeGreaterThan(1);
        expect(t[field].en.length, `${t.id}.${field}.en`).toBeGreaterThan(1);
      }
    }
  });

  it('has zh and en patterns for every pattern-based technique', () => {
    for (const t of catalogue.values()) {
      if (COMPUTED.has(t.id)) continue;
      for (const lang of ['zh', 'en'] as const) {
        expect(
          RAW_LEXICON[lang].techniques.some(([, id]) => id === t.id),
          `${t.id} has no ${lang} pattern`,
        ).toBe(true);
      }
    }
  });

  it('gives a rewrite for every non_apology, blunt_no, blame, arguing and dismissive_question pattern', () => {
    for (const lang of ['zh', 'en'] as const) {
      for (const [pattern, id, , rewrite] of RAW_LEXICON[lang].techniques) {
        if (NEEDS_REWRITE.includes(id)) expect(rewrite.length, `${lang} ${id} "${pattern}" has no rewrite`).toBeGreaterThan(3);
      }
    }
  });

  it('has jargon glossaries with plain alternatives', () => {
    expect(RAW_LEXICON.zh.jargon.length).toBeGreaterThan(30);
    expect(RAW_LEXICON.en.jargon.length).toBeGreaterThan(30);
  });
});

describe.each([
  {
    lang: 'zh',
    cases: [
      ['那感觉一定很糟糕，换做是我也会着急', 'acknowledge_emotion'],
      ['发生这种事我很抱歉，是我们的失误', 'sincere_apology'],
      ['给您带来的不便我们深表歉意', 'non_apology'],
      ['今天这通电话里我会把它处理好', 'ownership'],
      ['好的，让我们为您解决这个问题', 'positive_assurance'],
      ['我确认一下，您是说路由器一直在闪红灯，对吗？', 'confirm_understanding'],
      ['不可能，这个没办法', 'blunt_no'],
      ['您应该早点联系我们的', 'blame_or_assumption'],
      ['不是这样的，您说的不对', 'arguing'],
      ['你是什么意思？', 'dismissive_question'],
      ['我保证绝对不会再出现这种问题', 'over_promise'],
      ['能具体说说是怎么回事吗？', 'open_question'],
      ['还有什么其他可以帮您的吗？', 'recap_and_offer'],
      ['感谢您的耐心等待', 'thanks'],
      ['您好，我是客服小李，很高兴为您服务', 'greeting'],
      ['请您稍等，我查询一下', 'hold_notice'],
      ['您好【客户姓名】，您的订单已发货', 'unfilled_template'],
      ['您的工单已经升级处理，请等待二线回复', 'jargon'],
      ['我会在48小时内给您回电', 'expectation_setting'],
      ['虽然不能直接退款，但是我可以为您申请换货', 'positive_no'],
      ['建议您先重启一下路由器试试', 'suggestion'],
    ],
  },
  {
    lang: 'en',
    cases: [
      ['That sounds really frustrating, I can imagine how you feel.', 'acknowledge_emotion'],
      ["I'm sorry this happened, we got this wrong.", 'sincere_apology'],
      ['Sorry for any inconvenience.', 'non_apology'],
      ["I'm sorry if you feel that way.", 'non_apology'],
      ["I'll take care of this personally.", 'ownership'],
      ['Just to confirm, the router has been offline since Monday, is that right?', 'confirm_understanding'],
      ["That's not possible, it's policy.", 'blunt_no'],
      ['You should have read the terms.', 'blame_or_assumption'],
      ["That's not true, you're wrong.", 'arguing'],
      ['What do you mean?', 'dismissive_question'],
      ['I guarantee this will never happen again.', 'over_promise'],
      ['Can you tell me more about what happened?', 'open_question'],
      ['Is there anything else I can help you with?', 'recap_and_offer'],
      ['Thank you for your patience.', 'thanks'],
      ['Hi, my name is Sam, how can I help?', 'greeting'],
      ['Please bear with me while I check.', 'hold_notice'],
      ['Dear {first_name}, your order has shipped.', 'unfilled_template'],
      ['I have raised an RMA and escalated to tier 2.', 'jargon'],
      ["I'll call you back by Friday.", 'expectation_setting'],
      ['What I can do is send a technician tomorrow.', 'positive_no'],
      ['You could try restarting the router.', 'suggestion'],
      ['I went through something similar last year.', 'self_disclosure'],
    ],
  },
])('$lang techniques', ({ cases }) => {
  it.each(cases)('%s → %s', (draft, id) => {
    expect(ids(draft)).toContain(id);
  });

  it('reports spans that point at the original text', () => {
    for (const [draft = ''] of cases) {
      for (const t of analyzer.analyzeAgent(draft).techniques) expect(draft.slice(t.span.start, t.span.end)).toBe(t.text);
    }
  });
});

describe('context-aware techniques', () => {
  it('flags a solution before any acknowledgement to an upset customer, not to a calm one', () => {
    expect(ids('建议您先重启一下路由器试试', '气死我了！！宽带又断了，已经第三次了')).toContain('rushing_to_solution');
    expect(ids('真的很抱歉让您这么着急。建议您先重启一下路由器试试', '气死我了！！宽带又断了，已经第三次了')).not.toContain(
      'rushing_to_solution',
    );
    expect(ids('You could try restarting the router.', 'This is ridiculous, the internet has been down for a week!!')).toContain(
      'rushing_to_solution',
    );
    expect(ids('You could try restarting the router.', 'How do I restart the router?')).not.toContain('rushing_to_solution');
  });

  it('recognises a paraphrase only when the reply restates the customer’s key terms', () => {
    const customer = '我上周买的榨汁机用了两天就坏了，小票也找不到了';
    expect(ids('您是说上周买的榨汁机用了两天就坏了，小票也找不到了，对吗？', customer)).toContain('paraphrase');
    expect(ids('好的，请稍等', customer)).not.toContain('paraphrase');
    expect(
      ids(
        'So the juicer you bought last week broke after two days and the receipt is lost?',
        'The juicer I bought last week broke after two days and I lost the receipt',
      ),
    ).toContain('paraphrase');
  });

  it('flags a stiff formal reply to a casual emoji-using customer, and jokes to an angry one', () => {
    expect(ids('尊敬的客户，您反映的问题我们已知悉，敬请等待处理结果。', '亲~快递到哪儿啦😊')).toContain('tone_mismatch');
    expect(ids('哈哈别急嘛😄', '你们这是什么破服务！！气死我了')).toContain('tone_mismatch');
    expect(ids('Dear valued customer, we regret to inform you of a delay.', 'hey lol where is my package 😅')).toContain('tone_mismatch');
    expect(ids('好的，我马上帮您查一下', '亲~快递到哪儿啦😊')).not.toContain('tone_mismatch');
  });

  it('flags the same stock phrase repeated across turns', () => {
    const stock = '您的问题我们已经记录，请耐心等待。';
    expect(ids(stock, '到底什么时候处理？', [stock])).toContain('robotic_repetition');
    expect(ids(stock, '到底什么时候处理？', [])).not.toContain('robotic_repetition');
  });

  it('flags three closed questions in one reply as overuse', () => {
    expect(ids('Do you have the receipt? Is it plugged in? Did you reset it?')).toContain('closed_question_overuse');
    expect(ids('Do you have the receipt?')).not.toContain('closed_question_overuse');
  });

  it('recognises the customer’s name as personalisation', () => {
    const a = analyzer.analyzeAgent('王女士您好，我来帮您查一下', { customerName: '王女士' });
    expect(a.techniques.map((t) => t.id)).toContain('personalisation');
  });

  it('extracts promises with their due phrase', () => {
    const zh = analyzer.analyzeAgent('我会在48小时内给您回电，请保持电话畅通。');
    expect(zh.promises[0]?.due).toBe('48小时内');
    const en = analyzer.analyzeAgent("I'll email you the refund confirmation by Friday.");
    expect(en.promises[0]?.due).toBe('by Friday');
  });

  it('does not praise a negated good technique', () => {
    expect(ids('我不理解您的心情')).not.toContain('acknowledge_emotion');
  });

  it('gives a primary technique for every reply', () => {
    expect(analyzer.analyzeAgent('ok').primary).toBeTypeOf('string');
    expect(analyzer.analyzeAgent('').primary).toBe('other');
  });
});

describe('organisation guidelines', () => {
  const custom = createAnalyzer({
    guidelines: {
      doSay: [{ phrase: '我们一起来解决', technique: 'positive_assurance' }],
      dontSay: [{ phrase: '亲', rewrite: '您好' }],
      glossary: [{ term: 'FTTH', plain: '光纤入户' }],
    },
  });

  it('merges do-say, don’t-say and glossary with the defaults', () => {
    const a = custom.analyzeAgent('亲，我们一起来解决这个FTTH的问题，不过给您带来的不便深表歉意');
    const found = a.techniques.map((t) => `${t.id}:${t.source}`);
    expect(found).toContain('positive_assurance:guidelines');
    expect(found).toContain('guideline_violation:guidelines');
    expect(found).toContain('jargon:guidelines');
    expect(found).toContain('non_apology:lexicon');
    expect(a.techniques.find((t) => t.id === 'guideline_violation')?.rewrite).toBe('您好');
    expect(a.techniques.find((t) => t.id === 'jargon' && t.source === 'guidelines')?.rewrite).toBe('光纤入户');
  });

  it('leaves the default analyser untouched', () => {
    expect(analyzer.analyzeAgent('亲，FTTH').techniques.map((t) => t.id)).not.toContain('guideline_violation');
  });
});
