import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idCheckCharacter, isPlausibleBirthDate, isValidResidentId, passesLuhn } from './checksums.js';
import { createRedactor, PII_KINDS, type PiiKind } from './redact.js';

// Test data factories. They compute check characters on their own rather than through the code under
// test, so a wrong weight table or Luhn loop in checksums.ts cannot hide behind a matching helper.

/** An 18-character resident ID with a correct GB 11643 check character. */
function makeId(region: string, birth: string, sequence: string): string {
  const body = region + birth + sequence;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body.charAt(i)) * (2 ** (17 - i) % 11);
  return body + '10X98765432'.charAt(sum % 11);
}

/** `body` followed by its Luhn check digit. */
function withLuhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body.charAt(body.length - 1 - i));
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** The same number with its last digit changed, so the Luhn check fails. */
function breakLastDigit(number: string): string {
  const last = Number(number.charAt(number.length - 1));
  return number.slice(0, -1) + String((last + 1) % 10);
}

function groupInFours(digits: string, separator = ' '): string {
  return (digits.match(/.{1,4}/g) ?? []).join(separator);
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const digitsArb = (length: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));

const regionArb = fc.constantFrom('110105', '310115', '440305', '510104', '650102', '330106', '820000');
const birthArb = fc
  .record({ year: fc.integer({ min: 1930, max: 2020 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) })
  .map(({ year, month, day }) => `${year}${pad(month, 2)}${pad(day, 2)}`);
const idArb = fc.tuple(regionArb, birthArb, digitsArb(3)).map(([r, b, s]) => makeId(r, b, s));

const mobileArb = fc.tuple(fc.integer({ min: 3, max: 9 }), digitsArb(9)).map(([second, rest]) => `1${second}${rest}`);
// 18-digit cards are left out here: one whose digits 7–14 look like a birth date is, by design, not
// reported (it is more likely a mistyped ID); that case has its own test.
const cardArb = fc
  .tuple(fc.constantFrom('62', '4', '51', '37', '6011', '9558', '2221'), fc.constantFrom(13, 14, 15, 16, 17, 19))
  .chain(([prefix, length]) => digitsArb(length - prefix.length - 1).map((rest) => withLuhnDigit(prefix + rest)));

const redactor = createRedactor();
const kindsOf = (text: string): PiiKind[] => redactor.find(text).map((s) => s.kind);

describe('checksums', () => {
  it('computes the GB 11643 check character, X included', () => {
    expect(idCheckCharacter('11010519491231002')).toBe('X');
    expect(isValidResidentId('11010519491231002X')).toBe(true);
    expect(isValidResidentId('11010519491231002x')).toBe(true);
    expect(isValidResidentId('110105194912310021')).toBe(false);
    expect(idCheckCharacter('1101051949123100')).toBeUndefined();
    expect(idCheckCharacter('1101051949123100a')).toBeUndefined();
  });

  it('agrees with the test factories on generated IDs and cards', () => {
    fc.assert(fc.property(idArb, (id) => isValidResidentId(id)));
    fc.assert(fc.property(cardArb, (card) => passesLuhn(card) && !passesLuhn(breakLastDigit(card))));
  });

  it('checks birth dates against the calendar', () => {
    expect(isPlausibleBirthDate('20000229')).toBe(true);
    expect(isPlausibleBirthDate('19000229')).toBe(false);
    expect(isPlausibleBirthDate('19990431')).toBe(false);
    expect(isPlausibleBirthDate('18991231')).toBe(false);
    expect(isPlausibleBirthDate('1999123')).toBe(false);
  });
});

describe('mobile phone numbers', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['手机13812345678谢谢', '13812345678'],
    ['138 1234 5678', '138 1234 5678'],
    ['138-1234-5678', '138-1234-5678'],
    ['138 12345678', '138 12345678'],
    ['1381234 5678', '1381234 5678'],
    ['+8613812345678', '+8613812345678'],
    ['+86 138 1234 5678', '+86 138 1234 5678'],
    ['+86-138-1234-5678', '+86-138-1234-5678'],
    ['0086 13812345678', '0086 13812345678'],
    ['(+86) 138 1234 5678', '(+86) 138 1234 5678'],
    ['（+86）13812345678', '（+86）13812345678'],
    ['8613812345678', '8613812345678'],
    ['call 19912345678.', '19912345678'],
    ['138—1234—5678', '138—1234—5678'],
  ])('finds %s', (text, value) => {
    expect(redactor.find(text)).toEqual([{ kind: 'phone', start: text.indexOf(value), end: text.indexOf(value) + value.length, value }]);
  });

  it('finds every generated number, plain and grouped', () => {
    fc.assert(
      fc.property(mobileArb, fc.constantFrom('', ' ', '-'), (mobile, separator) => {
        const written = `${mobile.slice(0, 3)}${separator}${mobile.slice(3, 7)}${separator}${mobile.slice(7)}`;
        const text = `客户电话：${written}，请回电`;
        expect(redactor.find(text)).toEqual([{ kind: 'phone', start: 5, end: 5 + written.length, value: written }]);
      }),
    );
  });

  it.each([
    ['an 11-digit order number not starting with 1[3-9]', '订单号 20261122153'],
    ['an 11-digit number starting with 12', 'ref 12345678901'],
    ['a number embedded in a longer run of digits', '013812345678'],
    ['a number followed by more digits', '138123456789'],
    ['a grouped number whose last group runs on', '138-1234-56789'],
    ['a 10-digit number', '1381234567'],
    ['a timestamp', '20261122153000'],
    ['a price', '¥138.00，共 1,381 元'],
    ['an odd grouping', '13 8123 45678'],
  ])('ignores %s', (_name, text) => {
    expect(redactor.find(text)).toEqual([]);
  });
});

