import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../analyzer.js';
import { CONTEXT_WEIGHT, createFeaturizer, FEATURES_VERSION } from './features.js';
import { parseModel, serializeModel, topContribution, topContributions, type ModelFile } from './linear.js';

const rules = createAnalyzer();

// A small, hand-written training set: the model must learn words the lexicons do not know.
const rows = [
  ['这个配送员太磨叽了', 'negative'],
  ['磨叽半天才送到', 'negative'],
  ['又磨叽又慢', 'negative'],
  ['真磨叽，下次不点了', 'negative'],
  ['磨叽死了', 'negative'],
  ['麻溜送到，很利索', 'positive'],
  ['小哥很利索', 'positive'],
  ['利索，点赞', 'positive'],
  ['出餐利索，送得也快', 'positive'],
  ['利索的很', 'positive'],
].flatMap(([text, label], i) =>
  Array.from({ length: 3 }, (_, k) => ({ row: { id: `r${i}-${k}`, text: `${text ?? ''}${'！'.repeat(k)}` }, label: label ?? '' })),
);

describe('the learned layer', () => {
  const model = rules.train('sentiment', rows, { seed: 7, buckets: 1 << 12 });

  it('trains deterministically for a seed', () => {
    const again = rules.train('sentiment', rows, { seed: 7, buckets: 1 << 12 });
    expect(Array.from(again.weights)).toEqual(Array.from(model.weights));
    expect(model.labels).toEqual(['negative', 'positive']);
  });

  it('round-trips through the versioned file format', () => {
    const file = JSON.parse(JSON.stringify(serializeModel(model))) as unknown;
    const back = parseModel(file);
    expect(back.labels).toEqual(model.labels);
    expect(back.buckets).toBe(model.buckets);
    const diff = Array.from(model.weights).reduce((m, w, i) => Math.max(m, Math.abs(w - (back.weights[i] ?? 0))), 0);
    expect(diff).toBeLessThan(0.05);
    expect(() => parseModel({ format: 'something-else' })).toThrow(/^tongli: not a Tongli model file/);
    expect(() => parseModel({ ...(file as object), version: 9 })).toThrow(/version 9/);
    expect(() => parseModel({ ...(file as object), features: 1 })).toThrow(/text features v1.*retrain/);
  });

  it('catches what the rules miss and explains itself with n-grams', () => {
    const withModel = createAnalyzer({ models: [serializeModel(model)] });
    const before = rules.predict('sentiment', { id: 'x', text: '送餐太磨叽' });
    const after = withModel.predict('sentiment', { id: 'x', text: '送餐太磨叽' }, { explain: true });
    expect(before).toMatchObject({ label: 'neutral' });
    expect(after).toMatchObject({ label: 'negative' });
    expect(after.reasons?.join(' ')).toMatch(/磨|叽/);
    expect(withModel.predict('sentiment', { id: 'y', text: '利索' })).toMatchObject({ label: 'positive' });
  });

  it('leaves tasks and languages without a model to the rules', () => {
    const withModel = createAnalyzer({ models: [{ ...serializeModel(model), meta: { langs: ['zh'] } }] });
    expect(withModel.predict('sentiment', { id: 'e', text: 'I love it, thank you!' })).toEqual(
      rules.predict('sentiment', { id: 'e', text: 'I love it, thank you!' }),
    );
    expect(withModel.predict('abuse', { id: 'a', text: '磨叽' })).toEqual(rules.predict('abuse', { id: 'a', text: '磨叽' }));
  });

  it('refuses a model whose rule features differ from the engine’s', () => {
    const file = serializeModel(model);
    expect(() => createAnalyzer({ models: [{ ...file, dense: file.dense.slice(1), weights: file.weights }] })).toThrow(/^tongli: /);
    expect(() => createAnalyzer({ models: [{ ...file, task: 'mood' }] })).toThrow(/task "mood" is unknown/);
  });

  it('trains an ensemble over the words view where asked, and reads it back', () => {
    const ensemble = rules.train('sentiment', rows, { seed: 7, buckets: 1 << 12, ensemble: true });
    const single = rules.train('sentiment', rows, { seed: 7, buckets: 1 << 12, ensemble: false });
    expect(single.members).toBeUndefined();
    expect(ensemble.members?.map((m) => m.view)).toEqual(['words']);
    // The ngrams model of an ensemble is the single model, bit for bit.
    expect(Array.from(ensemble.weights)).toEqual(Array.from(single.weights));
    const file = JSON.parse(JSON.stringify(serializeModel(ensemble))) as ModelFile;
    expect(file).toMatchObject({ version: 1, features: FEATURES_VERSION, members: [{ view: 'words', buckets: 1 << 12 }] });
    expect(parseModel(file).members?.[0]?.view).toBe('words');
    expect(() => parseModel({ ...file, members: [{ ...file.members![0]!, view: 'bytes' }] })).toThrow(/^tongli: .*view/);
    expect(() => parseModel({ ...file, features: FEATURES_VERSION + 1 })).toThrow(/retrain it with tongli train/);
    // A file written before the words view (featuriser v3) is still read: its ngrams are unchanged.
    expect(parseModel({ ...serializeModel(single), features: 3 }).labels).toEqual(single.labels);
    const withModel = createAnalyzer({ models: [file] });
    const p = withModel.predict('sentiment', { id: 'x', text: '送餐太磨叽' }, { explain: true });
    expect(p).toMatchObject({ label: 'negative' });
    expect(p.reasons?.join(' ')).toMatch(/磨|叽/);
    // The per-message path (the fused bank) averages the members as predict does.
    const alone = createAnalyzer({ models: [serializeModel(single)] });
    expect(alone.analyzeCustomer('小哥很利索！').model?.sentiment).not.toBe(withModel.analyzeCustomer('小哥很利索！').model?.sentiment);
    for (const text of ['送餐太磨叽', '利索', '小哥很利索！', 'so so', '']) {
      const predicted = withModel.predict('sentiment', { id: 't', text });
      const refined = withModel.analyzeCustomer(text).model?.sentiment ?? Number.NaN;
      expect(refined).toBeCloseTo('score' in predicted ? predicted.score : Number.NaN, 2);
    }
  });

  it('featurises the words view as token 1–3-grams apart from the ngrams view', () => {
    const spans: string[] = [];
    const text = 'not good at all 太慢';
    const words = createFeaturizer({ buckets: 1 << 16, view: 'words' });
    const x = words(text, 3, (_, start, end) => spans.push(text.slice(start, end)));
    expect(spans).toEqual(expect.arrayContaining(['not', 'not good', 'not good at', '太', '太慢', 'all 太慢']));
    expect(spans).not.toContain('goo');
    expect(Math.sqrt(Array.from(x.values.subarray(0, x.length)).reduce((s, v) => s + v * v, 0))).toBeCloseTo(1, 5);
    const ngrams = createFeaturizer({ buckets: 1 << 16 })(text, 3);
    expect(Array.from(x.indices.subarray(0, x.length))).not.toEqual(Array.from(ngrams.indices));
  });

  it('needs two labels to train', () => {
    expect(() => rules.train('sentiment', rows.slice(0, 3))).toThrow(/at least two different labels/);
  });

  it('featurises the same with reused buffers as with copies, whatever came before', () => {
    const copying = createFeaturizer({ buckets: 1 << 12 });
    const reusing = createFeaturizer({ buckets: 1 << 12 }, { reuse: true });
    const texts = ['太慢了！！', 'so slow, so so slow?', 'refund 退款 refund', '', ' ', 'x'.repeat(5000), '你好'.repeat(3000), 'ok'];
    for (const text of [...texts, ...[...texts].reverse()]) {
      const a = copying(text, 7);
      const b = reusing(text, 7);
      expect(b.length).toBe(a.length);
      expect(Array.from(b.indices.subarray(0, b.length))).toEqual(Array.from(a.indices));
      expect(Array.from(b.values.subarray(0, b.length))).toEqual(Array.from(a.values));
    }
  });

  it('adds a reply’s context as a separate n-gram group of its own length', () => {
    const f = createFeaturizer({ buckets: 1 << 16 });
    const alone = f('sorry to hear that', 3);
    const withContext = f('sorry to hear that', 3, undefined, 'sorry, my order is late');
    // The text's own n-grams come first and are unchanged; the context's follow, in other buckets.
    expect(Array.from(withContext.indices.subarray(0, alone.length))).toEqual(Array.from(alone.indices));
    expect(Array.from(withContext.values.subarray(0, alone.length))).toEqual(Array.from(alone.values));
    const context = Array.from(withContext.values.subarray(alone.length));
    expect(context.length).toBeGreaterThan(0);
    expect(Math.sqrt(context.reduce((s, v) => s + v * v, 0))).toBeCloseTo(CONTEXT_WEIGHT, 5);
    expect(f('sorry to hear that', 3, undefined, '').length).toBe(alone.length);
    // A sink hears context spans as if in text + newline + context.
    const spans: string[] = [];
    const text = 'ok';
    const said = 'refund now';
    f(text, 3, (_, start, end) => spans.push(`${text}\n${said}`.slice(start, end)), said);
    expect(spans).toContain('refund');
    expect(spans).toContain('ok');
  });

  it('reads the customer’s message only in models trained with it (explorations)', () => {
    // The same reply is an exploration after one message and not after another: only context tells.
    const replies = Array.from({ length: 12 }, (_, i) => [
      { row: { id: `a${i}`, text: 'tell me more', context: `my order ${i} never came` }, label: '2' },
      { row: { id: `b${i}`, text: 'tell me more', context: `thanks ${i}, that fixed it` }, label: '0' },
    ]).flat();
    const explorations = rules.train('empathy:explorations', replies, { seed: 3, buckets: 1 << 12 });
    const strategy = rules.train('empathy:interpretations', replies, { seed: 3, buckets: 1 << 12 });
    expect(explorations.meta.context).toBe(true);
    expect(strategy.meta.context).toBeUndefined();
    const reloaded = createAnalyzer({ models: [serializeModel(explorations)] });
    const ask = (context: string) => reloaded.predict('empathy', { id: 'x', text: 'tell me more', context });
    expect(ask('my order never came')).toMatchObject({ explorations: 2 });
    expect(ask('thanks, that fixed it')).toMatchObject({ explorations: 0 });
    expect(
      (
        reloaded.predict('empathy', { id: 'x', text: 'tell me more', context: 'my order never came' }, { explain: true })?.reasons ?? []
      ).some((r) => r.startsWith('context:')),
    ).toBe(true);
  });

  it('trains strategy models as an ensemble by default, and explains their answers', () => {
    const replies = [
      ['have you tried asking your manager for a day off?', 'Providing Suggestions'],
      ['maybe you could talk to a friend about it', 'Providing Suggestions'],
      ['how long have you felt this way?', 'Question'],
      ['what happened at work today?', 'Question'],
    ].flatMap(([text, label], i) =>
      Array.from({ length: 6 }, (_, k) => ({ row: { id: `s${i}-${k}`, text: `${text ?? ''}${' ok'.repeat(k)}` }, label: label ?? '' })),
    );
    const strategy = rules.train('strategy', replies, { seed: 5, buckets: 1 << 12 });
    expect(strategy.members?.map((m) => m.view)).toEqual(['words']);
    expect(strategy.meta.ensemble).toEqual(['ngrams', 'words']);
    const again = rules.train('strategy', replies, { seed: 5, buckets: 1 << 12 });
    expect(Array.from(again.members?.[0]?.weights ?? [])).toEqual(Array.from(strategy.members?.[0]?.weights ?? []));
    const reloaded = createAnalyzer({ models: [JSON.parse(JSON.stringify(serializeModel(strategy))) as unknown] });
    const p = reloaded.predict('strategy', { id: 'x', text: 'how long has this been going on?' }, { explain: true });
    // The ESConv class is answered with the catalogue technique that represents it.
    expect(p).toMatchObject({ label: 'open_question' });
    expect(p.reasons?.join(' ')).toMatch(/how|long/);
  });

  it('finds the strongest feature without sorting, as topContributions does', () => {
    const f = createFeaturizer({ buckets: 1 << 12 });
    for (const text of ['送餐太磨叽', '利索', 'nothing known here']) {
      const x = f(text, 0);
      const dense = new Array<number>(model.dense.length).fill(0.5);
      for (let label = 0; label < model.labels.length; label++)
        expect(topContribution(model, x, dense, label)).toBe(topContributions(model, x, dense, label, 1)[0]?.[0]);
    }
  });
});
