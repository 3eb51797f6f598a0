/**
 * Ingest benchmark: a separate `tongli serve` process on PGlite and (with DATABASE_URL) PostgreSQL, loaded from this
 * process over loopback: at full load with autocannon, then at 1,000/s open-loop (open-loop.ts). Reports acknowledged
 * messages/s, latency, how fast analysis keeps up (and, at 1,000/s, how long a message waits for its analysis), and the
 * server's CPU and memory, and the CPU per message by where it ran (the server's threads, PostgreSQL, this load
 * generator) with the rate the machine's cores allow at that cost. TONGLI_NODE_FLAGS passes flags to the server's
 * Node (e.g. `--trace-gc`); TONGLI_PROFILE=DIR writes its CPU profiles there, TONGLI_SERVER_LOG=FILE what it prints. Usage: npm run bench:server [-- --seconds 15 --db pglite|postgres|both]
 * [--conversations 2000] [--replies] (every second message an agent's reply, as in a live chat: longer conversations
 * with replies are where each message's conversation refresh costs most) [--load autocannon|wrk] (the full load's
 * generator; wrk.ts says why wrk).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { openLoop } from './open-loop.js';
import { hasWrk, wrkLoad, type FullLoadResult } from './wrk.js';
import {
  freePort,
  prepareDatabase,
  scratchDatabase,
  startServerProcess,
  stopProcess,
  processCpuSeconds,
  processPeakRssMb,
  threadCpuSeconds,
  commandCpuSeconds,
  cpuSecondsBetween,
  type ProcessDatabase,
} from '../src/testing/process.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    db: { type: 'string', default: 'both' },
    conversations: { type: 'string', default: '2000' },
    replies: { type: 'boolean', default: false },
    load: { type: 'string', default: 'autocannon' },
    json: { type: 'boolean' },
  },
});
const SECONDS = Number(values.seconds);
const CONVERSATIONS = Number(values.conversations);
const PEER = fileURLToPath(new URL('./peer-server.ts', import.meta.url));
const REPLIES = [
  '非常抱歉让您久等了，我马上帮您查询物流，今天下午三点前给您回复。',
  'I understand how frustrating this is. I have escalated the refund and will email you by Friday.',
  '您说的情况我记下了：快递三天没有更新，对吗？',
  'Thank you for your patience. Is there anything else I can help you with?',
];
const TEXTS = [
  '快递三天了还没到，到底怎么回事？',
  '我已经打了三次电话了，每次都让我等，太过分了！',
  'The refund still has not arrived and nobody answers my emails.',
  '谢谢，问题解决了，服务很好。',
  'This is the third time I am explaining the same problem.',
  '你们的客服态度太差了，我要投诉！',
];

/** Message n's body: conversation n % CONVERSATIONS gets its messages in rounds; with --replies, odd rounds are replies. */
function messageBody(n: number, idempotencyKey: string): string {
  const reply = values.replies && Math.floor(n / CONVERSATIONS) % 2 === 1;
  return JSON.stringify({
    type: reply ? 'outgoing' : 'incoming',
    body: reply ? REPLIES[n % REPLIES.length] : TEXTS[n % TEXTS.length],
    idempotencyKey,
  });
}

let sent = 0;
/** Keys are unique per run without a random draw per message (randomBytes cost the generator ~13 µs a message). */
const RUN = randomBytes(4).toString('hex');
function nextMessage(): { n: number; body: string } {
  const n = ++sent;
  return { n, body: messageBody(n, `bench-${RUN}-${n}`) };
}

/** Posts messages as fast as 32 connections allow, each with its own idempotency key (`--load`: autocannon or wrk). */
async function loadMessages(origin: string, headers: Record<string, string>, path: (n: number) => string): Promise<FullLoadResult> {
  if (values.load === 'wrk') {
    // Bodies repeat every `period` messages (rounds of CONVERSATIONS, the texts' cycles), paths every CONVERSATIONS.
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    const period = [2 * CONVERSATIONS, TEXTS.length, REPLIES.length].reduce((a, b) => (a * b) / gcd(a, b));
    const result = await wrkLoad({
      origin,
      seconds: SECONDS,
      headers,
      paths: Array.from({ length: CONVERSATIONS }, (_, i) => path(i + 1)),
      bodies: Array.from({ length: period }, (_, i) => messageBody(i + 1, '@KEY@')),
      run: `bench-wrk-${RUN}`,
    });
    sent += result.acknowledged + result.failed;
    return result;
  }
  const result = await autocannon({
    url: origin,
    connections: 32,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { n, body } = nextMessage();
          // A copy: autocannon sets the body's content-length on the headers it is given.
          return { ...request, path: path(n), headers: { ...headers }, body };
        },
      },
    ],
  });
  return {
    perSec: Math.round(result.requests.average),
    acknowledged: result['2xx'],
    failed: result.non2xx + result.errors,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuSeconds: 0,
  };
}

