import { isPlausibleCardNumber, isResidentIdShaped, isValidResidentId, passesLuhn } from './checksums.js';

/**
 * The kinds of personal data the redactor finds, in priority order: where two candidates overlap,
 * the earlier kind wins (an e-mail address such as `13812345678@qq.com` is one e-mail, not a phone;
 * a number that is a valid ID or phone is never also a bank card).
 *
 * @example
 * createRedactor({ kinds: PII_KINDS.filter((k) => k !== 'email') });
 */
export const PII_KINDS = ['email', 'id_card', 'phone', 'bank_card'] as const;

/**
 * One kind of personal data: `phone` (mainland mobile), `id_card` (18-digit resident ID),
 * `bank_card` (Luhn-valid card number) or `email`.
 *
 * @example
 * const kind: PiiKind = 'phone';
 */
export type PiiKind = (typeof PII_KINDS)[number];

/**
 * One piece of personal data found in a text.
 *
 * @example
 * // createRedactor().find('电话 138 1234 5678')
 * const span: PiiSpan = { kind: 'phone', start: 3, end: 16, value: '138 1234 5678' };
 */
export interface PiiSpan {
  kind: PiiKind;
  /** Half-open [start, end) in UTF-16 code units of the ORIGINAL text (full-width digits included). */
  start: number;
  end: number;
  /** The original text under the span, as written (full-width digits, spaces and prefixes kept). */
  value: string;
}

/**
 * How `redact` replaces a span: `label` (the default) writes the kind's label, `[手机号]` or `[phone]`,
 * and leaks nothing; `partial` keeps the separators and a few characters so an agent can still tell
 * two numbers apart: phone `138****5678` (prefix kept: `+86 138****5678`), ID `110***********002X`
 * (first 3 and last 4), bank card `**** **** **** 0128` (last 4), e-mail `z***@example.com`
 * (first character of the local part, all of it masked when it has 2 characters or fewer).
 *
 * @example
 * createRedactor({ mask: 'partial' }).redact('13812345678'); // '138****5678'
 */
export type PiiMask = 'label' | 'partial';

/**
 * The language of the labels `label` masks use: `zh` (the default) `[手机号]`, `en` `[phone]`.
 *
 * @example
 * createRedactor({ locale: 'en' }).redact('13812345678'); // '[phone]'
 */
export type PiiLocale = 'zh' | 'en';

/**
 * The labels of each kind in each locale, as `label` masks write them (inside square brackets).
 *
 * @example
 * PII_LABELS.zh.id_card; // '身份证号'
 */
export const PII_LABELS: Readonly<Record<PiiLocale, Readonly<Record<PiiKind, string>>>> = Object.freeze({
  zh: Object.freeze({ email: '邮箱', id_card: '身份证号', phone: '手机号', bank_card: '银行卡号' }),
  en: Object.freeze({ email: 'email', id_card: 'id_number', phone: 'phone', bank_card: 'bank_card' }),
});

/**
 * Options of {@link createRedactor}.
 *
 * @example
 * const options: RedactorOptions = { kinds: ['phone', 'id_card'], mask: 'partial', locale: 'en' };
 */
export interface RedactorOptions {
  /** Kinds to look for; all of {@link PII_KINDS} by default. Unknown kinds are rejected. */
  kinds?: readonly PiiKind[];
  /** Default mask of `redact`: `label` unless set. */
  mask?: PiiMask;
  /** Default label language of `redact`: `zh` unless set. */
  locale?: PiiLocale;
}

/**
 * Per-call options of {@link Redactor.redact}; each overrides the redactor's default.
 *
 * @example
 * createRedactor().redact('13812345678', { mask: 'partial' }); // '138****5678'
 */
export interface RedactOptions {
  mask?: PiiMask;
  locale?: PiiLocale;
}

/**
 * A compiled redactor: pure functions, safe to share, built once by {@link createRedactor}.
 *
 * @example
 * const redactor: Redactor = createRedactor();
 * redactor.redact('我的邮箱是 li.lei@example.com'); // '我的邮箱是 [邮箱]'
 */
export interface Redactor {
  /** The kinds this redactor looks for, in priority order. */
  readonly kinds: readonly PiiKind[];
  /** Every piece of personal data in `text`, sorted by start, never overlapping. */
  find(text: string): PiiSpan[];
  /** `text` with every span `find` returns replaced by its mask. */
  redact(text: string, options?: RedactOptions): string;
}

