/**
 * Hashed n-gram features over normalised text (the hashing trick). Two views: `ngrams` (character
 * 1–2-grams for Han text, word uni- and bigrams plus character 3–4-grams inside words for Latin text)
 * and `words` (token 1–3-grams, a token being a Latin word, a Han character or a symbol). Indices are FNV-1a
 * hashes modulo the bucket count; values are counts scaled to unit length. A reply's context (the
 * customer message it answers) may be added as a second, separately hashed and scaled group. Built once
 * per model, reused per call with no per-n-gram allocation.
 */

/**
 * Bumped whenever what the featuriser emits changes: a model trained on other features is refused.
 * v4 added the `words` view; the `ngrams` view is unchanged since v3, so v3 files are still read.
 */
export const FEATURES_VERSION = 4;
/** Featuriser versions whose `ngrams` view this engine computes identically. */
export const READABLE_FEATURES: readonly number[] = [3, 4];

/** What a model reads: `ngrams` (the default, v3) or `words` (token 1–3-grams, v4). */
export type FeatureView = 'ngrams' | 'words';

/** Seed mixed into the hashes of context n-grams, so they form a group apart from the text's own. */
const CONTEXT_SEED = 0x3c6ef372;
/**
 * Length of the context group beside the text's unit length. The customer's message as its own n-gram
 * group raised macro-F1 of reply models in 3-fold cross-validation on train rows (ESConv, EPITOME;
 * docs/adr/0004-learned-layer.md).
 */
export const CONTEXT_WEIGHT = 0.5;

export interface FeatureConfig {
  /** Hash buckets (a power of two). */
  buckets: number;
  /** Longest Han character n-gram (default 2: in 2-fold cross-validation on train rows of waimai, hotel and COLD, 1–2-grams did as well as 1–3 or 1–4 on average, with fewer features). */
  hanMax?: number;
  /** Which n-grams (default `ngrams`). */
  view?: FeatureView;
}

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
  length: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** The most distinct n-grams one text yields (the rest of a very long text is ignored). */
export const MAX_FEATURES = 4096;

function isHan(code: number): boolean {
  return code >= 0x3400 && code <= 0x9fff;
}

function isWordChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x27;
}

/** The n-gram text a hashed feature came from, for explanations (only built when asked). */
export type NgramSink = (index: number, start: number, end: number) => void;

/**
 * @example const f = createFeaturizer({ buckets: 1 << 17 }); f('太慢了', 0)
 *
 * With `reuse`, the vector returned views the featuriser's own buffers and is valid until its next call:
 * the per-message path then allocates nothing. Without it (training keeps every example) it is a copy.
 */
