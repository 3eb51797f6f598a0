/** Classification figures, computed the same way for the engine, its peers and baselines. */
export interface LabelFigures {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Figures {
  n: number;
  accuracy: number;
  macroF1: number;
  perLabel: Record<string, LabelFigures>;
}

const r4 = (x: number) => Math.round(x * 10000) / 10000;

/**
 * Accuracy and macro-F1 over the gold labels (labels only ever predicted count as false positives
 * but do not enter the macro average).
 *
 * @example score(['a', 'b'], ['a', 'a']).accuracy // 0.5
 */
export function score(gold: readonly string[], predicted: readonly string[], labels?: readonly string[]): Figures {
  const classes = labels ?? [...new Set(gold)].sort();
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  let correct = 0;
  gold.forEach((g, i) => {
    const p = predicted[i] ?? '';
    if (g === p) {
      correct++;
      tp.set(g, (tp.get(g) ?? 0) + 1);
    } else {
      fn.set(g, (fn.get(g) ?? 0) + 1);
      fp.set(p, (fp.get(p) ?? 0) + 1);
    }
  });
  const perLabel: Record<string, LabelFigures> = {};
  let sum = 0;
  for (const c of classes) {
    const t = tp.get(c) ?? 0;
    const precision = t + (fp.get(c) ?? 0) === 0 ? 0 : t / (t + (fp.get(c) ?? 0));
    const recall = t + (fn.get(c) ?? 0) === 0 ? 0 : t / (t + (fn.get(c) ?? 0));
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perLabel[c] = { precision: r4(precision), recall: r4(recall), f1: r4(f1), support: t + (fn.get(c) ?? 0) };
    sum += f1;
  }
  return {
    n: gold.length,
    accuracy: gold.length === 0 ? 0 : r4(correct / gold.length),
    macroF1: classes.length === 0 ? 0 : r4(sum / classes.length),
    perLabel,
  };
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length).fill(0);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.[0] === order[i]?.[0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]?.[1] ?? 0] = rank;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation (ties get average ranks); 0 when either side is constant. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return 0;
  const ra = ranks(a.slice(0, n));
  const rb = ranks(b.slice(0, n));
  const mean = (n + 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    const x = (ra[i] ?? 0) - mean;
    const y = (rb[i] ?? 0) - mean;
    num += x * y;
    da += x * x;
    db += y * y;
  }
  return da === 0 || db === 0 ? 0 : r4(num / Math.sqrt(da * db));
}
