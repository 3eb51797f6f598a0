import { T2S_FROM, T2S_TO } from '../generated/t2s.js';

/** Normalised text plus, for every normalised code unit, its offset in the original text. */
export interface NormalizedText {
  text: string;
  /** `map[i]` = original offset of normalised code unit i; `map[text.length]` = original length. */
  map: Int32Array;
}

export type Normalize = (original: string) => NormalizedText;

// A pinyin gloss after a character, as in 客戶(hù): letters with at least one tone mark, in brackets.
const PINYIN_GLOSS = /[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{0,6}[)）]/y;

/** A CJK unified (or compatibility) ideograph. */
export function isHan(code: number): boolean {
  return (code >= 0x3400 && code <= 0x9fff) || (code >= 0xf900 && code <= 0xfaff);
}

/**
 * Creates the normaliser: Traditional → Simplified (one-to-one characters from opencc-js), full-width →
 * half-width, curly quotes → straight, ASCII lower case, pinyin glosses removed; emoji and everything else kept as they are.
 *
 * @example
 * const normalize = createNormalizer();
 * normalize('客戶(hù)ＡＢＣ').text; // '客户abc'
 */
export function createNormalizer(): Normalize {
  const t2s = new Map<number, number>();
  for (let i = 0; i < T2S_FROM.length; i++) t2s.set(T2S_FROM.charCodeAt(i), T2S_TO.charCodeAt(i));

  return function normalize(original: string): NormalizedText {
    const length = original.length;
    const codes = new Uint16Array(length);
    const map = new Int32Array(length + 1);
    let n = 0;
    for (let i = 0; i < length; i++) {
      let code = original.charCodeAt(i);
      if ((code === 0x28 || code === 0xff08) && i > 0 && isHan(original.charCodeAt(i - 1))) {
        PINYIN_GLOSS.lastIndex = i;
        if (PINYIN_GLOSS.test(original)) {
          i = PINYIN_GLOSS.lastIndex - 1;
          continue;
        }
      }
      if (code >= 0xff01 && code <= 0xff5e) code -= 0xfee0;
      else if (code === 0x3000) code = 0x20;
      else if (code === 0x2018 || code === 0x2019) code = 0x27;
      else if (code === 0x201c || code === 0x201d) code = 0x22;
      if (code >= 0x41 && code <= 0x5a) code += 0x20;
      else if (code >= 0x3400) code = t2s.get(code) ?? code;
      codes[n] = code;
      map[n] = i;
      n++;
    }
    map[n] = length;
    return { text: decode(codes, n), map: n === length ? map : map.slice(0, n + 1) };
  };
}

const CHUNK = 8192;

function decode(codes: Uint16Array, n: number): string {
  if (n <= CHUNK) return String.fromCharCode.apply(null, codes.subarray(0, n) as unknown as number[]);
  let out = '';
  for (let i = 0; i < n; i += CHUNK) {
    out += String.fromCharCode.apply(null, codes.subarray(i, Math.min(n, i + CHUNK)) as unknown as number[]);
  }
  return out;
}

/**
 * Maps a normalised range back to the original text. The end is taken just after the last kept
 * character, so a dropped pinyin gloss after a match is not included.
 */
export function originalSpan(norm: NormalizedText, originalLength: number, start: number, end: number): { start: number; end: number } {
  const from = norm.map[start] ?? originalLength;
  const to = end > start ? (norm.map[end - 1] ?? originalLength - 1) + 1 : from;
  return { start: from, end: Math.min(to, originalLength) };
}
