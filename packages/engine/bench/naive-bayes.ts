/**
 * Multinomial naive Bayes over bags of words with Laplace (add-alpha) smoothing: the throw-away
 * baseline that the accuracy benchmark trains in memory on each set's `train` rows. Nothing it
 * learns is written anywhere.
 */

export interface Example {
  tokens: readonly string[];
  label: string;
}

export interface Classification {
  label: string;
  /** P(label | tokens) for every trained label; sums to 1. */
  posterior: Readonly<Record<string, number>>;
}

export interface NaiveBayes {
  /** The trained labels, sorted; ties in `classify` go to the first. */
  labels: readonly string[];
  classify(tokens: readonly string[]): Classification;
}

/**
 * Trains the classifier. Tokens never seen in training are ignored when classifying.
 *
 * @example
 * const nb = trainNaiveBayes([
 *   { tokens: ['great', 'room'], label: 'positive' },
 *   { tokens: ['dirty', 'room'], label: 'negative' },
 * ]);
 * nb.classify(['great']).label; // 'positive'
 */
export function trainNaiveBayes(examples: readonly Example[], alpha = 1): NaiveBayes {
  if (examples.length === 0) throw new RangeError('bench: naive Bayes needs at least one training example');
  if (!(alpha > 0)) throw new RangeError('bench: naive Bayes smoothing alpha must be positive');
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const classOf = new Map(labels.map((label, i) => [label, i]));
  const k = labels.length;
  const documents = new Float64Array(k);
  const tokensInClass = new Float64Array(k);
  const counts = new Map<string, Float64Array>();
  for (const { tokens, label } of examples) {
    const c = classOf.get(label) ?? 0;
    documents[c] = (documents[c] ?? 0) + 1;
    tokensInClass[c] = (tokensInClass[c] ?? 0) + tokens.length;
    for (const token of tokens) {
      let row = counts.get(token);
      if (!row) counts.set(token, (row = new Float64Array(k)));
      row[c] = (row[c] ?? 0) + 1;
    }
  }
  const vocabulary = counts.size;
  const logPrior = Float64Array.from(documents, (d) => Math.log(d / examples.length));
  const logLikelihood = new Map<string, Float64Array>();
  for (const [token, row] of counts) {
    logLikelihood.set(
      token,
      Float64Array.from(row, (n, c) => Math.log((n + alpha) / ((tokensInClass[c] ?? 0) + alpha * vocabulary))),
    );
  }

  return Object.freeze({
    labels,
    classify(tokens: readonly string[]): Classification {
      const logs = Float64Array.from(logPrior);
      for (const token of tokens) {
        const ll = logLikelihood.get(token);
        if (ll) for (let c = 0; c < k; c++) logs[c] = (logs[c] ?? 0) + (ll[c] ?? 0);
      }
      let best = 0;
      for (let c = 1; c < k; c++) if ((logs[c] ?? -Infinity) > (logs[best] ?? -Infinity)) best = c;
      const top = logs[best] ?? 0;
      let total = 0;
      const odds = Float64Array.from(logs, (l) => Math.exp(l - top));
      for (const o of odds) total += o;
      const posterior: Record<string, number> = {};
      labels.forEach((label, c) => (posterior[label] = (odds[c] ?? 0) / total));
      return { label: labels[best] ?? '', posterior };
    },
  });
}