/** The same messages at a steady 1,000/s, arriving as from independent clients (open-loop.ts). */
function steadyMessages(origin: string, headers: Record<string, string>, path: (n: number) => string) {
  return openLoop({
    origin,
    rate: 1000,
    seconds: SECONDS,
    next: () => {
      const { n, body } = nextMessage();
      return { path: path(n), headers, body };
    },
  });
}

/** The floor peer (peer-server.ts) on its own scratch database, under the same load. */
async function runPeer(database: 'pglite' | 'postgres') {
  const target = scratchDatabase(database, 'tongli-peer');
  await (await target.open()).close(); // creates the PostgreSQL schema
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', PEER, String(port)], {
    env: { ...process.env, ...target.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('is running at') && resolve());
    child.once('exit', (code) => reject(new Error(`peer exited (${code})`)));
  });
  const pid = child.pid ?? 0;
  const origin = `http://127.0.0.1:${port}`;
  const headers = { 'content-type': 'application/json' };
  const cpu0 = processCpuSeconds(pid);
  const max = await loadMessages(origin, headers, (n) => `/c${n % CONVERSATIONS}`);
  const cpu1 = processCpuSeconds(pid);
  const fixed = await steadyMessages(origin, headers, (n) => `/c${n % CONVERSATIONS}`);
  const result = {
    acknowledgedPerSec: max.perSec,
    non2xx: max.failed,
    latencyP50Ms: max.p50Ms,
    latencyP99Ms: max.p99Ms,
    cpuCores: Number(((cpu1 - cpu0) / SECONDS).toFixed(2)),
    at1000: { achievedPerSec: fixed.achievedPerSec, p50Ms: fixed.p50Ms, p99Ms: fixed.p99Ms, maxMs: fixed.maxMs },
    peakRssMb: processPeakRssMb(pid),
  };
  await stopProcess(child);
  await target.dispose();
  return result;
}

/**
 * CPU per acknowledged-and-analysed message (µs) from the burst until its backlog was analysed, by where it ran, and the
 * rate this machine's cores would allow the server and its database alone (no load generator) at that cost: the
 * ceiling for `acknowledgedPerSec` with analysis keeping up. PostgreSQL counts every `postgres` process of the machine
 * (its background writers too); a backend that exits within the window is missed.
 */
function cpuPerMessage(
  messages: number,
  seconds: Record<'serverMainThread' | 'serverOtherThreads' | 'postgres' | 'loadGenerator', number>,
) {
  const us = Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, Math.round((v * 1e6) / Math.max(1, messages))]));
  const platformSeconds = seconds.serverMainThread + seconds.serverOtherThreads + seconds.postgres;
  return {
    cpuPerMessageUs: us,
    ceilingPerSec: platformSeconds > 0 ? Math.round((cpus().length * messages) / platformSeconds) : null,
  };
}

/** Starts counting CPU by where it runs; the function returned ends the window with the messages it covered. */
function cpuWindow(pid: number, database: 'pglite' | 'postgres') {
  const threads0 = threadCpuSeconds(pid);
  const postgres0 = commandCpuSeconds('postgres');
  const self0 = process.cpuUsage();
  /** `generatorSeconds`: CPU of a load generator in its own process (wrk). */
  return (messages: number, generatorSeconds = 0) => {
    const threads1 = threadCpuSeconds(pid);
    const self1 = process.cpuUsage(self0);
    return cpuPerMessage(messages, {
      serverMainThread: cpuSecondsBetween(threads0, threads1, (tid) => tid === pid),
      serverOtherThreads: cpuSecondsBetween(threads0, threads1, (tid) => tid !== pid),
      // PGlite runs inside the server's main thread.
      postgres: database === 'postgres' ? cpuSecondsBetween(postgres0, commandCpuSeconds('postgres')) : 0,
      loadGenerator: (self1.user + self1.system) / 1e6 + generatorSeconds,
    });
  };
}

/** The server's event-loop delay since the last scrape (p99, max), from its Prometheus metrics. */
async function eventLoopLag(origin: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const read = (name: string) =>
    Math.round(Number(new RegExp(`^tongli_nodejs_eventloop_lag_${name}_seconds (\\S+)`, 'm').exec(text)?.[1] ?? NaN) * 1000);
  return { p99: read('p99'), max: read('max') };
}

/**
 * How long messages received since `since` waited for their analysis: from the ingest statement to the analysis
 * write (both `now()` of their transactions), p50 / p99 / max in ms. Read after the server stopped (PGlite has one owner).
 */
async function analysisDelay(target: ProcessDatabase, since: Date): Promise<{ p50: number; p99: number; max: number }> {
  const db = await target.open();
  try {
    const { rows } = await sql<{ p50: number; p99: number; max: number }>`
      select percentile_cont(0.5) within group (order by d) as p50, percentile_cont(0.99) within group (order by d) as p99, max(d) as max
      from (select extract(epoch from a.analyzed_at - m.created_at) * 1000 as d
            from messages m join message_analyses a on a.message_id = m.id where m.created_at >= ${since}) t`.execute(db.kysely);
    const row = rows[0];
    return { p50: Math.round(Number(row?.p50)), p99: Math.round(Number(row?.p99)), max: Math.round(Number(row?.max)) };
  } finally {
    await db.close();
  }
}