describe('resident ID numbers', () => {
  it('finds generated valid IDs, with x in either case and grouped 6-8-4', () => {
    fc.assert(
      fc.property(idArb, fc.constantFrom('', ' ', '-'), fc.boolean(), (id, separator, lower) => {
        const raw = lower ? id.toLowerCase() : id;
        const written = `${raw.slice(0, 6)}${separator}${raw.slice(6, 14)}${separator}${raw.slice(14)}`;
        expect(redactor.find(`身份证号${written}。`)).toEqual([{ kind: 'id_card', start: 4, end: 4 + written.length, value: written }]);
      }),
    );
  });

  it('rejects IDs whose check character is wrong, and does not call them bank cards', () => {
    fc.assert(
      fc.property(idArb, fc.integer({ min: 1, max: 10 }), (id, shift) => {
        const check = '0123456789X';
        const wrong = id.slice(0, 17) + check.charAt((check.indexOf(id.charAt(17)) + shift) % 11);
        expect(redactor.find(`ID ${wrong}`)).toEqual([]);
      }),
    );
  });

  it('rejects IDs with an impossible birth date or unknown province even when the checksum fits', () => {
    expect(kindsOf(makeId('110105', '19990230', '123'))).toEqual([]);
    expect(kindsOf(makeId('110105', '18881212', '123'))).toEqual([]);
    expect(kindsOf(makeId('990105', '19991212', '123'))).toEqual([]);
    expect(kindsOf(makeId('110105', '19991212', '123'))).toEqual(['id_card']);
  });

  it('ignores an ID inside a longer run of digits', () => {
    const id = makeId('440305', '19880808', '456');
    expect(kindsOf(`9${id}`)).not.toContain('id_card');
    expect(kindsOf(`${id}7`)).not.toContain('id_card');
  });
});

