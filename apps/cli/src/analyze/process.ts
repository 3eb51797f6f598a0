import { UPSET_EMOTIONS } from '@tongli/engine';
import { stringify } from 'csv-stringify/sync';
import type { Analyzer, ConversationAnalysis, Emotion, SignalId } from '@tongli/engine';
import { isRawLine, parseJsonLine, type InputDialogue, type RawLine } from '../io/dialogues.js';
import type { ConversationDigest, Highlight } from '../report/types.js';
import { presentConversation, presentCsvRow } from './present.js';

export type OutputFormat = 'text' | 'json' | 'csv' | 'html';

export interface ProcessOptions {
  format: OutputFormat;
  /** How many worst conversations to keep for the report. */
  worst: number;
  lang: 'zh' | 'en';
}

/** What the summary needs of one conversation (small, so batches cross threads cheaply). */
export interface ConversationStats {
  agent: string;
  lang: string;
  messages: number;
  customerMessages: number;
  total: number;
  empathyScore: number;
  satisfaction: 'dissatisfied' | 'neutral' | 'satisfied';
  emotions: Partial<Record<Emotion, number>>;
  signals: Partial<Record<SignalId, number>>;
  techniques: Record<string, number>;
  criteria: { id: string; names: { zh: string; en: string }; weight: number; score: number; applicable: boolean }[];
  upset: boolean;
  calmed: boolean;
  /** Customer sentiment sums and counts in 10 position buckets. */
  position: [sum: number, count: number][];
}

export interface BatchResult {
  stats: ConversationStats[];
  /** Serialised output, one string per conversation (JSON) or one CSV chunk. */
  output: string[];
  worst: ConversationDigest[];
  /** Unusable raw lines found while parsing in the worker. */
  skipped: string[];
}

const POSITION_BUCKETS = 10;

function statsOf(input: InputDialogue, a: ConversationAnalysis): ConversationStats {
  const emotions: Partial<Record<Emotion, number>> = {};
  const techniques: Record<string, number> = {};
  const position: [number, number][] = Array.from({ length: POSITION_BUCKETS }, () => [0, 0]);
  const n = Math.max(1, a.messages.length);
  let customerMessages = 0;
  for (const m of a.messages) {
    if (m.customer) {
      customerMessages++;
      emotions[m.customer.emotion] = (emotions[m.customer.emotion] ?? 0) + 1;
      const bucket = position[Math.min(POSITION_BUCKETS - 1, Math.floor((m.index / n) * POSITION_BUCKETS))];
      if (bucket) {
        bucket[0] += m.customer.sentiment;
        bucket[1]++;
      }
    }
    for (const t of m.agent?.techniques ?? []) techniques[t.id] = (techniques[t.id] ?? 0) + 1;
  }
  const upset = a.trajectory.some((p) => UPSET_EMOTIONS.has(p.emotion) && p.intensity >= 0.35);
  const signals: Partial<Record<SignalId, number>> = {};
  for (const [id, count] of Object.entries(a.signals)) if (count > 0) signals[id as SignalId] = count;
  return {
    agent: input.agent ?? '—',
    lang: a.lang,
    messages: a.messages.length,
    customerMessages,
    total: a.scorecard.total,
    empathyScore: a.empathyScore,
    satisfaction: a.satisfaction.label,
    emotions,
    signals,
    techniques,
    criteria: a.scorecard.points.map((p) => ({
      id: p.criterion,
      names: p.names,
      weight: p.weight,
      score: p.score,
      applicable: p.applicable,
    })),
    upset,
    calmed: upset && a.turnaround >= 0.3,
    position,
  };
}

function digestOf(input: InputDialogue, a: ConversationAnalysis, analyzer: Analyzer, lang: 'zh' | 'en'): ConversationDigest {
  const names = new Map<string, string>();
  for (const t of analyzer.catalogue.techniques) names.set(t.id, t.name[lang]);
  for (const s of analyzer.catalogue.signals) names.set(s.id, s.name[lang]);
  return {
    id: a.id,
    agent: input.agent ?? '—',
    total: a.scorecard.total,
    empathyScore: a.empathyScore,
    satisfaction: a.satisfaction.label,
    turnaround: a.turnaround,
    points: a.scorecard.points,
    turns: input.turns.map((turn, index) => {
      const m = a.messages[index];
      const highlights: Highlight[] = [];
      for (const s of m?.customer?.signals ?? [])
        highlights.push({ ...s.span, id: s.id, polarity: 'signal', title: names.get(s.id) ?? s.id });
      for (const t of m?.agent?.techniques ?? []) {
        if (t.span.end - t.span.start >= turn.text.length && t.polarity !== 'harmful') continue;
        highlights.push({
          ...t.span,
          id: t.id,
          polarity: t.polarity,
          title: `${names.get(t.id) ?? t.id}${t.rewrite ? ` → ${t.rewrite}` : ''}`,
        });
      }
      const out: ConversationDigest['turns'][number] = { role: turn.role, text: turn.text, highlights };
      if (m?.customer) {
        out.emotion = m.customer.emotion;
        out.intensity = m.customer.intensity;
      }
      return out;
    }),
  };
}

/** Analyses a batch of conversations: stats for the summary, serialised rows, and the batch's worst few. */
export function processBatch(
  items: readonly (InputDialogue | RawLine)[],
  analyzer: Analyzer,
  options: ProcessOptions,
  sourceName = 'input',
): BatchResult {
  const skipped: string[] = [];
  const dialogues: InputDialogue[] = [];
  for (const item of items) {
    if (!isRawLine(item)) {
      dialogues.push(item);
      if (item.note) skipped.push(item.note);
      continue;
    }
    const parsed = parseJsonLine(sourceName, item.line, item.text);
    if (parsed.kind === 'dialogue') {
      dialogues.push(parsed.dialogue);
      if (parsed.dialogue.note) skipped.push(parsed.dialogue.note);
    } else
      skipped.push(
        parsed.kind === 'error'
          ? parsed.message
          : `${sourceName}:${item.line}: a message row among whole conversations; put it in its conversation's "turns"`,
      );
  }
  const stats: ConversationStats[] = [];
  const output: string[] = [];
  const csvRows: (string | number)[][] = [];
  const candidates: { total: number; input: InputDialogue; analysis: ConversationAnalysis }[] = [];
  for (const input of dialogues) {
    const dialogue = {
      id: input.id,
      turns: input.turns,
      ...(input.customerName ? { customerName: input.customerName } : {}),
      ...(input.agent ? { agent: input.agent } : {}),
    };
    const analysis = analyzer.analyzeConversation(dialogue);
    stats.push(statsOf(input, analysis));
    if (options.format === 'json') output.push(JSON.stringify(presentConversation(input, analysis)));
    else if (options.format === 'csv') csvRows.push(presentCsvRow(input, analysis));
    if (options.worst > 0 && input.turns.some((t) => t.role === 'agent')) {
      candidates.push({ total: analysis.scorecard.total, input, analysis });
      if (candidates.length > options.worst * 4) {
        candidates.sort((x, y) => x.total - y.total);
        candidates.length = options.worst;
      }
    }
  }
  // escape_formulas: an id like =HYPERLINK(...) must not run as a formula when opened in a spreadsheet.
  if (csvRows.length > 0) output.push(stringify(csvRows, { escape_formulas: true }));
  candidates.sort((x, y) => x.total - y.total);
  const worst = candidates.slice(0, options.worst).map((c) => digestOf(c.input, c.analysis, analyzer, options.lang));
  return { stats, output, worst, skipped };
}