interface Candidate {
  kind: PiiKind;
  start: number;
  end: number;
}

const MASKS: readonly string[] = ['label', 'partial'];
const LOCALES: readonly string[] = ['zh', 'en'];
const MASK_CHAR = '*';

/**
 * Creates a redactor for personal data in Chinese and English customer-service text: mainland mobile
 * numbers (optionally `+86` / `0086` / `(+86)`, grouped 3-4-4, 3-8 or 7-4 by spaces or dashes), 18-digit
 * resident ID numbers (province code, birth date and GB 11643 check character all valid), bank card
 * numbers (13–19 digits, Luhn, a card scheme's leading digits, grouped in fours or 4-6-5) and e-mail
 * addresses. Full-width digits, letters and punctuation (`１３８－１２３４－５６７８`) are matched as
 * their ASCII forms while spans point into the original text.
 *
 * A number is never taken from inside a longer run of digits. Bank cards also need no ASCII letter
 * beside them (tracking codes such as `SF1234…`), no decimal point (`3.1415…`) and no order-number label
 * just before (`订单号`, `order no.`); an 18-digit number shaped like an ID (province, birth date) whose
 * checksum fails is not reported as a card either.
 *
 * All regexes are compiled here; `find` and `redact` build none and never throw on any string.
 *
 * @example
 * const redactor = createRedactor();
 * redactor.find('手机 138-1234-5678'); // [{ kind: 'phone', start: 3, end: 16, value: '138-1234-5678' }]
 * redactor.redact('手机 138-1234-5678'); // '手机 [手机号]'
 * redactor.redact('call +86 13812345678', { mask: 'partial' }); // 'call +86 138****5678'
 * createRedactor({ locale: 'en' }).redact('ID 11010519491231002X'); // 'ID [id_number]'
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const kinds = checkKinds(options.kinds);
  const defaultMask = checkMask(options.mask, 'createRedactor');
  const defaultLocale = checkLocale(options.locale, 'createRedactor');
  const wanted = new Set<PiiKind>(kinds);

  // Full-width characters that can be part of a match or its context (digits, letters, + - . @ ( ) _ % # :),
  // odd spaces and dashes. Text without them (full-width commas are everywhere) is not copied.
  const FOLDABLE =
    /[\u00a0\u2000-\u200a\u202f\u3000\u2010-\u2015\u2212\uff03\uff05\uff08\uff09\uff0b\uff0d\uff0e\uff10-\uff1a\uff20-\uff3a\uff3f]/i;
  // After the "@": dot-separated labels and an alphabetic top-level domain not followed by more label.
  const DOMAIN = /[a-z\d](?:[a-z\d-]*[a-z\d])?(?:\.[a-z\d](?:[a-z\d-]*[a-z\d])?)*\.[a-z]{2,63}(?![a-z\d-])/iy;
  // 18 characters, optionally grouped 6-8-4; the last may be X.
  const ID_CARD = /(?<!\d)\d{6}[ -]?\d{8}[ -]?\d{3}[\dX](?![\dX])/gi;
  // Optional +86 / 0086 / (+86) / 86, then 1[3-9]x grouped 3-4-4, 3-8, 7-4 or not at all.
  const PHONE = /(?<!\d)(?:(?:\+|00)86[ -]?|\(\+?86\)[ -]?|86)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/g;
  // Runs of digits joined by single spaces or dashes; card windows are chosen inside them.
  const DIGIT_CHAIN = /\d+(?:[ -]\d+)*/g;
  // An order or tracking number label right before a number: that number is not a card.
  const ORDER_LABEL = /(?:订单|单号|运单|order|tracking)(?:编号|号码|号|\s?no\.?|\s?number|\s?id|#)?\s?[:#]?\s?$/i;

  function fold(text: string): string {
    if (!FOLDABLE.test(text)) return text;
    const codes = new Uint16Array(text.length);
    for (let i = 0; i < text.length; i++) codes[i] = foldCode(text.charCodeAt(i));
    return decode(codes);
  }

  function findEmails(folded: string): Candidate[] {
    const found: Candidate[] = [];
    let previousEnd = 0;
    let at = folded.indexOf('@');
    while (at !== -1) {
      // Local parts never contain "@", so these backward scans never overlap: linear in all.
      let start = at;
      while (start > previousEnd && isLocalPartCode(folded.charCodeAt(start - 1))) start--;
      while (start < at && folded.charCodeAt(start) === 0x2e) start++;
      let next = at + 1;
      if (start < at) {
        DOMAIN.lastIndex = at + 1;
        if (DOMAIN.test(folded)) {
          found.push({ kind: 'email', start, end: DOMAIN.lastIndex });
          previousEnd = next = DOMAIN.lastIndex;
        }
      }
      at = folded.indexOf('@', next);
    }
    return found;
  }

  function findIdCards(folded: string): Candidate[] {
    const found: Candidate[] = [];
    ID_CARD.lastIndex = 0;
    for (let m = ID_CARD.exec(folded); m !== null; m = ID_CARD.exec(folded)) {
      if (isValidResidentId(stripSeparators(m[0]))) found.push({ kind: 'id_card', start: m.index, end: m.index + m[0].length });
      else ID_CARD.lastIndex = m.index + 1;
    }
    return found;
  }

  /**
   * Phones, except grouped ones with no country code whose groups run on into more digits
   * (`133 6200 0000` in `…0000 133 6200 0000 0000`): those go to `runOn`, kept only where no card claims
   * the same digits.
   */
  function findPhones(folded: string, runOn: Candidate[]): Candidate[] {
    const found: Candidate[] = [];
    PHONE.lastIndex = 0;
    for (let m = PHONE.exec(folded); m !== null; m = PHONE.exec(folded)) {
      const start = m.index;
      const end = start + m[0].length;
      const national = nationalStart(folded, end);
      const ambiguous = national === start && end - national > 11 && isBeforeDigitGroup(folded, end);
      (ambiguous ? runOn : found).push({ kind: 'phone', start, end });
    }
    return found;
  }

  /** Cards never overlap `blocked` (the spans of earlier kinds), so a card beside a phone is still found. */
  function findBankCards(folded: string, blocked: Candidate[]): Candidate[] {
    const found: Candidate[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    DIGIT_CHAIN.lastIndex = 0;
    for (let m = DIGIT_CHAIN.exec(folded); m !== null; m = DIGIT_CHAIN.exec(folded)) {
      const chainStart = m.index;
      const chainEnd = chainStart + m[0].length;
      if (chainEnd - chainStart < 13) continue;
      starts.length = 0;
      ends.length = 0;
      let runStart = chainStart;
      for (let i = chainStart; i <= chainEnd; i++) {
        if (i === chainEnd || !isDigitCode(folded.charCodeAt(i))) {
          starts.push(runStart);
          ends.push(i);
          runStart = i + 1;
        }
      }
      for (let i = 0; i < starts.length; i++) {
        const end = longestCardFrom(folded, starts, ends, i, chainStart, chainEnd, blocked);
        if (end < 0) continue;
        found.push({ kind: 'bank_card', start: starts[i] ?? 0, end: ends[end] ?? 0 });
        i = end;
      }
    }
    return found;
  }

  /**
   * The index of the last run of the longest card starting at run `first`, or -1. A card is one run,
   * runs of four with a last run of 1–4 (4-4-4-4, 4-4-4-4-3), or 4-6-4 / 4-6-5.
   */
  function longestCardFrom(
    folded: string,
    starts: number[],
    ends: number[],
    first: number,
    chainStart: number,
    chainEnd: number,
    blocked: Candidate[],
  ): number {
    const start = starts[first] ?? 0;
    if (start === chainStart && !isCardLeftEdge(folded, start)) return -1;
    let best = -1;
    let digits = 0;
    let fours = 0; // how many runs from `first` on have four digits, without a break
    for (let j = first; j < starts.length; j++) {
      const count = j - first + 1;
      const length = (ends[j] ?? 0) - (starts[j] ?? 0);
      digits += length;
      if (digits > 19 || overlapsAny(blocked, start, ends[j] ?? 0)) break;
      const amex = count === 3 && fours === 1 && (ends[first + 1] ?? 0) - (starts[first + 1] ?? 0) === 6 && length >= 4 && length <= 5;
      const grouped = count === 1 || (count >= 3 && fours === count - 1 && length <= 4) || amex;
      if (digits >= 13 && grouped && isCardAt(folded, start, ends[j] ?? 0, chainEnd)) best = j;
      if (length === 4 && fours === count - 1) fours++;
      else if (!(count === 2 && fours === 1 && length === 6)) break;
    }
    return best;
  }

  function isCardAt(folded: string, start: number, end: number, chainEnd: number): boolean {
    if (end === chainEnd && !isCardRightEdge(folded, end)) return false;
    const number = stripSeparators(folded.slice(start, end));
    if (!passesLuhn(number) || !isPlausibleCardNumber(number)) return false;
    return !(number.length === 18 && isResidentIdShaped(number));
  }

  function isCardLeftEdge(folded: string, start: number): boolean {
    const before = folded.charCodeAt(start - 1);
    if (isAsciiLetterCode(before)) return false;
    if (before === 0x2e && isDigitCode(folded.charCodeAt(start - 2))) return false;
    return !ORDER_LABEL.test(folded.slice(Math.max(0, start - 16), start));
  }

  function isCardRightEdge(folded: string, end: number): boolean {
    const after = folded.charCodeAt(end);
    if (isAsciiLetterCode(after)) return false;
    return !(after === 0x2e && isDigitCode(folded.charCodeAt(end + 1)));
  }

  function find(text: string): PiiSpan[] {
    if (typeof text !== 'string') throw new TypeError('tongli: the redactor expects text as a string');
    const folded = fold(text);
    let accepted: Candidate[] = [];
    const runOnPhones: Candidate[] = [];
    for (const kind of kinds) {
      if (kind === 'email') accepted = mergeWithout(accepted, findEmails(folded));
      else if (kind === 'id_card') accepted = mergeWithout(accepted, findIdCards(folded));
      else if (kind === 'phone') accepted = mergeWithout(accepted, findPhones(folded, runOnPhones));
      else accepted = mergeWithout(accepted, findBankCards(folded, accepted));
    }
    accepted = mergeWithout(accepted, runOnPhones);
    return accepted.map((c) => ({ kind: c.kind, start: c.start, end: c.end, value: text.slice(c.start, c.end) }));
  }

  function redact(text: string, redactOptions: RedactOptions = {}): string {
    const mask = checkMask(redactOptions.mask, 'redact') ?? defaultMask ?? 'label';
    const labels = PII_LABELS[checkLocale(redactOptions.locale, 'redact') ?? defaultLocale ?? 'zh'];
    const spans = find(text);
    if (spans.length === 0) return text;
    const parts: string[] = [];
    let position = 0;
    for (const span of spans) {
      parts.push(text.slice(position, span.start), mask === 'label' ? `[${labels[span.kind]}]` : maskPartially(span));
      position = span.end;
    }
    parts.push(text.slice(position));
    return parts.join('');
  }

  return Object.freeze({ kinds: Object.freeze(PII_KINDS.filter((k) => wanted.has(k))), find, redact });
}

function checkKinds(kinds: readonly PiiKind[] | undefined): readonly PiiKind[] {
  if (kinds === undefined) return PII_KINDS;
  if (!Array.isArray(kinds)) throw new TypeError('tongli: redactor kinds must be an array');
  for (const kind of kinds) {
    if (!(PII_KINDS as readonly unknown[]).includes(kind)) {
      throw new Error(`tongli: PII kind "${String(kind)}" is unknown (expected one of ${PII_KINDS.join(', ')})`);
    }
  }
  // Priority order, whatever order the caller listed them in.
  return PII_KINDS.filter((k) => kinds.includes(k));
}

function checkMask(mask: unknown, where: string): PiiMask | undefined {
  if (mask === undefined || MASKS.includes(mask as string)) return mask as PiiMask | undefined;
  throw new Error(`tongli: ${where} mask "${String(mask)}" is unknown (expected ${MASKS.join(' or ')})`);
}

function checkLocale(locale: unknown, where: string): PiiLocale | undefined {
  if (locale === undefined || LOCALES.includes(locale as string)) return locale as PiiLocale | undefined;
  throw new Error(`tongli: ${where} locale "${String(locale)}" is unknown (expected ${LOCALES.join(' or ')})`);
}

/** Where the 11-digit national number of a phone match ending at `end` starts (separators included). */
function nationalStart(folded: string, end: number): number {
  let digits = 0;
  let i = end;
  while (digits < 11 && i > 0) if (isDigitCode(folded.charCodeAt(--i))) digits++;
  return i;
}

/** Whether a space or dash and a digit come right after `end`. */
function isBeforeDigitGroup(folded: string, end: number): boolean {
  const after = folded.charCodeAt(end);
  return (after === 0x20 || after === 0x2d) && isDigitCode(folded.charCodeAt(end + 1));
}

/** Whether [start, end) overlaps one of `spans` (sorted by start, not overlapping each other). */
function overlapsAny(spans: Candidate[], start: number, end: number): boolean {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((spans[middle]?.end ?? 0) <= start) low = middle + 1;
    else high = middle;
  }
  const first = spans[low];
  return first !== undefined && first.start < end;
}