describe('bank card numbers', () => {
  it('finds generated Luhn-valid numbers, plain, in fours with spaces or dashes', () => {
    fc.assert(
      fc.property(cardArb, fc.constantFrom('plain', ' ', '-'), (card, grouping) => {
        const written = grouping === 'plain' ? card : groupInFours(card, grouping);
        expect(redactor.find(`卡号 ${written} 谢谢`)).toEqual([{ kind: 'bank_card', start: 3, end: 3 + written.length, value: written }]);
      }),
    );
  });

  it('rejects the same numbers once the Luhn check fails', () => {
    fc.assert(fc.property(cardArb, (card) => kindsOf(`卡号 ${breakLastDigit(card)}`).length === 0));
  });

  it('finds Amex-style 4-6-5 grouping and a 19-digit UnionPay card in fours', () => {
    const amex = withLuhnDigit('37828224631000');
    expect(kindsOf(`${amex.slice(0, 4)} ${amex.slice(4, 10)} ${amex.slice(10)}`)).toEqual(['bank_card']);
    const unionPay = withLuhnDigit('622202123456789012');
    expect(redactor.find(groupInFours(unionPay))[0]?.value).toBe(groupInFours(unionPay));
  });

  it('does not report an 18-digit, ID-shaped number with a bad checksum as a card', () => {
    const idShaped = withLuhnDigit('62010219800101123');
    expect(isValidResidentId(idShaped)).toBe(false);
    expect(kindsOf(idShaped)).toEqual([]);
    const notIdShaped = withLuhnDigit('62220299999999123');
    expect(kindsOf(notIdShaped)).toEqual(['bank_card']);
  });

  it('reports a number that is a valid ID or phone as that, never also as a card', () => {
    // A valid ID that happens to pass Luhn as well.
    const both = fc.sample(idArb, { numRuns: 2000, seed: 7 }).find((id) => !id.endsWith('X') && passesLuhn(id) && /^[3-6]/.test(id));
    expect(both).toBeDefined();
    expect(kindsOf(both ?? '')).toEqual(['id_card']);
    expect(kindsOf('+86 138 1234 5678')).toEqual(['phone']);
  });

  it('finds a card written right before a phone number', () => {
    const card = groupInFours(withLuhnDigit('411111111111111'));
    const text = `${card} 138 1234 5678`;
    expect(redactor.find(text).map((s) => [s.kind, s.value])).toEqual([
      ['bank_card', card],
      ['phone', '138 1234 5678'],
    ]);
  });

  it('lets cards keep digit groups that a phone without country code would run on into', () => {
    const first = withLuhnDigit('620000000000000013'); // 4-4-4-4-3, the last group reads 13x
    const second = withLuhnDigit('620000000000');
    const text = `${groupInFours(first)} ${groupInFours(second)}`;
    expect(redactor.find(text).map((s) => [s.kind, s.value])).toEqual([
      ['bank_card', groupInFours(first)],
      ['bank_card', groupInFours(second)],
    ]);
    // Where no card claims them, the groups stay a phone.
    expect(kindsOf('电话 138 1234 5678 2 次')).toEqual(['phone']);
  });

  it.each([
    ['a yyyymmddhhmmss timestamp, even a Luhn-valid one', withLuhnDigit('2026112215300')],
    ['the timestamp 20261122153000', '创建时间 20261122153000'],
    ['a Unix timestamp in milliseconds', withLuhnDigit('176378400000')],
    ['a number that does not start like a card', withLuhnDigit('800000000000000')],
    ['digits after a decimal point', `3.${withLuhnDigit('411111111111111')}`],
    ['a number followed by decimals', `${withLuhnDigit('411111111111111')}.50`],
    ['a tracking code with letters', `SF${withLuhnDigit('411111111111111')}`],
    ['an order number after its label', `订单号：${withLuhnDigit('411111111111111')}`],
    ['an English order number', `Order No. ${withLuhnDigit('411111111111111')}`],
    ['prices', '¥6,222.00 或 $4,111.11，合计 5,555,555.55 元'],
    ['a card-length number grouped like nothing printed', withLuhnDigit('411111111111111').replace(/^\d{3}/, '$& ')],
    ['a number embedded in a longer run of digits', `1${withLuhnDigit('411111111111111')}`],
  ])('ignores %s', (_name, text) => {
    expect(redactor.find(text)).toEqual([]);
  });
});

