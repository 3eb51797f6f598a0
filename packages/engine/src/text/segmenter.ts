/**
 * Word segmentation is a platform service: the CLI injects `@node-rs/jieba` (its wasm build serves the
 * browser). The fallback keeps the engine usable without it: Latin words, and Han runs cut into
 * overlapping character pairs, which is enough for key-term overlap.
 */
export interface Segmenter {
  cut(text: string): string[];
}

const TOKEN = /[a-z0-9]+(?:'[a-z]+)?|[\u3400-\u9fff\uf900-\ufaff]+/g;

/** @example createFallbackSegmenter().cut('退款没到账 refund') // ['退款', '款没', '没到', '到账', 'refund'] */
export function createFallbackSegmenter(): Segmenter {
  return {
    cut(text: string): string[] {
      const out: string[] = [];
      for (const match of text.toLowerCase().matchAll(TOKEN)) {
        const token = match[0];
        const code = token.charCodeAt(0);
        if (code < 0x3400) out.push(token);
        else if (token.length <= 2) out.push(token);
        else for (let i = 0; i + 2 <= token.length; i++) out.push(token.slice(i, i + 2));
      }
      return out;
    },
  };
}