/** `accepted` plus the candidates that overlap none of it, sorted by start (both inputs are). */
function mergeWithout(accepted: Candidate[], candidates: Candidate[]): Candidate[] {
  if (candidates.length === 0) return accepted;
  const merged: Candidate[] = [];
  let a = 0;
  for (const candidate of candidates) {
    while (a < accepted.length && (accepted[a]?.end ?? 0) <= candidate.start) merged.push(accepted[a++] as Candidate);
    const next = accepted[a];
    if (next === undefined || next.start >= candidate.end) merged.push(candidate);
  }
  while (a < accepted.length) merged.push(accepted[a++] as Candidate);
  return merged;
}

function maskPartially(span: PiiSpan): string {
  const { value } = span;
  if (span.kind === 'email') {
    const at = Math.max(value.lastIndexOf('@'), value.lastIndexOf('＠'));
    const local = value.slice(0, at);
    return (local.length > 2 ? local.slice(0, 1) : '') + MASK_CHAR.repeat(3) + value.slice(at);
  }
  // Positions of the number's own characters (digits, and the ID's X), separators and prefixes aside.
  const positions: number[] = [];
  for (let i = 0; i < value.length; i++) if (isNumberCharacter(value.charCodeAt(i))) positions.push(i);
  let from: number;
  let to: number;
  if (span.kind === 'phone') {
    from = positions.length - 8; // 3 of the 11 digits shown first, 4 masked, 4 shown last
    to = positions.length - 4;
  } else if (span.kind === 'id_card') {
    from = 3;
    to = positions.length - 4;
  } else {
    from = 0;
    to = positions.length - 4;
  }
  const characters = value.split('');
  for (let p = Math.max(0, from); p < to; p++) characters[positions[p] ?? 0] = MASK_CHAR;
  return characters.join('');
}

