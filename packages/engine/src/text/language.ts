import type { Lang } from '../types.js';

/**
 * Detects zh / en / mixed from script counts: Han characters against Latin letters (about four letters
 * weigh as much as one Han character, so a brand name in a Chinese sentence stays `zh`).
 *
 * @example
 * detectLanguage('我的订单 still not here'); // 'mixed'
 */
export function detectLanguage(text: string): Lang {
  let han = 0;
  let latin = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 0x3400 && code <= 0x9fff) || (code >= 0xf900 && code <= 0xfaff)) han++;
    else if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) latin++;
  }
  if (han === 0 && latin === 0) return 'unknown';
  const hanShare = han / (han + latin / 4);
  if (hanShare >= 0.7) return 'zh';
  if (hanShare <= 0.3) return 'en';
  return 'mixed';
}