describe('e-mail addresses', () => {
  it.each([
    ['li.lei@example.com', 'li.lei@example.com'],
    ['我的邮箱是zhang_san+cs@mail.example.com.cn，谢谢', 'zhang_san+cs@mail.example.com.cn'],
    ['13812345678@qq.com', '13812345678@qq.com'],
    ['mailto:Support@Example.ORG.', 'Support@Example.ORG'],
    ['(a-b%c@x-y.io)', 'a-b%c@x-y.io'],
    ['ｌｉ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'ｌｉ＠ｅｘａｍｐｌｅ．ｃｏｍ'],
  ])('finds it in %s', (text, value) => {
    expect(redactor.find(text)).toEqual([{ kind: 'email', start: text.indexOf(value), end: text.indexOf(value) + value.length, value }]);
  });

  it.each(['@example.com', 'user@', 'user@localhost', 'a@b.c', 'user@example.com1', 'user@@example.com'])('ignores %s', (text) => {
    expect(redactor.find(text)).toEqual([]);
  });
});

describe('full-width digits', () => {
  it('matches them as ASCII and reports spans into the original text', () => {
    const id = makeId('310115', '19900101', '002');
    const wide = (s: string): string => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const text = `电话：１３８　１２３４　５６７８，身份证${wide(id)}。`;
    expect(redactor.find(text)).toEqual([
      { kind: 'phone', start: 3, end: 16, value: '１３８　１２３４　５６７８' },
      { kind: 'id_card', start: 20, end: 38, value: wide(id) },
    ]);
    expect(redactor.redact(text, { mask: 'partial' })).toBe(
      `电话：１３８　****　５６７８，身份证${wide(id.slice(0, 3))}${'*'.repeat(11)}${wide(id.slice(14))}。`,
    );
  });
});

describe('mixed Chinese and English text', () => {
  const id = makeId('110105', '19850615', '321');
  const card = withLuhnDigit('622202123456789012');
  const text = `您好 Mr. Wang😀，your phone 138-1234-5678 and 邮箱 wang.lei@example.cn 已登记；身份证 ${id}，卡号 ${groupInFours(card)}。订单 20261122153000 金额 ¥1,299.00`;

  it('finds each kind once, in order', () => {
    expect(redactor.find(text).map((s) => [s.kind, s.value])).toEqual([
      ['phone', '138-1234-5678'],
      ['email', 'wang.lei@example.cn'],
      ['id_card', id],
      ['bank_card', groupInFours(card)],
    ]);
  });

  it('redacts with Chinese labels by default, English on request, or partially', () => {
    const tail = '。订单 20261122153000 金额 ¥1,299.00';
    expect(redactor.redact(text)).toBe(
      `您好 Mr. Wang😀，your phone [手机号] and 邮箱 [邮箱] 已登记；身份证 [身份证号]，卡号 [银行卡号]${tail}`,
    );
    expect(redactor.redact(text, { locale: 'en' })).toBe(
      `您好 Mr. Wang😀，your phone [phone] and 邮箱 [email] 已登记；身份证 [id_number]，卡号 [bank_card]${tail}`,
    );
    expect(redactor.redact(text, { mask: 'partial' })).toBe(
      `您好 Mr. Wang😀，your phone 138-****-5678 and 邮箱 w***@example.cn 已登记；身份证 ${id.slice(0, 3)}***********${id.slice(14)}，卡号 ${groupInFours('*'.repeat(15) + card.slice(15))}${tail}`,
    );
  });
});

describe('createRedactor options', () => {
  it('returns a frozen object whose defaults each call can override', () => {
    const partialEn = createRedactor({ mask: 'partial', locale: 'en' });
    expect(Object.isFrozen(partialEn)).toBe(true);
    expect(Object.isFrozen(partialEn.kinds)).toBe(true);
    expect(partialEn.redact('+86 13812345678')).toBe('+86 138****5678');
    expect(partialEn.redact('+86 13812345678', { mask: 'label' })).toBe('[phone]');
    expect(partialEn.redact('x@y.com 和 ab@y.com', { mask: 'partial' })).toBe('***@y.com 和 ***@y.com');
  });

  it('looks only for the kinds asked for, in priority order', () => {
    const phonesOnly = createRedactor({ kinds: ['phone'] });
    expect(phonesOnly.kinds).toEqual(['phone']);
    expect(phonesOnly.find('13812345678@qq.com').map((s) => s.kind)).toEqual(['phone']);
    expect(createRedactor({ kinds: ['bank_card', 'email'] }).kinds).toEqual(['email', 'bank_card']);
    expect(createRedactor({ kinds: [] }).redact('13812345678')).toBe('13812345678');
    expect(createRedactor().kinds).toEqual(PII_KINDS);
  });

  it('rejects misuse with a tongli-prefixed message', () => {
    expect(() => createRedactor({ kinds: ['passport' as PiiKind] })).toThrow(/^tongli: PII kind "passport" is unknown/);
    expect(() => createRedactor({ mask: 'stars' as 'label' })).toThrow(/^tongli: createRedactor mask "stars"/);
    expect(() => redactor.redact('x', { locale: 'fr' as 'en' })).toThrow(/^tongli: redact locale "fr"/);
    expect(() => redactor.find(42 as unknown as string)).toThrow(/^tongli: /);
  });
});

describe('odd input', () => {
  it('handles empty text, lone surrogates and emoji next to numbers', () => {
    expect(redactor.find('')).toEqual([]);
    expect(redactor.redact('\ud800\udfff\ud800')).toBe('\ud800\udfff\ud800');
    expect(redactor.redact('😀13812345678\ud800')).toBe('😀[手机号]\ud800');
  });

  it('is deterministic across calls (no regex state leaks between texts)', () => {
    const a = '13812345678 和 li@x.cn';
    const first = redactor.find(a);
    redactor.find(`${'9'.repeat(50)} 13912345678`);
    expect(redactor.find(a)).toEqual(first);
  });

  it('scans 1 MB strings in linear time, adversarial ones included', () => {
    const mb = 1 << 20;
    const line = '您好😀，电话 138 1234 5678。';
    const copies = Math.ceil(mb / line.length);
    const texts = [
      '1'.repeat(mb),
      '1234 '.repeat(mb / 5),
      'a@'.repeat(mb / 2),
      `a@${'a.'.repeat(mb / 2)}`,
      `${'a.'.repeat(mb / 2)}@x.com`,
      '１'.repeat(mb),
      line.repeat(copies),
    ];
    for (const text of texts) {
      const started = performance.now();
      expect(() => redactor.redact(text, { mask: 'partial' })).not.toThrow();
      // Generous: a quadratic scan of 1 MB would take minutes.
      expect(performance.now() - started).toBeLessThan(5000);
    }
    expect(redactor.find(line.repeat(copies))).toHaveLength(copies);
  });
});

describe('properties', () => {
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.stringMatching(/^[\d\s+@.a-z-]{0,60}$/),
    fc.constantFrom('', '\ud800', '\udfff\ud800', '😀😀', '１３８１２３４５６７８', '＠', '+86', '(+86)'),
  );
  const separatorArb = fc.constantFrom(' ', '，', '。', '\n', '：', '😀', '、', ' / ', '\ud800', '　');
  const emailArb = fc
    .tuple(fc.stringMatching(/^[a-z\d][\w+-]{0,8}$/), fc.stringMatching(/^[a-z\d]{1,8}$/), fc.constantFrom('com', 'cn', 'com.cn', 'io'))
    .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);
  const piiArb = fc.oneof(
    idArb.map((value) => ({ kind: 'id_card' as const, value })),
    mobileArb.map((value) => ({ kind: 'phone' as const, value })),
    mobileArb.map((value) => ({ kind: 'phone' as const, value: `+86 ${value.slice(0, 3)} ${value.slice(3, 7)} ${value.slice(7)}` })),
    cardArb.map((value) => ({ kind: 'bank_card' as const, value: groupInFours(value) })),
    emailArb.map((value) => ({ kind: 'email' as const, value })),
  );
  const noiseArb = fc.constantFrom('您好', 'thanks', '请稍等', '😡😡', '订单已发货', 'ok', '\ud800', '退款 30 元');
  const pieceArb = fc.oneof(
    piiArb,
    noiseArb.map((value) => ({ kind: undefined, value })),
  );
  const composedArb = fc
    .array(fc.tuple(pieceArb, separatorArb), { maxLength: 8 })
    .map((pairs) => ({ pieces: pairs.map(([p]) => p), text: pairs.map(([p, s]) => p.value + s).join('') }));

  it('find returns valid, sorted, non-overlapping spans; redact never throws and leaves no found value', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          composedArb.map((c) => c.text),
        ),
        fc.constantFrom('label' as const, 'partial' as const),
        (text, mask) => {
          const spans = redactor.find(text);
          let previousEnd = 0;
          for (const span of spans) {
            expect(span.start).toBeGreaterThanOrEqual(previousEnd);
            expect(span.end).toBeGreaterThan(span.start);
            expect(span.end).toBeLessThanOrEqual(text.length);
            expect(text.slice(span.start, span.end)).toBe(span.value);
            previousEnd = span.end;
          }
          const output = redactor.redact(text, { mask });
          for (const span of spans) expect(output).not.toContain(span.value);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('finds every generated piece of personal data between ordinary words', () => {
    fc.assert(
      fc.property(composedArb, ({ pieces, text }) => {
        const expected = pieces.filter((p) => p.kind !== undefined).map((p) => [p.kind, p.value]);
        expect(redactor.find(text).map((s) => [s.kind, s.value])).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
