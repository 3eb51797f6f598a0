/**
 * Widget benchmark: a separate `tongli serve` process (PGlite and, with DATABASE_URL, PostgreSQL) holding many web chat
 * widget sockets opened from this process. Measures connection setup (open → welcome), then delivery latency: an agent
 * posts replies through the REST API into many of those conversations at a steady rate and each visitor socket records
 * the time from POST to receipt. Reports the server's CPU seconds and peak RSS. Prints JSON.
 * Usage: npm run bench:widget [-- --connections 2000 --batch 100 --conversations 500 --rate 50 --seconds 20 --db both]
 */
import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import {
  freePort,
  prepareDatabase,
  scratchDatabase,
  startServerProcess,
  stopProcess,
  processCpuSeconds,
  processPeakRssMb,
} from '../src/testing/process.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '100' },
    conversations: { type: 'string', default: '500' },
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    db: { type: 'string', default: 'both' },
    json: { type: 'boolean' },
  },
});
const CONNECTIONS = Number(values.connections);
const BATCH = Number(values.batch);
const CONVERSATIONS = Math.min(Number(values.conversations), CONNECTIONS);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
/** A socket without its welcome after this long counts as failed. */
const WELCOME_TIMEOUT_MS = 60_000;
/** After the last POST, how long stragglers may still arrive. */
const DRAIN_MS = 5_000;

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const value = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return Number(value.toFixed(1));
}
function summarise(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? Number((sorted.at(-1) ?? 0).toFixed(1)) : null,
  };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Visitor {
  ws: WebSocket;
  token: string;
}

