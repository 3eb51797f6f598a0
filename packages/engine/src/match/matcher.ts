/**
 * Multi-pattern matching over normalised text: an Aho–Corasick automaton over the first literal of every
 * pattern, built once; `*` gaps are verified only after their first literal has matched, so the
 * per-message cost is one pass over the text plus work proportional to the hits.
 */

export interface Match<T> {
  start: number;
  end: number;
  data: T;
}

export interface Matcher<T> {
  /** All matches, sorted by start, longer first. */
  match(text: string): Match<T>[];
  readonly size: number;
}

interface Entry<T> {
  parts: string[];
  cjk: boolean;
  boundaryStart: boolean;
  boundaryEnd: boolean;
  data: T;
}

const MAX_CJK_GAP = 8;
const MAX_WORD_GAP = 3;
const MAX_WORD_GAP_CHARS = 40;

function isWordChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a);
}

function hasCjk(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x2e80) return true;
  return false;
}

/**
 * @example
 * const m = createMatcher([{ pattern: '给您带来*不便', data: 'non_apology' }]);
 * m.match('给您带来的不便深表歉意'); // [{ start: 0, end: 7, data: 'non_apology' }]
 */
export function createMatcher<T>(patterns: readonly { pattern: string; data: T }[]): Matcher<T> {
  const entries: Entry<T>[] = [];
  for (const { pattern, data } of patterns) {
    const parts = pattern
      .split('*')
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
    const first = parts[0];
    if (first === undefined) continue;
    const last = parts[parts.length - 1] ?? first;
    entries.push({
      parts,
      cjk: hasCjk(pattern),
      boundaryStart: isWordChar(first.charCodeAt(0)),
      boundaryEnd: isWordChar(last.charCodeAt(last.length - 1)),
      data,
    });
  }

  // Trie over first parts; node 0 is the root.
  const children: Map<number, number>[] = [new Map()];
  const outputs: number[][] = [[]];
  entries.forEach((entry, index) => {
    const key = entry.parts[0] ?? '';
    let node = 0;
    for (let i = 0; i < key.length; i++) {
      const code = key.charCodeAt(i);
      let next = children[node]?.get(code);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        outputs.push([]);
        children[node]?.set(code, next);
      }
      node = next;
    }
    outputs[node]?.push(index);
  });

  const fail = new Int32Array(children.length);
  const queue: number[] = [];
  for (const child of children[0]?.values() ?? []) queue.push(child);
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] ?? 0;
    for (const [code, child] of children[node] ?? []) {
      let f = fail[node] ?? 0;
      while (f !== 0 && !children[f]?.has(code)) f = fail[f] ?? 0;
      const target = children[f]?.get(code);
      fail[child] = target !== undefined && target !== child ? target : 0;
      const inherited = outputs[fail[child] ?? 0];
      if (inherited && inherited.length > 0) outputs[child] = [...(outputs[child] ?? []), ...inherited];
      queue.push(child);
    }
  }

  // Freeze the trie into flat typed arrays (edges sorted by code per node, outputs flattened): a few
  // hundred kilobytes instead of one Map per node, and faster to walk.
  const nodeCount = children.length;
  const edgeStart = new Int32Array(nodeCount + 1);
  const outStart = new Int32Array(nodeCount + 1);
  let edgeTotal = 0;
  let outTotal = 0;
  for (let n = 0; n < nodeCount; n++) {
    edgeStart[n] = edgeTotal;
    outStart[n] = outTotal;
    edgeTotal += children[n]?.size ?? 0;
    outTotal += outputs[n]?.length ?? 0;
  }
  edgeStart[nodeCount] = edgeTotal;
  outStart[nodeCount] = outTotal;
  const edgeCode = new Uint16Array(edgeTotal);
  const edgeTarget = new Int32Array(edgeTotal);
  const outEntry = new Int32Array(outTotal);
  for (let n = 0; n < nodeCount; n++) {
    const sorted = [...(children[n] ?? new Map<number, number>())].sort((a, b) => a[0] - b[0]);
    let e = edgeStart[n] ?? 0;
    for (const [code, target] of sorted) {
      edgeCode[e] = code;
      edgeTarget[e] = target;
      e++;
    }
    let o = outStart[n] ?? 0;
    for (const index of outputs[n] ?? []) outEntry[o++] = index;
  }
  const root = children[0] ?? new Map<number, number>();
  // The build-time Maps live in this closure's context; drop them so only the flat arrays stay alive.
  children.length = 0;
  outputs.length = 0;

  function step(node: number, code: number): number {
    if (node === 0) return root.get(code) ?? -1;
    let lo = edgeStart[node] ?? 0;
    let hi = (edgeStart[node + 1] ?? 0) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = edgeCode[mid] ?? 0;
      if (c === code) return edgeTarget[mid] ?? -1;
      if (c < code) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  function verify(entry: Entry<T>, text: string, start: number, firstEnd: number): number {
    if (entry.boundaryStart && start > 0 && isWordChar(text.charCodeAt(start - 1))) return -1;
    let end = firstEnd;
    for (let p = 1; p < entry.parts.length; p++) {
      const part = entry.parts[p] ?? '';
      // Search only the window a gap allows, so a long text costs nothing extra per anchor hit.
      const limit = end + (entry.cjk ? MAX_CJK_GAP : MAX_WORD_GAP_CHARS) + part.length;
      const window = text.slice(end, Math.min(text.length, limit));
      let offset = window.indexOf(part);
      // After a gap, an English part must start a word ("is" does not match inside "this").
      if (!entry.cjk)
        while (offset >= 0 && isWordChar(text.charCodeAt(end + offset - 1)) && isWordChar(part.charCodeAt(0)) && end + offset > 0)
          offset = window.indexOf(part, offset + 1);
      if (offset < 0) return -1;
      const at = end + offset;
      if (entry.cjk) {
        if (at - end > MAX_CJK_GAP) return -1;
      } else {
        if (at - end > MAX_WORD_GAP_CHARS) return -1;
        let words = 0;
        let inWord = false;
        for (let i = end; i < at; i++) {
          const word = text.charCodeAt(i) !== 0x20;
          if (word && !inWord) words++;
          inWord = word;
        }
        if (words > MAX_WORD_GAP) return -1;
      }
      end = at + part.length;
    }
    if (entry.boundaryEnd && end < text.length && isWordChar(text.charCodeAt(end))) return -1;
    // "can" is not a word inside "can't" / "won't".
    if (entry.boundaryEnd && text.charCodeAt(end) === 0x27 && text.charCodeAt(end + 1) === 0x74 && !isWordChar(text.charCodeAt(end + 2)))
      return -1;
    return end;
  }

  return {
    size: entries.length,
    match(text: string): Match<T>[] {
      const found: Match<T>[] = [];
      let node = 0;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        let next = step(node, code);
        while (next < 0 && node !== 0) {
          node = fail[node] ?? 0;
          next = step(node, code);
        }
        node = next < 0 ? 0 : next;
        const from = outStart[node] ?? 0;
        const to = outStart[node + 1] ?? 0;
        for (let o = from; o < to; o++) {
          const entry = entries[outEntry[o] ?? 0];
          if (entry === undefined) continue;
          const firstLength = entry.parts[0]?.length ?? 0;
          const start = i + 1 - firstLength;
          const end = verify(entry, text, start, i + 1);
          if (end >= 0) found.push({ start, end, data: entry.data });
        }
      }
      if (found.length > 1) found.sort((a, b) => a.start - b.start || b.end - a.end);
      return found;
    },
  };
}