/** The ASCII form of a full-width character, space or dash (one code unit for one, so offsets hold). */
function foldCode(code: number): number {
  if (code < 0xa0) return code;
  if (code >= 0xff01 && code <= 0xff5e) return code - 0xfee0;
  if ((code >= 0x2010 && code <= 0x2015) || code === 0x2212) return 0x2d;
  if (code === 0xa0 || (code >= 0x2000 && code <= 0x200a) || code === 0x202f || code === 0x3000) return 0x20;
  return code;
}

const DECODE_CHUNK = 8192;

function decode(codes: Uint16Array): string {
  let out = '';
  for (let i = 0; i < codes.length; i += DECODE_CHUNK) {
    out += String.fromCharCode.apply(null, codes.subarray(i, i + DECODE_CHUNK) as unknown as number[]);
  }
  return out;
}

function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isAsciiLetterCode(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** A character of an e-mail local part as the redactor accepts it: letters, digits and `._%+-`. */
function isLocalPartCode(code: number): boolean {
  return isDigitCode(code) || isAsciiLetterCode(code) || code === 0x2e || code === 0x5f || code === 0x25 || code === 0x2b || code === 0x2d;
}

/** An ASCII or full-width digit, or X / x / Ｘ / ｘ (the ID check character), in the original text. */
function isNumberCharacter(code: number): boolean {
  return isDigitCode(code) || (code >= 0xff10 && code <= 0xff19) || code === 0x58 || code === 0x78 || code === 0xff38 || code === 0xff58;
}

function stripSeparators(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code !== 0x20 && code !== 0x2d) out += s.charAt(i);
  }
  return out;
}
