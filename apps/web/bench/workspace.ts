/**
 * Workspace-load benchmark: a separate `tongli serve` process on a scratch PGlite database seeded with 10,000 open
 * conversations (analysed by the server's own engine, so no backfill runs), and the BUILT web app opened in Debian's
 * Chromium by a signed-in agent. Each run is a fresh browser context (empty HTTP cache) and reports the time from
 * navigation to the first inbox row, and from a click on the first row to its first message; the inbox API is also
 * timed from Node (same request the app makes), and the JS and CSS in apps/web/dist are gzipped and sized.
 * Prints a table, writes bench/results/workspace.json and shows the change against that file as it was before the run.
 * Usage: npm run bench:web [-- --conversations 10000 --runs 5 --json]
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Turn } from '@tongli/engine';
import type { Insertable } from 'kysely';
import type { Browser, Page, Request } from 'playwright-core';
import { format, resolveConfig } from 'prettier';
import { createEngineService, type EngineService } from '../../server/src/engine/engine-service.js';
import {
  json,
  type ConversationAnalysesTable,
  type ConversationsTable,
  type CustomersTable,
  type MessageAnalysesTable,
  type MessagesTable,
} from '../../server/src/db/schema.js';
import { createUser } from '../../server/src/repositories/users.js';
import {
  freePort,
  prepareDatabase,
  processPeakRssMb,
  scratchDatabase,
  startServerProcess,
  stopProcess,
  type ProcessDatabase,
} from '../../server/src/testing/process.js';
import { chromiumAvailable, launchChromium } from '../src/e2e/harness.js';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    json: { type: 'boolean' },
  },
});
const CONVERSATIONS = Number(values.conversations);
const RUNS = Number(values.runs);
const API_SAMPLES = 30;
const EMAIL = 'bench-agent@tongli.local';
const PASSWORD = 'bench password';
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/workspace.json', import.meta.url));
/** Rows per INSERT (well under PostgreSQL's 65,535 parameters). */
const CHUNK = 400;

/** Conversation scripts the seeded inbox is made of: customer (`in`) and agent (`out`) turns, zh and en, calm to abusive. */
const SCRIPTS: { subject: string; turns: ['in' | 'out', string][] }[] = [
  { subject: '快递延误', turns: [['in', '快递三天了还没到，到底怎么回事？']] },
  {
    subject: '重复来电',
    turns: [
      ['in', '我已经打了三次电话了，每次都让我等，太过分了！'],
      ['out', '非常抱歉让您反复来电，我现在就帮您跟进，今天下班前给您答复。'],
      ['in', '你们每次都这么说，我要去12315投诉你们！'],
    ],
  },
  { subject: '骗子公司', turns: [['in', '你们就是一群骗子，垃圾公司，再不退款我就找律师！']] },
  {
    subject: '酒店入住',
    turns: [
      ['in', '请问明天下午两点可以提前入住吗？谢谢'],
      ['out', '您好，我帮您确认一下，请稍等。'],
    ],
  },
  {
    subject: 'Refund',
    turns: [
      ['in', 'The refund still has not arrived and nobody answers my emails.'],
      ['out', 'Sorry if you feel that way, you should have read the manual.'],
      ['in', 'This is the third time I am explaining the same problem!!!'],
    ],
  },
  { subject: 'Internet down', turns: [['in', 'My internet has been down for TWO WEEKS. This is the third time I am calling!!!']] },
  {
    subject: 'Thanks',
    turns: [
      ['in', 'Thanks, the refund arrived. Great service!'],
      ['out', 'Glad to hear it, thank you for your patience.'],
    ],
  },
  { subject: '账单疑问', turns: [['in', '这个月的账单比上个月多了五十块，能帮我看看吗？']] },
];
const NAMES = ['王建国', '李梅', '赵强', '陈静', '刘洋', 'Anna Smith', 'Tom Lee', 'Maria Garcia'];