/**
 * Drops every match strictly inside a longer one (`不错` hides `错`); matches with the same span are
 * kept together, so one phrase can carry an emotion and a sentiment.
 */
export function dropContained<T>(matches: Match<T>[]): Match<T>[] {
  if (matches.length < 2) return matches;
  const kept: Match<T>[] = [];
  let coverStart = -1;
  let coverEnd = -1;
  for (const m of matches) {
    // Sorted by start, so the widest earlier match covers m when it ends at or after m's end.
    if (m.end <= coverEnd && !(m.start === coverStart && m.end === coverEnd)) continue;
    kept.push(m);
    if (m.end > coverEnd) {
      coverStart = m.start;
      coverEnd = m.end;
    }
  }
  return kept;
}

/**
 * Leftmost-longest selection: drops every match that starts inside an earlier kept one, so "not happy"
 * hides "happy with"; matches with the same span are kept together.
 */
export function dropOverlapping<T>(matches: Match<T>[]): Match<T>[] {
  if (matches.length < 2) return matches;
  const kept: Match<T>[] = [];
  let lastStart = -1;
  let lastEnd = -1;
  for (const m of matches) {
    if (m.start < lastEnd && !(m.start === lastStart && m.end === lastEnd)) continue;
    kept.push(m);
    lastStart = m.start;
    lastEnd = m.end;
  }
  return kept;
}
