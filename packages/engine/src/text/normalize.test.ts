import { describe, expect, it } from 'vitest';
import { createNormalizer } from './normalize.js';
import { detectLanguage } from './language.js';
import { createFallbackSegmenter } from './segmenter.js';

const normalize = createNormalizer();

describe('normalize', () => {
  it('converts Traditional to Simplified, full-width to half-width and lower-cases ASCII', () => {
    expect(normalize('客戶服務態度ＡＢＣ！').text).toBe('客户服务态度abc!');
  });

  it('strips pinyin glosses and maps every character back to the original', () => {
    const original = '客戶(hù)服務(wù)很差';
    const { text, map } = normalize(original);
    expect(text).toBe('客户服务很差');
    const at = text.indexOf('很差');
    expect(original.slice(map[at], map[at + 2])).toBe('很差');
    expect(map[text.length]).toBe(original.length);
  });

  it('keeps brackets that are not pinyin and keeps emoji', () => {
    expect(normalize('订单(12345)😡').text).toBe('订单(12345)😡');
  });

  it('straightens curly quotes so apostrophe patterns match text pasted from email', () => {
    expect(normalize('I’m “sorry”').text).toBe('i\'m "sorry"');
  });

  it('handles empty text and lone surrogates', () => {
    expect(normalize('').text).toBe('');
    expect(normalize('\ud800x').text).toBe('\ud800x');
  });
});

describe('detectLanguage', () => {
  it.each([
    ['我的订单还没到', 'zh'],
    ['My order has not arrived', 'en'],
    ['我的 order 还没到 yet, what is going on here', 'mixed'],
    ['用iPhone下单了', 'zh'],
    ['12345 !!!', 'unknown'],
  ])('%s → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});

describe('fallback segmenter', () => {
  it('cuts Latin words and Han bigrams', () => {
    expect(createFallbackSegmenter().cut('退款没到 Refund')).toEqual(['退款', '款没', '没到', 'refund']);
  });
});