/** A small deterministic generator, so every run seeds the same inbox. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface ScriptAnalysis {
  messages: {
    emotion: string | null;
    intensity: number | null;
    sentiment: number | null;
    empathy: number | null;
    signals: string;
    result: string;
  }[];
  conversation: {
    last_emotion: string | null;
    last_intensity: number | null;
    empathy_score: number;
    satisfaction: number;
    risk: string;
    result: string;
  };
}

/** Each script analysed once, the way the `analyze_message` job would (same engine, version and lexicon hash). */
function analyseScripts(engine: EngineService): ScriptAnalysis[] {
  return SCRIPTS.map((script, n) => {
    const messages = script.turns.map(([who, text], i) => {
      const before = script.turns.slice(0, i);
      if (who === 'in') {
        const customer = engine.analyzer.analyzeCustomer(text);
        return {
          emotion: customer.emotion,
          intensity: customer.intensity,
          sentiment: customer.sentiment,
          empathy: null,
          signals: json(customer.signals.map((s) => s.id)),
          result: json({ role: 'customer', customer }),
        };
      }
      const lastCustomer = before.findLast(([w]) => w === 'in')?.[1];
      const agent = engine.analyzer.analyzeAgent(text, {
        ...(lastCustomer ? { customer: lastCustomer } : {}),
        previousAgentTurns: before.filter(([w]) => w === 'out').map(([, t]) => t),
      });
      return {
        emotion: null,
        intensity: null,
        sentiment: null,
        empathy: agent.empathyScore,
        signals: json([]),
        result: json({ role: 'agent', agent }),
      };
    });
    const turns: Turn[] = script.turns.map(([who, text]) => ({ role: who === 'in' ? 'customer' : 'agent', text }));
    const whole = engine.analyzeConversation(`script-${n}`, turns);
    const last = whole.trajectory.at(-1);
    return {
      messages,
      conversation: {
        last_emotion: last?.emotion ?? null,
        last_intensity: last?.intensity ?? null,
        empathy_score: whole.empathyScore,
        satisfaction: whole.satisfaction.score,
        risk: json(
          Object.entries(whole.signals)
            .filter(([, count]) => count > 0)
            .map(([signal]) => signal),
        ),
        result: json(whole),
      },
    };
  });
}

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** Seeds the conversations (customers, messages, analyses) in bulk and an agent to sign in as. */
async function seed(database: ProcessDatabase, inboxId: string): Promise<void> {
  const engine = createEngineService();
  const analyses = analyseScripts(engine);
  const random = createRandom(20_260_302);
  const now = Date.now();
  const customers: Insertable<CustomersTable>[] = [];
  const conversations: Insertable<ConversationsTable>[] = [];
  const messages: Insertable<MessagesTable>[] = [];
  const messageAnalyses: Insertable<MessageAnalysesTable>[] = [];
  const conversationAnalyses: Insertable<ConversationAnalysesTable>[] = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const customerId = randomUUID();
    const conversationId = randomUUID();
    const s = Math.floor(random() * SCRIPTS.length);
    const script = SCRIPTS[s] as (typeof SCRIPTS)[number];
    const analysis = analyses[s] as ScriptAnalysis;
    const p = random();
    const priority = p < 0.02 ? 'urgent' : p < 0.1 ? 'high' : p < 0.9 ? 'normal' : 'low';
    const start = now - Math.floor(random() * 7 * 24 * 60) * 60_000;
    const at = (k: number) => new Date(start + k * 90_000);
    const lastIn = script.turns.findLastIndex(([who]) => who === 'in');
    const lastOut = script.turns.findLastIndex(([who]) => who === 'out');
    customers.push({ id: customerId, name: `${NAMES[i % NAMES.length]} ${i}` });
    conversations.push({
      id: conversationId,
      inbox_id: inboxId,
      customer_id: customerId,
      status: 'open' as const,
      priority,
      subject: script.subject,
      created_at: at(0),
      updated_at: at(script.turns.length - 1),
      last_message_at: at(script.turns.length - 1),
      waiting_since: lastIn > lastOut ? at(lastIn) : null,
      first_response_at: lastOut >= 0 ? at(script.turns.findIndex(([who]) => who === 'out')) : null,
    });
    script.turns.forEach(([who, body], k) => {
      const messageId = randomUUID();
      messages.push({
        id: messageId,
        conversation_id: conversationId,
        type: who === 'in' ? ('incoming' as const) : ('outgoing' as const),
        sender_type: who === 'in' ? ('customer' as const) : ('agent' as const),
        body,
        created_at: at(k),
      });
      messageAnalyses.push({
        message_id: messageId,
        conversation_id: conversationId,
        engine_version: engine.version,
        lexicon_hash: engine.lexiconHash,
        ...(analysis.messages[k] as ScriptAnalysis['messages'][number]),
      });
    });
    conversationAnalyses.push({
      conversation_id: conversationId,
      engine_version: engine.version,
      lexicon_hash: engine.lexiconHash,
      ...analysis.conversation,
    });
  }
  const db = await database.open();
  try {
    await db.kysely.transaction().execute(async (trx) => {
      await insertChunked(customers, (chunk) => trx.insertInto('customers').values(chunk).execute());
      await insertChunked(conversations, (chunk) => trx.insertInto('conversations').values(chunk).execute());
      await insertChunked(messages, (chunk) => trx.insertInto('messages').values(chunk).execute());
      await insertChunked(messageAnalyses, (chunk) => trx.insertInto('message_analyses').values(chunk).execute());
      await insertChunked(conversationAnalyses, (chunk) => trx.insertInto('conversation_analyses').values(chunk).execute());
    });
    await createUser(db.kysely, { email: EMAIL, name: '压测坐席', role: 'agent', password: PASSWORD, teamIds: [] });
  } finally {
    await db.close();
  }
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const percentile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};
const round = (x: number, digits = 0): number => Number(x.toFixed(digits));
const hintSummary = (xs: number[]) => ({ keystrokes: xs.length, p50Ms: round(percentile(xs, 50), 1), p99Ms: round(percentile(xs, 99), 1) });
const kib = (bytes: number): number => round(bytes / 1024, 1);

