/**
 * Validators for the number-shaped PII kinds. Each takes ASCII characters only (the redactor folds
 * full-width digits first) and never throws.
 */

// GB 11643-1999: weight of position i (0-based, left to right) is 2^(17 - i) mod 11.
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
// ISO 7064 MOD 11-2 check character for each remainder of the weighted sum mod 11.
const ID_CHECK = '10X98765432';

// First two digits of a resident ID: the province-level division (GB/T 2260), plus 83 for the
// residence permits of Taiwan residents; Hong Kong and Macau residence permits reuse 81 and 82.
const ID_PROVINCES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44',
  '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83',
]); // prettier-ignore

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * The GB 11643 (ISO 7064 MOD 11-2) check character for the first 17 digits of a resident ID, or
 * `undefined` when they are not 17 ASCII digits.
 *
 * @example
 * idCheckCharacter('11010519491231002'); // 'X'
 */
export function idCheckCharacter(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const code = first17.charCodeAt(i);
    if (!isDigitCode(code)) return undefined;
    sum += (code - 0x30) * (ID_WEIGHTS[i] ?? 0);
  }
  return ID_CHECK[sum % 11];
}

/**
 * Whether `yyyymmdd` is a real calendar date between 1900-01-01 and 2099-12-31 (the engine reads no
 * clock, so "not in the future" is left to the caller).
 *
 * @example
 * isPlausibleBirthDate('20000229'); // true
 * isPlausibleBirthDate('19000229'); // false, 1900 was not a leap year
 */
export function isPlausibleBirthDate(yyyymmdd: string): boolean {
  if (yyyymmdd.length !== 8) return false;
  for (let i = 0; i < 8; i++) if (!isDigitCode(yyyymmdd.charCodeAt(i))) return false;
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (DAYS_IN_MONTH[month - 1] ?? 0);
}

/**
 * Whether 18 characters have the shape of a resident ID: a known province code and a plausible birth
 * date in positions 7–14. The check character is not looked at (see {@link isValidResidentId}).
 *
 * @example
 * isResidentIdShaped('110105194912310021'); // true (the checksum is wrong, the shape is right)
 */
export function isResidentIdShaped(id: string): boolean {
  return id.length === 18 && ID_PROVINCES.has(id.slice(0, 2)) && isPlausibleBirthDate(id.slice(6, 14));
}

/**
 * Whether an 18-character mainland resident ID number is valid: a known province code, a plausible
 * birth date in positions 7–14 and the GB 11643 ISO 7064 MOD 11-2 check character (`X` or `x` for 10).
 *
 * @example
 * isValidResidentId('11010519491231002X'); // true
 * isValidResidentId('110105194912310021'); // false, the check character should be X
 */
export function isValidResidentId(id: string): boolean {
  if (!isResidentIdShaped(id)) return false;
  const check = idCheckCharacter(id.slice(0, 17));
  return check !== undefined && check === id.charAt(17).toUpperCase();
}

/**
 * Whether a string of ASCII digits passes the Luhn (mod 10) check used by payment cards.
 *
 * @example
 * passesLuhn('4111111111111111'); // true
 * passesLuhn('4111111111111112'); // false
 */
export function passesLuhn(digits: string): boolean {
  if (digits.length === 0) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    const code = digits.charCodeAt(i);
    if (!isDigitCode(code)) return false;
    let d = code - 0x30;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Whether a card number of 13–19 digits starts like one a card scheme issues: 3 (Amex, JCB, Diners),
 * 4 (Visa), 5 (Mastercard, Maestro), 6 (UnionPay, Discover, Maestro), 9 (older domestic Chinese
 * cards) or 2221–2720 (Mastercard). This is what keeps Unix timestamps in milliseconds (1…) and
 * `yyyymmddhhmmss` timestamps (19…, 20…) from passing as cards once in ten by Luhn alone.
 *
 * @example
 * isPlausibleCardNumber('6222021234567890128'); // true
 * isPlausibleCardNumber('20261122153000'); // false
 */
export function isPlausibleCardNumber(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  const first = digits.charCodeAt(0);
  if (first === 0x33 || first === 0x34 || first === 0x35 || first === 0x36 || first === 0x39) return true;
  if (first !== 0x32) return false;
  const prefix = Number(digits.slice(0, 4));
  return prefix >= 2221 && prefix <= 2720;
}
