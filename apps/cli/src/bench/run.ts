import { createCliAnalyzer } from '../engine.js';
import { createRandom, generateMessage } from './corpus.js';

export interface SpeedFigures {
  /** With the shipped default models refining each customer message (the CLI's default). */
  customerMsgsPerSec: number;
  /** The rules alone (no models loaded). */
  customerMsgsPerSecRules: number;
  agentMsgsPerSec: number;
  conversationMsgsPerSec: number;
  /** Refreshing a conversation's analysis as its `turns`-th message arrives: every turn analysed again, or the earlier turns' stored analyses reused. */
  conversationRefreshMs: { turns: number; full: number; reused: number; reusedNormalized: number };
  coachLatencyMs: { p50: number; p95: number; p99: number; max: number };
  coachDraftChars: number;
  peakRssMB: number;
  messageChars: number;
  node: string;
}

const REFRESH_TURNS = 50;

function timeIt(n: number, fn: (i: number) => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function percentile(sorted: number[], p: number): number {
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 1000) / 1000;
}

/** In-process throughput and latency on one core, over a seeded generated corpus of ≈50-character messages. */
export function measureSpeed(size = 20000): SpeedFigures {
  const analyzer = createCliAnalyzer();
  const rulesOnly = createCliAnalyzer({ noDefaultModels: true });
  const random = createRandom(42);
  const customer = Array.from({ length: size }, () => generateMessage('customer', random));
  const agent = Array.from({ length: size }, () => generateMessage('agent', random));
  const messageChars = Math.round([...customer, ...agent].reduce((s, m) => s + m.length, 0) / (2 * size));

  // Warm up the JIT before measuring.
  for (let i = 0; i < 10000; i++) {
    analyzer.analyzeCustomer(customer[i % size] ?? '');
    analyzer.analyzeAgent(agent[i % size] ?? '', { customer: customer[i % size] ?? '' });
  }
  for (let i = 0; i < 10000; i++) rulesOnly.analyzeCustomer(customer[i % size] ?? '');
  const c = timeIt(size, (i) => analyzer.analyzeCustomer(customer[i] ?? ''));
  const cr = timeIt(size, (i) => rulesOnly.analyzeCustomer(customer[i] ?? ''));
  const customerAnalyses = customer.map((m) => analyzer.analyzeCustomer(m));
  const a = timeIt(size, (i) => {
    const ctx = { customer: customer[i] ?? '' };
    const ca = customerAnalyses[i];
    analyzer.analyzeAgent(agent[i] ?? '', ca ? { ...ctx, customerAnalysis: ca } : ctx);
  });
  const dialogues = Array.from({ length: size / 10 }, (_, d) => ({
    id: `d${d}`,
    turns: Array.from({ length: 10 }, (_, t) => ({
      role: t % 2 === 0 ? ('customer' as const) : ('agent' as const),
      text: (t % 2 === 0 ? customer : agent)[(d * 10 + t) % size] ?? '',
    })),
  }));
  const d = timeIt(dialogues.length, (i) => analyzer.analyzeConversation(dialogues[i] ?? { id: '', turns: [] }));
  const long = {
    id: 'long',
    turns: Array.from({ length: REFRESH_TURNS }, (_, t) => ({
      role: t % 2 === 0 ? ('customer' as const) : ('agent' as const),
      text: (t % 2 === 0 ? customer : agent)[t] ?? '',
    })),
  };
  // What a server has stored for the earlier turns: their analyses, as JSON; the newest turn is still to analyse.
  const analysed = analyzer.analyzeConversation(long).messages;
  const stored = {
    ...long,
    turns: long.turns.map((turn, t) => {
      const own = t < REFRESH_TURNS - 1 ? (analysed[t]?.customer ?? analysed[t]?.agent) : undefined;
      return own ? { ...turn, analysis: JSON.parse(JSON.stringify(own)) as typeof own } : turn;
    }),
  };
  // What the server's job thread keeps besides: each earlier turn's normalised text.
  const kept = {
    ...stored,
    turns: stored.turns.map((turn) => ('analysis' in turn ? { ...turn, normalized: analyzer.normalize(turn.text) } : turn)),
  };
  const refreshes = 200;
  const full = timeIt(refreshes, () => analyzer.analyzeConversation(long));
  const reused = timeIt(refreshes, () => analyzer.analyzeConversation(stored));
  const reusedNormalized = timeIt(refreshes, () => analyzer.analyzeConversation(kept));

  let draft = '';
  while (draft.length < 300) draft += `${generateMessage('agent', random)}。`;
  draft = draft.slice(0, 300);
  const latencies: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const start = process.hrtime.bigint();
    analyzer.coach(draft, { customer: customer[i % size] ?? '' });
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  latencies.sort((x, y) => x - y);
  return {
    customerMsgsPerSec: Math.round(size / c),
    customerMsgsPerSecRules: Math.round(size / cr),
    agentMsgsPerSec: Math.round(size / a),
    conversationMsgsPerSec: Math.round((dialogues.length * 10) / d),
    conversationRefreshMs: {
      turns: REFRESH_TURNS,
      full: Math.round((full / refreshes) * 1e5) / 100,
      reused: Math.round((reused / refreshes) * 1e5) / 100,
      reusedNormalized: Math.round((reusedNormalized / refreshes) * 1e5) / 100,
    },
    coachLatencyMs: {
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      p99: percentile(latencies, 0.99),
      max: percentile(latencies, 1),
    },
    coachDraftChars: draft.length,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    messageChars,
    node: process.version,
  };
}