/** The inbox's first page as the app asks for it, timed from Node with the admin token: [ms, raw bytes, gzip bytes, total]. */
async function timeInboxApi(origin: string, token: string) {
  const url = `${origin}/api/conversations?status=open&limit=200&offset=0`;
  const times: number[] = [];
  let body = '';
  for (let i = 0; i < API_SAMPLES; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    body = await response.text();
    times.push(performance.now() - started);
    if (!response.ok) throw new Error(`@tongli/web bench: ${url} answered ${response.status}: ${body.slice(0, 200)}`);
  }
  const page = JSON.parse(body) as { total: number; items: unknown[] };
  return {
    medianMs: round(median(times), 1),
    p95Ms: round(percentile(times, 95), 1),
    rows: page.items.length,
    total: page.total,
    rawKiB: kib(Buffer.byteLength(body)),
    gzipKiB: kib(gzipSync(body).length),
  };
}

/** A draft with a non-apology and blame: every keystroke re-coaches it. */
const HARMFUL_DRAFT = '不好意思让您久等了，但这不是我们的问题，是快递的原因';

/**
 * Types the draft key by key (as a person would, 60 ms apart) and records, per keystroke, the time from the input event
 * to the coaching panel's next change in the DOM (the hook waits for the next animation frame, runs the engine,
 * React commits).
 */
