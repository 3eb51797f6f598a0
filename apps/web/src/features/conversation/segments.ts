/** A highlighted range of a message, with what to say about it on hover. */
export interface Mark {
  id: string;
  start: number;
  end: number;
  tone: 'harmful' | 'good' | 'signal' | 'cue';
}

/** A run of text with the marks covering all of it (empty: plain text). */
export interface Segment {
  start: number;
  end: number;
  text: string;
  marks: Mark[];
}

/**
 * Cuts a text into runs at every mark boundary so that each run can be rendered as a React text node, wrapped in
 * a highlight when marks cover it. Marks outside the text are clipped; overlapping marks share runs. The text is
 * never interpreted: callers render `segment.text` as a string child.
 * @example
 * buildSegments('abcdef', [{ id: 'x', start: 1, end: 3, tone: 'harmful' }]).map((s) => s.text); // ['a', 'bc', 'def']
 */
export function buildSegments(text: string, marks: readonly Mark[]): Segment[] {
  const valid = marks
    .map((m) => ({ ...m, start: Math.max(0, Math.min(text.length, m.start)), end: Math.max(0, Math.min(text.length, m.end)) }))
    .filter((m) => m.end > m.start);
  const cuts = new Set<number>([0, text.length]);
  for (const m of valid) {
    cuts.add(m.start);
    cuts.add(m.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i] as number;
    const end = points[i + 1] as number;
    if (end <= start) continue;
    out.push({ start, end, text: text.slice(start, end), marks: valid.filter((m) => m.start <= start && m.end >= end) });
  }
  return out;
}
