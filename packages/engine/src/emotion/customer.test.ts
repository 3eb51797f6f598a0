import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../analyzer.js';

const analyzer = createAnalyzer();
const emotion = (text: string) => analyzer.analyzeCustomer(text).emotion;
const signals = (text: string) => analyzer.analyzeCustomer(text).signals.map((s) => s.id);

describe.each([
  {
    lang: 'zh',
    emotions: [
      ['气死我了，你们这是什么破服务！', ['anger', 'frustration']],
      ['等了一个星期了还没解决，真的无语了', ['frustration', 'anger']],
      ['我的卡在国外被冻结了，明天就要用，怎么办啊', ['anxiety']],
      ['太失望了，心好累', ['sadness']],
      ['我看不懂这个账单是什么意思', ['confusion']],
      ['太感谢了，问题终于解决了，服务很专业', ['satisfaction']],
      ['我想查一下订单号', ['neutral']],
    ],
    signals: [
      ['你是猪吗，听不懂人话', 'abuse'],
      ['再不处理我就投诉到12315', 'escalation_threat'],
      ['我要去工信部投诉你们，还要找媒体曝光', 'escalation_threat'],
      ['信不信我弄死你', 'threat'],
      ['我真的不想活了', 'self_harm'],
      ['我已经说过三遍了', 'repeat_yourself'],
      ['这是我第三次打电话了', 'repeat_contact'],
      ['呵呵，你们服务真是一流啊', 'sarcasm'],
      ['叫你们经理来', 'manager_request'],
      ['我要销户，再也不用你们了', 'churn_risk'],
    ],
  },
  {
    lang: 'en',
    emotions: [
      ['This is absolutely ridiculous, I am furious!', ['anger', 'frustration']],
      ['Still not fixed after a week, what a waste of time', ['frustration', 'anger']],
      ["I'm really worried, my card is blocked and I fly tomorrow", ['anxiety']],
      ['I am so disappointed and heartbroken', ['sadness']],
      ["I don't understand what this charge means", ['confusion']],
      ['Thank you so much, that fixed it, you are amazing!', ['satisfaction']],
      ['My account number is 12345', ['neutral']],
    ],
    signals: [
      ['You are a useless idiot', 'abuse'],
      ['I will report you to the BBB and contact my lawyer', 'escalation_threat'],
      ["I know where you live, you'll regret this", 'threat'],
      ['I want to kill myself', 'self_harm'],
      ['As I already told you, the router is plugged in', 'repeat_yourself'],
      ['This is the third time I am calling about this', 'repeat_contact'],
      ['Oh great, just great, another week of waiting', 'sarcasm'],
      ['I want to speak to a manager', 'manager_request'],
      ['I am going to cancel my account', 'churn_risk'],
    ],
  },
])('$lang customer signals', ({ emotions, signals: cases }) => {
  it.each(emotions)('%s → %s', (text, expected) => {
    expect(expected).toContain(emotion(text as string));
  });

  it.each(cases)('%s → %s', (text, id) => {
    expect(signals(text)).toContain(id);
  });
});

describe('cues, negation and intensity', () => {
  it('negation turns satisfaction into frustration and calms a negated worry', () => {
    expect(analyzer.analyzeCustomer('我很满意').sentiment).toBeGreaterThan(0);
    expect(analyzer.analyzeCustomer('我很不满意').sentiment).toBeLessThan(0);
    expect(analyzer.analyzeCustomer('I am not happy with this').sentiment).toBeLessThan(0);
    expect(emotion('不着急，慢慢来')).not.toBe('anxiety');
  });

  it('intensifiers, exclamation runs and CAPS raise intensity', () => {
    const calm = analyzer.analyzeCustomer('有点生气');
    const hot = analyzer.analyzeCustomer('非常生气！！！');
    expect(hot.intensity).toBeGreaterThan(calm.intensity);
    const shout = analyzer.analyzeCustomer('THIS IS UNACCEPTABLE, FIX IT NOW');
    const quiet = analyzer.analyzeCustomer('this is unacceptable, fix it now');
    expect(shout.intensity).toBeGreaterThan(quiet.intensity);
  });

  it('reads sarcastic praise as a complaint', () => {
    expect(analyzer.analyzeCustomer('Great, just great, another week of waiting').sentiment).toBeLessThan(0);
  });

  it('normalises Traditional Chinese and full-width text before matching, with spans into the original', () => {
    const text = '我已經說過三遍了，你們客戶服務太差了！！';
    const a = analyzer.analyzeCustomer(text);
    expect(a.signals.map((s) => s.id)).toContain('repeat_yourself');
    for (const s of a.signals) expect(text.slice(s.span.start, s.span.end)).toBe(s.text);
    expect(analyzer.analyzeCustomer('ＩＴ\u3000ＩＳ ＲＩＤＩＣＵＬＯＵＳ').emotion).not.toBe('neutral');
  });

  it('does not read a polite 不好意思 as negative', () => {
    expect(analyzer.analyzeCustomer('不好意思，想问一下发货时间').sentiment).toBeGreaterThanOrEqual(0);
  });

  it('keeps emoji as signals', () => {
    expect(analyzer.analyzeCustomer('😡😡😡').emotion).toBe('anger');
    expect(analyzer.analyzeCustomer('👍👍').sentiment).toBeGreaterThan(0);
  });

  it('flags a social group named in a derogatory message, not a neutral mention', () => {
    expect(signals('河南人都是骗子，恶心死了')).toContain('abuse');
    expect(signals('我是河南人，想问一下快递能送到郑州吗')).not.toContain('abuse');
  });
});