async function measureHints(tab: Page): Promise<number[]> {
  const draft = tab.locator('textarea.draft-input');
  await draft.waitFor({ timeout: 60_000 });
  await tab.locator('.coach').waitFor({ state: 'attached', timeout: 60_000 });
  await tab.evaluate(() => {
    const state = { pending: null as number | null, latencies: [] as number[] };
    (window as unknown as { __hints: typeof state }).__hints = state;
    document.querySelector('textarea.draft-input')?.addEventListener('input', (event) => (state.pending = event.timeStamp), true);
    new MutationObserver(() => {
      if (state.pending === null) return;
      state.latencies.push(performance.now() - state.pending);
      state.pending = null;
    }).observe(document.querySelector('.coach')!, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await draft.click();
  // Give the engine chunk time to load: the first keystrokes would otherwise measure the download.
  await tab.waitForFunction(() => document.querySelector('.coach') !== null, undefined, { timeout: 60_000 });
  await tab.keyboard.type(HARMFUL_DRAFT, { delay: 60 });
  await tab.locator('.hint-avoid').first().waitFor({ timeout: 60_000 });
  const latencies = await tab.evaluate(() => (window as unknown as { __hints: { latencies: number[] } }).__hints.latencies);
  return latencies.map((x) => round(x, 1));
}

interface BrowserRun {
  inboxMs: number;
  openMs: number;
  /** Per keystroke of a harmful draft: from the input event to the coaching panel's update in the DOM. */
  hintMs: number[];
  engineMs: number | null;
  inboxApiMs: number | null;
  inboxApiKiB: number | null;
  transferredJsKiB: number;
}

/** Installed before the app's scripts: the times (since navigation) at which the first inbox row and message appear. */
const MARKER = `
  window.__bench = {};
  new MutationObserver(() => {
    const marks = window.__bench;
    if (marks.inbox === undefined && document.querySelector('.inbox-row')) marks.inbox = performance.now();
    if (marks.clicked !== undefined && marks.message === undefined && document.querySelector('.message')) marks.message = performance.now();
  }).observe(document, { childList: true, subtree: true });
`;

async function measureBrowser(browser: Browser, origin: string): Promise<BrowserRun[]> {
  const login = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await login.newPage();
  await page.goto(origin);
  await page.getByLabel('邮箱').fill(EMAIL);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.locator('.inbox-row').first().waitFor({ timeout: 60_000 });
  const session = await login.storageState();
  await login.close();

  const runs: BrowserRun[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', storageState: session });
    await context.addInitScript(MARKER);
    const tab = await context.newPage();
    const requests: Request[] = [];
    tab.on('requestfinished', (request) => requests.push(request));
    await tab.goto(origin);
    await tab.locator('.inbox-row').first().waitFor({ timeout: 60_000 });
    await tab.evaluate(() => {
      const marks = (window as unknown as { __bench: Record<string, number> }).__bench;
      marks.clicked = performance.now();
      document.querySelector<HTMLElement>('.inbox-row')?.click();
    });
    await tab.locator('.message').first().waitFor({ timeout: 60_000 });
    const hintMs = await measureHints(tab);
    const marks = await tab.evaluate((): { inbox?: number; clicked?: number; message?: number; engine: number | null } => {
      const bench = (window as unknown as { __bench: Record<string, number> }).__bench;
      const engine = performance.getEntriesByType('resource').find((e) => /\/assets\/engine-[^/]*\.js$/.test(e.name)) as
        PerformanceResourceTiming | undefined;
      return { ...bench, engine: engine?.responseEnd ?? null };
    });
    const inboxRequest = requests.find((r) => r.url().includes('/api/conversations?'));
    const inboxSizes = inboxRequest ? await inboxRequest.sizes() : null;
    const inboxTiming = inboxRequest?.timing();
    let js = 0;
    for (const request of requests) if (/\.js$/.test(new URL(request.url()).pathname)) js += (await request.sizes()).responseBodySize;
    runs.push({
      inboxMs: round(marks.inbox ?? NaN),
      openMs: round((marks.message ?? NaN) - (marks.clicked ?? NaN)),
      hintMs,
      engineMs: marks.engine === null ? null : round(marks.engine),
      inboxApiMs: inboxTiming ? round(inboxTiming.responseEnd) : null,
      inboxApiKiB: inboxSizes ? kib(inboxSizes.responseBodySize) : null,
      transferredJsKiB: kib(js),
    });
    await context.close();
  }
  return runs;
}

/** Every JS and CSS file of the built app: raw and gzip (level 9, as the server sends them) sizes. */
function measureBundles() {
  const assets = join(DIST, 'assets');
  return readdirSync(assets)
    .filter((file) => /\.(js|css)$/.test(file))
    .map((file) => {
      const body = readFileSync(join(assets, file));
      return { file: file.replace(/-[\w-]{8}(\.\w+)$/, '$1'), rawKiB: kib(body.length), gzipKiB: kib(gzipSync(body, { level: 9 }).length) };
    })
    .sort((a, b) => b.gzipKiB - a.gzipKiB);
}

function machine() {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    loadavg1m: round(loadavg()[0] ?? 0, 2),
    loadavg5m: round(loadavg()[1] ?? 0, 2),
    freeMemGiB: round(freemem() / 2 ** 30, 1),
    totalMemGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
  };
}

type Report = Awaited<ReturnType<typeof runBenchmark>>;

async function runBenchmark() {
  if (!existsSync(join(DIST, 'index.html')))
    throw new Error(`@tongli/web bench: ${DIST} is missing; run npm run build -w @tongli/web first`);
  if (!chromiumAvailable('bench')) throw new Error('@tongli/web bench: Chromium is needed');
  const before = machine();
  const database = scratchDatabase('pglite', 'tongli-web-bench');
  let child: Awaited<ReturnType<typeof startServerProcess>> | undefined;
  let browser: Browser | undefined;
  try {
    const seedStarted = performance.now();
    const { token, inboxId } = await prepareDatabase(database);
    await seed(database, inboxId);
    const seedSeconds = round((performance.now() - seedStarted) / 1000, 1);
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    child = await startServerProcess(database.env, port);
    const api = await timeInboxApi(origin, token);
    browser = await launchChromium();
    const runs = await measureBrowser(browser, origin);
    const serverPeakRssMb = processPeakRssMb(child.pid ?? 0);
    await stopProcess(child);
    child = undefined;
    // The seeded analyses carry the server's engine version and lexicon hash: no backfill should have re-analysed them.
    const db = await database.open();
    const { n: analysisJobs } = await db.kysely
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', 'analyze_message')
      .executeTakeFirstOrThrow();
    await db.close();
    const summary = (pick: (r: BrowserRun) => number | null) => {
      const xs = runs.map(pick).filter((x): x is number => x !== null && Number.isFinite(x));
      return { medianMs: round(median(xs)), minMs: Math.min(...xs), maxMs: Math.max(...xs) };
    };
    return {
      date: new Date().toISOString().slice(0, 10),
      conversations: CONVERSATIONS,
      runs: RUNS,
      seedSeconds,
      analysisJobs: Number(analysisJobs),
      firstInboxRender: summary((r) => r.inboxMs),
      firstConversationOpen: summary((r) => r.openMs),
      hintAfterKeystroke: hintSummary(runs.flatMap((r) => r.hintMs)),
      engineChunkLoaded: summary((r) => r.engineMs),
      inboxApiInBrowser: { ...summary((r) => r.inboxApiMs), kiB: runs[0]?.inboxApiKiB ?? null },
      inboxApiFromNode: api,
      transferredJsKiB: runs[0]?.transferredJsKiB ?? null,
      bundles: measureBundles(),
      serverPeakRssMb,
      machine: { before, after: machine() },
      samples: runs,
    };
  } finally {
    await browser?.close();
    if (child) await stopProcess(child);
    await database.dispose();
  }
}

function readBaseline(): Report | null {
  try {
    return JSON.parse(readFileSync(RESULTS, 'utf8')) as Report;
  } catch {
    return null;
  }
}

function printTable(report: Report, baseline: Report | null): void {
  const delta = (now: number | null, then: number | null | undefined) =>
    now === null || then === null || then === undefined ? '' : `${now - then >= 0 ? '+' : ''}${round(now - then, 1)}`;
  const rows: [string, string, string][] = [
    [
      'First inbox row (navigation → row), median [min–max]',
      `${report.firstInboxRender.medianMs} ms [${report.firstInboxRender.minMs}–${report.firstInboxRender.maxMs}]`,
      delta(report.firstInboxRender.medianMs, baseline?.firstInboxRender.medianMs),
    ],
    [
      'First conversation open (click → first message)',
      `${report.firstConversationOpen.medianMs} ms [${report.firstConversationOpen.minMs}–${report.firstConversationOpen.maxMs}]`,
      delta(report.firstConversationOpen.medianMs, baseline?.firstConversationOpen.medianMs),
    ],
    [
      `Coaching hint after a keystroke (input → DOM; ${report.hintAfterKeystroke.keystrokes} keystrokes), p50 / p99`,
      `${report.hintAfterKeystroke.p50Ms} / ${report.hintAfterKeystroke.p99Ms} ms`,
      delta(report.hintAfterKeystroke.p99Ms, baseline?.hintAfterKeystroke?.p99Ms),
    ],
    [
      'Coaching engine chunk loaded (since navigation)',
      `${report.engineChunkLoaded.medianMs} ms`,
      delta(report.engineChunkLoaded.medianMs, baseline?.engineChunkLoaded.medianMs),
    ],
    [
      'Inbox API in the browser (200 rows; request → end)',
      `${report.inboxApiInBrowser.medianMs} ms, ${report.inboxApiInBrowser.kiB} KiB`,
      delta(report.inboxApiInBrowser.medianMs, baseline?.inboxApiInBrowser.medianMs),
    ],
    [
      `Inbox API from Node (${API_SAMPLES} × 200 rows of ${report.inboxApiFromNode.total})`,
      `p50 ${report.inboxApiFromNode.medianMs} ms, p95 ${report.inboxApiFromNode.p95Ms} ms`,
      delta(report.inboxApiFromNode.medianMs, baseline?.inboxApiFromNode.medianMs),
    ],
    [
      'Inbox API response size (raw / if gzipped)',
      `${report.inboxApiFromNode.rawKiB} KiB / ${report.inboxApiFromNode.gzipKiB} KiB`,
      delta(report.inboxApiFromNode.rawKiB, baseline?.inboxApiFromNode.rawKiB),
    ],
    [
      'JS transferred for the workspace (gzip)',
      `${report.transferredJsKiB} KiB`,
      delta(report.transferredJsKiB, baseline?.transferredJsKiB),
    ],
    ...report.bundles.map((b): [string, string, string] => [
      `  dist ${b.file}`,
      `${b.gzipKiB} KiB gzip (${b.rawKiB} KiB)`,
      delta(b.gzipKiB, baseline?.bundles.find((x) => x.file === b.file)?.gzipKiB),
    ]),
    ['Seeding (migrate, analyse the scripts, bulk insert)', `${report.seedSeconds} s`, ''],
    ['Messages re-analysed by the server (backfill; expect 0)', String(report.analysisJobs), ''],
    ['Server peak RSS', `${report.serverPeakRssMb} MB`, delta(report.serverPeakRssMb, baseline?.serverPeakRssMb)],
  ];
  const width = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  const line = (cells: [string, string, string]) =>
    `${cells[0].padEnd(width[0] ?? 0)}  ${cells[1].padEnd(width[1] ?? 0)}  ${cells[2]}`.trimEnd();
  console.log(
    `Workspace load: ${report.conversations} open conversations, ${report.runs} runs (fresh browser context each), ${report.date}`,
  );
  if (baseline) console.log(line(['', '', `Δ vs ${baseline.date}`]));
  for (const row of rows) console.log(line(row));
  const m = report.machine;
  console.log(
    `Machine: ${m.before.cores} × ${m.before.cpu}, ${m.before.totalMemGiB} GiB; load average 1 min ${m.before.loadavg1m} before, ${m.after.loadavg1m} after; node ${m.before.node}`,
  );
}

const baseline = readBaseline();
const report = await runBenchmark();
mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
// Formatted as `prettier --check .` expects of a committed file.
writeFileSync(RESULTS, await format(JSON.stringify(report), { ...(await resolveConfig(RESULTS)), parser: 'json' }));
if (values.json) console.log(JSON.stringify(report));
else printTable(report, baseline);
