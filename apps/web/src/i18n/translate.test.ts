import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pickLanguage, translate, type Dictionary } from './translate.js';

const load = (name: string): Dictionary => JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as Dictionary;

describe('i18n', () => {
  it('has the same keys and placeholders in zh-CN and en', () => {
    const zh = load('./zh-CN.json');
    const en = load('./en.json');
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    const holes = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(zh)) expect(holes(en[key] ?? ''), key).toEqual(holes(zh[key] ?? ''));
  });

  it('fills placeholders and shows the key when a text is missing', () => {
    expect(translate({ a: '共 {total} 个，{x}' }, 'a', { total: 3 })).toBe('共 3 个，{x}');
    expect(translate({}, 'missing.key')).toBe('missing.key');
  });

  it('starts in zh-CN unless English was chosen', () => {
    expect(pickLanguage(null)).toBe('zh-CN');
    expect(pickLanguage('en')).toBe('en');
    expect(pickLanguage('fr')).toBe('zh-CN');
  });
});