async function run(database: 'pglite' | 'postgres') {
  const target = scratchDatabase(database, 'tongli-bench');
  const { token, inboxId } = await prepareDatabase(target);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = await startServerProcess(target.env, port);
  const pid = child.pid ?? 0;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  // A contact centre taking thousands of messages a second has thousands of conversations open at once.
  const conversations: string[] = [];
  const open = async (i: number) => {
    const res = await fetch(`${origin}/api/conversations`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ inboxId, customer: { identities: [{ kind: 'external', value: `bench-${i}` }] } }),
    });
    conversations.push(((await res.json()) as { conversation: { id: string } }).conversation.id);
  };
  for (let i = 0; i < CONVERSATIONS; i += 16) await Promise.all(Array.from({ length: 16 }, (_, k) => open(i + k)));
  const path = (n: number) => `/api/conversations/${conversations[n % CONVERSATIONS]}/messages`;
  const pendingAnalyses = async (): Promise<number> =>
    ((await (await fetch(`${origin}/readyz`)).json()) as { jobs: Record<string, number> }).jobs.analyze_message ?? 0;

  const cpu0 = processCpuSeconds(pid);
  let window = cpuWindow(pid, database);
  const t0 = performance.now();
  const max = await loadMessages(origin, headers, path);
  const ackSeconds = (performance.now() - t0) / 1000;
  while ((await pendingAnalyses()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  const analysedSeconds = (performance.now() - t0) / 1000;
  const cpu1 = processCpuSeconds(pid);
  const costs = window(max.acknowledged, max.cpuSeconds);
  await eventLoopLag(origin); // prom-client restarts its event-loop histogram at each scrape
  window = cpuWindow(pid, database);
  const steadyFrom = new Date();
  const fixed = await steadyMessages(origin, headers, path);
  const lag = await eventLoopLag(origin);
  while ((await pendingAnalyses()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  // At a rate analysis keeps up with, the cost per message is steadier than at full load, where a growing backlog
  // changes the batch sizes from run to run.
  const steady = window(fixed.acknowledged);
  const serverPeakRssMb = processPeakRssMb(pid);
  await stopProcess(child);
  const delay = await analysisDelay(target, steadyFrom);
  await target.dispose();
  return {
    database,
    acknowledgedPerSec: max.perSec,
    non2xx: max.failed,
    latencyP50Ms: max.p50Ms,
    latencyP99Ms: max.p99Ms,
    analysedPerSec: Math.round(max.acknowledged / analysedSeconds),
    ackSeconds: Number(ackSeconds.toFixed(1)),
    analysedSeconds: Number(analysedSeconds.toFixed(1)),
    serverCpuCores: Number(((cpu1 - cpu0) / analysedSeconds).toFixed(2)),
    ...costs,
    at1000: {
      achievedPerSec: fixed.achievedPerSec,
      p50Ms: fixed.p50Ms,
      p99Ms: fixed.p99Ms,
      maxMs: fixed.maxMs,
      non2xx: fixed.non2xx,
      eventLoopLagP99Ms: lag.p99,
      eventLoopLagMaxMs: lag.max,
      analysisDelayP50Ms: delay.p50,
      analysisDelayP99Ms: delay.p99,
      analysisDelayMaxMs: delay.max,
      ...steady,
    },
    serverPeakRssMb,
  };
}

if (values.load !== 'autocannon' && values.load !== 'wrk') {
  console.error('bench:server: --load is autocannon or wrk');
  process.exit(2);
}
if (values.load === 'wrk' && !(await hasWrk())) {
  console.error('bench:server: --load wrk needs wrk on the PATH (e.g. apt-get install wrk)');
  process.exit(2);
}
if (values.db === 'postgres' && !process.env.DATABASE_URL) {
  console.error('bench:server: --db postgres needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
  process.exit(2);
}
const targets: ('pglite' | 'postgres')[] =
  values.db === 'both' ? (process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']) : [values.db as 'pglite' | 'postgres'];
const results = [];
for (const database of targets) {
  const tongli = await run(database);
  const peer = await runPeer(database);
  results.push({ ...tongli, floorPeer: peer, ackRatioToPeer: Number((tongli.acknowledgedPerSec / peer.acknowledgedPerSec).toFixed(2)) });
  if (!values.json) console.error(JSON.stringify(results.at(-1)));
}
const report = {
  date: new Date().toISOString().slice(0, 10),
  cores: cpus().length,
  node: process.version,
  seconds: SECONDS,
  conversations: CONVERSATIONS,
  replies: values.replies,
  load: values.load,
  results,
};
console.log(JSON.stringify(report, null, values.json ? 0 : 2));