/** Opens one widget socket and says hello; resolves with the socket and its setup time, or with the failure. */
function connect(
  wsUrl: string,
  inboxId: string,
  onAgentMessage: (body: string, createdAt: string) => void,
  onLateClose: (code: number) => void,
): Promise<Visitor & { ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}/ws/widget?inbox=${inboxId}`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no welcome'));
    }, WELCOME_TIMEOUT_MS);
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(new Error(reason));
    };
    ws.once('error', (error) => fail(error.message));
    ws.once('close', (code) => fail(`closed ${code}`));
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', inboxId, lastSeq: 0 })));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as {
        type: string;
        visitorToken?: string;
        code?: string;
        message?: { from: string; body: string; createdAt: string };
      };
      if (message.type === 'welcome') {
        clearTimeout(timer);
        ws.removeAllListeners('close');
        ws.once('close', (code) => onLateClose(code));
        resolve({ ws, token: message.visitorToken ?? '', ms: performance.now() - started });
      } else if (message.type === 'error') {
        fail(`error ${message.code}`);
      } else if (message.type === 'message' && message.message?.from === 'agent') {
        onAgentMessage(message.message.body, message.message.createdAt);
      }
    });
  });
}

async function run(database: 'pglite' | 'postgres') {
  const target = scratchDatabase(database, 'tongli-bench');
  const { token } = await prepareDatabase(target);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = await startServerProcess(target.env, port);
  const pid = child.pid ?? 0;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${origin}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const inbox = await post<{ id: string }>('/api/inboxes', { name: 'widget bench', channel: 'web' });

  // Delivery bookkeeping: a reply's body is `bench <n>`; sentAt[n] is when its POST started.
  const sentAt = new Map<number, number>();
  const delivery: number[] = [];
  /** From the row's created_at (the database's clock at insert, same host) to receipt: commit, bus and socket only. */
  const fromInsert: number[] = [];
  const onAgentMessage = (body: string, createdAt: string) => {
    const n = Number(body.slice('bench '.length));
    const at = sentAt.get(n);
    if (at === undefined) return;
    delivery.push(performance.now() - at);
    fromInsert.push(Date.now() - Date.parse(createdAt));
    sentAt.delete(n);
  };

  /** Sockets closed after their welcome, by close code. */
  const closedLater: Record<string, number> = {};
  const onLateClose = (code: number) => void (closedLater[code] = (closedLater[code] ?? 0) + 1);

  // Connect in batches: each batch opens its sockets at once and waits for every welcome.
  const cpuStart = processCpuSeconds(pid);
  const visitors: Visitor[] = [];
  const setup: number[] = [];
  const failures: Record<string, number> = {};
  const connectStarted = performance.now();
  for (let i = 0; i < CONNECTIONS; i += BATCH) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(BATCH, CONNECTIONS - i) }, () =>
        connect(origin.replace('http', 'ws'), inbox.id, onAgentMessage, onLateClose),
      ),
    );
    for (const result of batch) {
      if (result.status === 'fulfilled') {
        visitors.push(result.value);
        setup.push(result.value.ms);
      } else {
        const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
        failures[reason] = (failures[reason] ?? 0) + 1;
      }
    }
  }
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  const cpuConnected = processCpuSeconds(pid);

  // An agent opens a conversation with each of the first visitors (by their visitor identity); the hub follows it.
  const conversations: string[] = [];
  for (const visitor of visitors.slice(0, CONVERSATIONS)) {
    const created = await post<{ conversation: { id: string } }>('/api/conversations', {
      inboxId: inbox.id,
      customer: { identities: [{ kind: 'visitor', value: createHash('sha256').update(visitor.token).digest('hex') }] },
    });
    conversations.push(created.conversation.id);
  }

  // Steady replies: RATE a second for SECONDS, round-robin over the conversations.
  const postLatency: number[] = [];
  let postErrors = 0;
  let sent = 0;
  const inflight = new Set<Promise<void>>();
  const cpuDeliveryStart = processCpuSeconds(pid);
  const deliveryStarted = performance.now();
  const total = RATE * SECONDS;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - deliveryStarted) / 1000) * RATE) + 1);
    for (; sent < due; sent++) {
      const n = sent;
      const conversationId = conversations[n % conversations.length] ?? '';
      const started = performance.now();
      sentAt.set(n, started);
      const request = post(`/api/conversations/${conversationId}/messages`, { type: 'outgoing', body: `bench ${n}` })
        .then(() => void postLatency.push(performance.now() - started))
        .catch(() => {
          postErrors++;
          sentAt.delete(n);
        })
        .finally(() => inflight.delete(request));
      inflight.add(request);
    }
    await sleep(Math.max(1, 1000 / RATE / 2));
  }
  await Promise.all(inflight);
  const drainUntil = performance.now() + DRAIN_MS;
  while (sentAt.size > 0 && performance.now() < drainUntil) await sleep(50);
  const deliverySeconds = (performance.now() - deliveryStarted) / 1000;
  const cpuEnd = processCpuSeconds(pid);

  const result = {
    database,
    connections: {
      requested: CONNECTIONS,
      batch: BATCH,
      welcomed: visitors.length,
      failures,
      closedAfterWelcome: { ...closedLater },
      seconds: Number(connectSeconds.toFixed(1)),
      setup: summarise(setup),
    },
    delivery: {
      conversations: conversations.length,
      ratePerSec: RATE,
      seconds: SECONDS,
      posted: total - postErrors,
      postErrors,
      delivered: delivery.length,
      lost: sentAt.size,
      latency: summarise(delivery),
      fromInsert: summarise(fromInsert),
      post: summarise(postLatency),
    },
    server: {
      cpuSecondsConnecting: Number((cpuConnected - cpuStart).toFixed(2)),
      cpuSecondsDelivering: Number((cpuEnd - cpuDeliveryStart).toFixed(2)),
      cpuCoresDelivering: Number(((cpuEnd - cpuDeliveryStart) / deliverySeconds).toFixed(2)),
      peakRssMb: processPeakRssMb(pid),
    },
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  };
  for (const visitor of visitors) visitor.ws.terminate();
  await stopProcess(child);
  await target.dispose();
  return result;
}

const targets: ('pglite' | 'postgres')[] =
  values.db === 'both' ? (process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']) : [values.db as 'pglite' | 'postgres'];
const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
const results = [];
for (const database of targets) {
  results.push(await run(database));
  if (!values.json) console.error(JSON.stringify(results.at(-1)));
}
const report = { date: new Date().toISOString().slice(0, 10), cores: cpus().length, node: process.version, loadBefore, results };
console.log(JSON.stringify(report, null, values.json ? 0 : 2));
