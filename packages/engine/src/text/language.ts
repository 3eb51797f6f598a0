import type { Lang } from '../types.js';
import { isHan } from './normalize.js';

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
    if (isHan(code)) han++;
    else if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) latin++;
  }
  if (han === 0 && latin === 0) return 'unknown';
  const hanShare = han / (han + latin / 4);
  if (hanShare >= 0.7) return 'zh';
  if (hanShare <= 0.3) return 'en';
  return 'mixed';
}