export function createFeaturizer(config: FeatureConfig, options: { reuse?: boolean } = {}) {
  const mask = config.buckets - 1;
  const hanMax = config.hanMax ?? 2;
  const words = config.view === 'words';
  if ((config.buckets & mask) !== 0) throw new Error('tongli: model buckets must be a power of two');
  const reuse = options.reuse === true;
  const indices = new Int32Array(MAX_FEATURES);
  const counts = new Float32Array(MAX_FEATURES);
  const values = new Float32Array(MAX_FEATURES);
  const shared: SparseVector = { indices, values, length: 0 };
  // Open-addressing table from bucket to slot, cleared in O(1) by bumping a generation stamp. Each call
  // uses only the first `tableMask + 1` entries, sized to the text (a short message touches a few cache
  // lines, not the whole table); the slot order, and so the vector, does not depend on that size.
  const TABLE = MAX_FEATURES * 4;
  const tableKey = new Int32Array(TABLE);
  const tableSlot = new Int32Array(TABLE);
  const tableGen = new Uint32Array(TABLE);
  let generation = 0;
  let tableMask = TABLE - 1;
  let tableShift = 32 - Math.log2(TABLE);
  let n = 0;
  let sink: NgramSink | undefined;
  /** Added to the spans a sink hears (context n-grams are reported after the text). */
  let shift = 0;

  function add(hash: number, start: number, end: number): void {
    const index = (hash >>> 0) & mask;
    let h = Math.imul(index, 0x9e3779b1) >>> tableShift;
    for (;;) {
      if (tableGen[h] !== generation) break;
      if (tableKey[h] === index) {
        counts[tableSlot[h]!]! += 1;
        return;
      }
      h = (h + 1) & tableMask;
    }
    if (n >= MAX_FEATURES) return;
    tableGen[h] = generation;
    tableKey[h] = index;
    tableSlot[h] = n;
    indices[n] = index;
    counts[n] = 1;
    n++;
    if (sink) sink(index, start + shift, end + shift);
  }

  /** Adds the n-grams of `text` (hashed with `seed`) to the vector; a sink hears their spans shifted by `offset`. */
  /** Starts a pass over `text`: a fresh dedup table sized for at most `perChar` features per character. */
  function startPass(text: string, seed: number, offset: number, perChar: number): void {
    generation = (generation + 1) >>> 0;
    if (generation === 0) {
      tableGen.fill(0);
      generation = 1;
    }
    const length = Math.min(text.length, 20_000);
    // At most `perChar` features per character plus the two position marks (and never more than
    // MAX_FEATURES); a table at least 4× that stays sparse and can never fill.
    const most = perChar * length + 2;
    let size = 64;
    while (size < TABLE && size < 4 * most) size *= 2;
    tableMask = size - 1;
    tableShift = 32 - Math.log2(size);
    shift = offset;
  }

  function pass(text: string, seed: number, offset: number): void {
    startPass(text, seed, offset, Math.max(hanMax, 2));
    const length = Math.min(text.length, 20_000);
    // The previous word's unseeded hash (for the word bigram), or -1 after Han text or at the start.
    let prevWordStart = -1;
    let prevWordHash = 0;
    const gramSeed = Math.imul(FNV_OFFSET ^ seed ^ 0x27d4eb2d, FNV_PRIME);
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (isHan(code)) {
        // Character 1–3-grams over runs of Han (and mixed) text.
        let h = Math.imul(FNV_OFFSET ^ seed, FNV_PRIME);
        for (let k = 0; k < hanMax && i + k < length; k++) {
          const c = text.charCodeAt(i + k);
          if (!isHan(c)) break;
          h = Math.imul(h ^ c, FNV_PRIME);
          add(Math.imul(h ^ (k + 1), FNV_PRIME), i, i + k + 1);
        }
        prevWordStart = -1;
        continue;
      }
      if (isWordChar(code) && (i === 0 || !isWordChar(text.charCodeAt(i - 1)))) {
        let end = i;
        let word = Math.imul(FNV_OFFSET ^ seed ^ 0x5bd1e995, FNV_PRIME);
        let plain = FNV_OFFSET;
        for (let c = code; end < length && isWordChar((c = text.charCodeAt(end))); end++) {
          word = Math.imul(word ^ c, FNV_PRIME);
          plain = Math.imul(plain ^ c, FNV_PRIME);
        }
        add(word, i, end);
        if (prevWordStart >= 0) add(Math.imul(word ^ Math.imul(prevWordHash, 31), FNV_PRIME), prevWordStart, end);
        // Character 3- and 4-grams inside the word (spelling variants, morphology).
        if (end - i >= 4) {
          let c1 = text.charCodeAt(i);
          let c2 = text.charCodeAt(i + 1);
          for (let k = i; k + 3 <= end; k++) {
            const c3 = text.charCodeAt(k + 2);
            const g = Math.imul(Math.imul(Math.imul(gramSeed ^ c1, FNV_PRIME) ^ c2, FNV_PRIME) ^ c3, FNV_PRIME);
            add(g, k, k + 3);
            if (k + 4 <= end) add(Math.imul(g ^ text.charCodeAt(k + 3), FNV_PRIME), k, k + 4);
            c1 = c2;
            c2 = c3;
          }
        }
        prevWordStart = i;
        prevWordHash = plain;
        i = end - 1;
        continue;
      }
      if (code === 0x21 || code === 0x3f) add(Math.imul(FNV_OFFSET ^ seed ^ code, FNV_PRIME), i, i + 1);
      else if (code > 0x2000 && !isHan(code)) add(Math.imul(FNV_OFFSET ^ seed ^ 0x1b873593 ^ code, FNV_PRIME), i, i + 1);
    }
    // Where a message starts and how it ends say what it does ("So you…", "Have you…", "…?"): mark
    // its first word (or first two Han characters) and its last non-space character.
    let first = 0;
    while (first < length && text.charCodeAt(first) <= 0x20) first++;
    if (first < length) {
      let end = first;
      if (isHan(text.charCodeAt(first))) end = Math.min(length, first + 2);
      else while (end < length && isWordChar(text.charCodeAt(end))) end++;
      if (end > first) add(Math.imul(hashSpan(text, first, end) ^ 0x68e31da4 ^ seed, FNV_PRIME), first, end);
      let last = length - 1;
      while (last > first && text.charCodeAt(last) <= 0x20) last--;
      add(Math.imul(FNV_OFFSET ^ seed ^ 0x2545f491 ^ text.charCodeAt(last), FNV_PRIME), last, last + 1);
    }
  }

  /**
   * The `words` view of `text`: token uni-, bi- and trigrams, where a token is a Latin word, a Han
   * character, `!`, `?` or another symbol, plus the first and the last token marked as such. Seeds
   * other than the `ngrams` view's keep the two views' buckets apart.
   */
  function wordPass(text: string, seed: number, offset: number): void {
    startPass(text, seed, offset, 3);
    const length = Math.min(text.length, 20_000);
    const uni = Math.imul(FNV_OFFSET ^ seed ^ 0x165667b1, FNV_PRIME);
    // The two previous tokens' plain hashes and starts (-1: none).
    let p1 = 0;
    let p2 = 0;
    let s1 = -1;
    let s2 = -1;
    let firstHash = 0;
    let firstStart = -1;
    let firstEnd = -1;
    let lastHash = 0;
    let lastStart = -1;
    let lastEnd = -1;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      let end: number;
      let plain: number;
      if (isWordChar(code)) {
        end = i;
        plain = FNV_OFFSET;
        for (let c = code; end < length && isWordChar((c = text.charCodeAt(end))); end++) plain = Math.imul(plain ^ c, FNV_PRIME);
      } else if (isHan(code) || code === 0x21 || code === 0x3f || code > 0x2000) {
        end = i + 1;
        plain = Math.imul(FNV_OFFSET ^ code, FNV_PRIME);
      } else continue;
      add(Math.imul(uni ^ plain, FNV_PRIME), i, end);
      if (s1 >= 0) {
        const bi = Math.imul(Math.imul(uni ^ 0x2f, FNV_PRIME) ^ p1, FNV_PRIME);
        add(Math.imul(bi ^ plain, FNV_PRIME), s1, end);
        if (s2 >= 0)
          add(
            Math.imul(Math.imul(Math.imul(Math.imul(uni ^ 0x3b, FNV_PRIME) ^ p2, FNV_PRIME) ^ p1, FNV_PRIME) ^ plain, FNV_PRIME),
            s2,
            end,
          );
      }
      if (firstStart < 0) {
        firstHash = plain;
        firstStart = i;
        firstEnd = end;
      }
      lastHash = plain;
      lastStart = i;
      lastEnd = end;
      p2 = p1;
      s2 = s1;
      p1 = plain;
      s1 = i;
      i = end - 1;
    }
    if (firstStart >= 0) {
      add(Math.imul(Math.imul(uni ^ 0x5e, FNV_PRIME) ^ firstHash, FNV_PRIME), firstStart, firstEnd);
      add(Math.imul(Math.imul(uni ^ 0x24, FNV_PRIME) ^ lastHash, FNV_PRIME), lastStart, lastEnd);
    }
  }

  /** Scales the counts of slots [from, n) to length `weight` into `values`. */
  function normalizeSlots(from: number, weight: number): void {
    let norm = 0;
    for (let k = from; k < n; k++) norm += counts[k]! * counts[k]!;
    const scale = norm > 0 ? weight / Math.sqrt(norm) : 0;
    for (let k = from; k < n; k++) values[k] = counts[k]! * scale;
  }

  /**
   * With `context` (what a reply answers: the customer's message), its n-grams are added as a group of
   * their own — hashed with another seed, so "sorry" in the customer's message and "sorry" in the reply
   * are different features — scaled to length CONTEXT_WEIGHT beside the text's unit length. A sink hears
   * a context n-gram's span shifted by `text.length + 1` (as if in `text + '\n' + context`).
   */
  return function featurize(text: string, seed: number, onNgram?: NgramSink, context?: string): SparseVector {
    n = 0;
    sink = onNgram;
    (words ? wordPass : pass)(text, seed, 0);
    normalizeSlots(0, 1);
    if (context !== undefined && context.length > 0) {
      const from = n;
      (words ? wordPass : pass)(context, seed ^ CONTEXT_SEED, text.length + 1);
      normalizeSlots(from, CONTEXT_WEIGHT);
    }
    sink = undefined;
    if (reuse) {
      shared.length = n;
      return shared;
    }
    return { indices: indices.slice(0, n), values: values.slice(0, n), length: n };
  };
}

function hashSpan(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let k = start; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), FNV_PRIME);
  return h;
}

export type Featurize = ReturnType<typeof createFeaturizer>;
