/**
 * Chooses the engine's decision thresholds and the satisfaction weights on `train` rows of the sets
 * whose licence allows shipping what is learned from them (COLD, GoEmotions, Davidson, STC-3
 * annotations; see ../shared/data/README.md) and writes `data/tuning.json`. Never reads `test` rows.
 *
 *   npx tsx packages/engine/bench/tune.ts && npm run build:lexicons
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { createAnalyzer, goldLabel, score, type GoldRow, type TaskMap } from '../src/index.js';
import { DEFAULT_CUSTOMER_TUNING, DEFAULT_TASK_TUNING } from '../src/emotion/tuning.js';
import { DIALOGUE_DENSE } from '../src/model/task-features.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir = process.env.TONGLI_DATA ?? `${root}../shared/data`;
const map = JSON.parse(readFileSync(`${dataDir}/tasks.json`, 'utf8')) as TaskMap;
const jieba = Jieba.withDict(dict);
const analyzer = createAnalyzer({
  segmenter: { cut: (t) => jieba.cut(t) },
  tuning: { customer: { ...DEFAULT_CUSTOMER_TUNING }, tasks: { ...DEFAULT_TASK_TUNING } },
});

type Row = GoldRow & {
  id: string;
  text?: string;
  split?: string;
  turns?: { role: 'customer' | 'agent'; text: string }[];
  quality?: { S?: { mean?: number } };
};

/** Train rows only: this script must never see a test row. */
function trainRows(set: string): Row[] {
  return readFileSync(`${dataDir}/${set}.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row)
    .filter((r) => r.split === 'train');
}

const grid = (from: number, to: number, step: number) =>
  Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Math.round((from + i * step) * 1000) / 1000);

/** Per-language abuse cut (zh on COLD, en on Davidson) and the target + derogation rule, on train rows. */
function tuneAbuse() {
  const load = (set: string) =>
    trainRows(set).flatMap((row) => {
      const gold = goldLabel(map, 'abuse', set, row);
      return gold === null ? [] : [{ gold, text: row.text ?? '' }];
    });
  const cold = load('zh_offensive_cold');
  const davidson = load('en_offensive_davidson');
  const severity = (a: typeof analyzer, text: string) => {
    let s = 0;
    for (const sig of a.analyzeCustomer(text).signals) if (sig.id === 'abuse' || sig.id === 'threat') s = Math.max(s, sig.severity);
    return s;
  };
  const bestCut = (rows: { gold: string; s: number }[]) => {
    let best = { t: 0.5, f: -1 };
    for (const t of grid(0.05, 0.95, 0.05)) {
      const f = score(
        rows.map((r) => r.gold),
        rows.map((r) => (r.s >= t ? 'abusive' : 'clean')),
      ).macroF1;
      if (f > best.f) best = { t, f };
    }
    return best;
  };
  let best = { valence: DEFAULT_CUSTOMER_TUNING.derogationValence, anger: DEFAULT_CUSTOMER_TUNING.derogationAnger, zh: { t: 0.5, f: -1 } };
  for (const valence of grid(0.2, 1.2, 0.1)) {
    for (const anger of grid(0.2, 1.2, 0.2)) {
      const a = createAnalyzer({
        segmenter: { cut: (t) => jieba.cut(t) },
        tuning: {
          customer: { ...DEFAULT_CUSTOMER_TUNING, derogationValence: valence, derogationAnger: anger, derogationSeverity: 0.5 },
          tasks: { ...DEFAULT_TASK_TUNING },
        },
      });
      const zh = bestCut(cold.map((r) => ({ gold: r.gold, s: severity(a, r.text) })));
      if (zh.f > best.zh.f) best = { valence, anger, zh };
    }
  }
  const en = bestCut(davidson.map((r) => ({ gold: r.gold, s: severity(analyzer, r.text) })));
  console.log(
    `abuse cut zh ${best.zh.t} (COLD train macro-F1 ${best.zh.f.toFixed(3)}), en ${en.t} (Davidson train ${en.f.toFixed(3)}); derogation valence ${best.valence}, anger ${best.anger}`,
  );
  return { cuts: { zh: best.zh.t, en: en.t }, derogationValence: best.valence, derogationAnger: best.anger };
}

function tuneSentimentAndEmotion() {
  const rows = trainRows('en_emotion_goemotions').map((row) => ({ row, c: analyzer.analyzeCustomer(row.text ?? '') }));
  const sent = rows.flatMap(({ row, c }) => {
    const gold = goldLabel(map, 'sentiment', 'en_emotion_goemotions', row);
    return gold === null ? [] : [{ gold, s: c.sentiment }];
  });
  let bestS = { p: 0.15, n: -0.15, f: -1 };
  for (const p of grid(0, 0.6, 0.025)) {
    for (const n of grid(-0.6, 0, 0.025)) {
      const f = score(
        sent.map((r) => r.gold),
        sent.map((r) => (r.s > p ? 'positive' : r.s < n ? 'negative' : 'neutral')),
      ).macroF1;
      if (f > bestS.f) bestS = { p, n, f };
    }
  }
  console.log(`sentiment band (${bestS.n}, ${bestS.p}] neutral (train macro-F1 ${bestS.f.toFixed(3)})`);

  const emo = rows.flatMap(({ row, c }) => {
    const gold = goldLabel(map, 'emotion', 'en_emotion_goemotions', row);
    if (gold === null) return [];
    const raw = Object.fromEntries(Object.entries(c.scores).map(([e, v]) => [e, -Math.log(Math.max(1e-9, 1 - v))]));
    return [{ gold, raw, s: c.sentiment }];
  });
  const scoredAs = map.emotion.scored_as;
  let fallback = DEFAULT_CUSTOMER_TUNING.sentimentFallback;
  const predict = (raw: Record<string, number>, s: number, min: number, bias: Record<string, number>) => {
    let best = 'neutral';
    let top = -1;
    for (const [e, r] of Object.entries(raw)) {
      const v = 1 - Math.exp(-r * (bias[e] ?? 1));
      if (v > top) {
        top = v;
        best = e;
      }
    }
    const label = top >= min ? best : Math.abs(s) >= fallback ? (s > 0 ? 'satisfaction' : 'frustration') : 'neutral';
    return scoredAs[label] ?? 'neutral';
  };
  const evalEmotion = (min: number, bias: Record<string, number>) =>
    score(
      emo.map((r) => r.gold),
      emo.map((r) => predict(r.raw, r.s, min, bias)),
    ).macroF1;
  let min = DEFAULT_CUSTOMER_TUNING.minEmotionScore;
  const bias: Record<string, number> = { anger: 1, frustration: 1, anxiety: 1, sadness: 1, confusion: 1, satisfaction: 1 };
  let f = evalEmotion(min, bias);
  // Coordinate ascent over a coarse grid: a few passes are enough and keep the numbers readable.
  for (let pass = 0; pass < 3; pass++) {
    for (const m of grid(0.1, 0.7, 0.05)) {
      const g = evalEmotion(m, bias);
      if (g > f) [f, min] = [g, m];
    }
    for (const fb of grid(0.1, 1, 0.05)) {
      const previous = fallback;
      fallback = fb;
      const g = evalEmotion(min, bias);
      if (g > f) f = g;
      else fallback = previous;
    }
    for (const e of Object.keys(bias)) {
      for (const b of grid(0.5, 2, 0.1)) {
        const g = evalEmotion(min, { ...bias, [e]: b });
        if (g > f) {
          f = g;
          bias[e] = b;
        }
      }
    }
  }
  console.log(`emotion minScore ${min}, fallback ${fallback}, bias ${JSON.stringify(bias)} (train macro-F1 ${f.toFixed(3)})`);
  return { sentiment: { positive: bestS.p, negative: bestS.n }, minEmotionScore: min, emotionBias: bias, sentimentFallback: fallback };
}

/** Least squares with a small ridge, solved by Gaussian elimination (features are few). */
function ridge(x: number[][], y: number[], lambda: number): number[] {
  const k = (x[0]?.length ?? 0) + 1;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  x.forEach((row, i) => {
    const v = [1, ...row];
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) a[p]![q]! += v[p]! * v[q]!;
      a[p]![k]! += v[p]! * (y[i] ?? 0);
    }
  });
  for (let p = 1; p < k; p++) a[p]![p]! += lambda;
  for (let c = 0; c < k; c++) {
    let pivot = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c || a[c]![c] === 0) continue;
      const factor = a[r]![c]! / a[c]![c]!;
      for (let q = c; q <= k; q++) a[r]![q]! -= factor * a[c]![q]!;
    }
  }
  return a.map((row, i) => (row[k] ?? 0) / (row[i] || 1));
}

function tuneSatisfaction() {
  // The conversation features the rule estimate weighs (the model's extra `ruleScore` is its output).
  const names = DIALOGUE_DENSE.filter((n) => n !== 'ruleScore');
  const rows = ['zh_helpdesk_stc3_dialogues', 'en_helpdesk_stc3_dialogues'].flatMap((set) =>
    trainRows(set).flatMap((row) => {
      const gold = goldLabel(map, 'satisfaction', set, row);
      if (gold === null) return [];
      const c = analyzer.analyzeConversation({ id: row.id, turns: row.turns ?? [] });
      return [{ gold, mean: Number(row.quality?.S?.mean ?? 0), x: names.map((n) => c.satisfaction.features[n] ?? 0) }];
    }),
  );
  const [bias = 0, ...w] = ridge(
    rows.map((r) => r.x),
    rows.map((r) => r.mean),
    1,
  );
  const weights = Object.fromEntries(names.map((n, i) => [n, Math.round((w[i] ?? 0) * 1000) / 1000]));
  const s = rows.map((r) => bias + r.x.reduce((sum, v, i) => sum + v * (w[i] ?? 0), 0));
  let best = { low: -0.5, high: 0.5, f: -1 };
  for (const low of grid(-1.5, 0.5, 0.025)) {
    for (const high of grid(-0.5, 1.5, 0.025)) {
      if (high <= low) continue;
      const f = score(
        rows.map((r) => r.gold),
        s.map((v) => (v <= low ? 'dissatisfied' : v >= high ? 'satisfied' : 'neutral')),
      ).macroF1;
      if (f > best.f) best = { low, high, f };
    }
  }
  console.log(
    `satisfaction weights ${JSON.stringify(weights)}, bias ${bias.toFixed(3)}, cuts ${best.low} / ${best.high} (train macro-F1 ${best.f.toFixed(3)})`,
  );
  return { weights, bias: Math.round(bias * 1000) / 1000, low: best.low, high: best.high };
}

const abuse = tuneAbuse();
const se = tuneSentimentAndEmotion();
const satisfaction = tuneSatisfaction();
const tuning = {
  about:
    'Written by packages/engine/bench/tune.ts from train rows of COLD, Davidson, GoEmotions and the STC-3 annotations only. Do not edit by hand.',
  customer: {
    minEmotionScore: se.minEmotionScore,
    emotionBias: se.emotionBias,
    sentimentFallback: se.sentimentFallback,
    derogationValence: abuse.derogationValence,
    derogationAnger: abuse.derogationAnger,
  },
  tasks: { sentiment: se.sentiment, abuse: abuse.cuts, satisfaction },
};
writeFileSync(`${root}packages/engine/data/tuning.json`, `${JSON.stringify(tuning, null, 2)}\n`);
console.log('wrote packages/engine/data/tuning.json — now run npm run build:lexicons');
