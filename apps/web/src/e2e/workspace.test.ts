import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from './harness.js';
import { createConversation } from '../../../server/src/commands/conversations.js';
import { postMessage } from '../../../server/src/commands/messages.js';
import { loadConfig } from '../../../server/src/config/config.js';
import { createPlatform, startServer, type Platform } from '../../../server/src/platform.js';
import { createUser } from '../../../server/src/repositories/users.js';

/**
 * End to end: the BUILT web app (apps/web/dist, made by `npm run build -w @tongli/web`) served by a real platform on
 * in-memory PGlite, driven in Debian's Chromium. Screenshots land in $TMPDIR/tongli-e2e (never committed).
 */
const DIST = fileURLToPath(new URL('../../dist/index.html', import.meta.url));
const SHOTS = join(tmpdir(), 'tongli-e2e');
const HOSTILE = '<img src=x onerror=alert(1)>';
const HARMFUL_DRAFT = '这不是我们的问题，你自己看说明书';
const REPLY = '王先生，让您等了这么久，真的很抱歉。我现在就帮您查订单，十分钟内给您回复。';

const SEED: { name: string; subject: string; priority?: 'high' | 'urgent'; messages: ['in' | 'out' | 'note', string][] }[] = [
  {
    name: '王建国',
    subject: '榨汁机坏了，没有收据',
    priority: 'high',
    messages: [
      ['in', '你们的榨汁机用了三天就坏了！！！我已经打了三次电话了，到底管不管？'],
      ['out', '给您带来的不便我深表歉意，请您耐心等待。'],
      ['note', '客户第三次来电，请优先处理，不要再转接。'],
      ['in', '又是这句话，你们就会敷衍！我要去12315投诉你们！'],
    ],
  },
  {
    name: 'Anna Smith',
    subject: 'Internet down for two weeks',
    messages: [['in', 'My internet has been down for TWO WEEKS. This is the third time I am calling!!!']],
  },
  {
    name: '李梅',
    subject: '酒店入住时间',
    messages: [
      ['in', '请问明天下午两点可以提前入住吗？谢谢'],
      ['out', '您好，我明白您想早点入住，我帮您确认一下。'],
    ],
  },
  { name: '测试用户', subject: '显示测试', messages: [['in', HOSTILE]] },
  { name: '赵强', subject: '账单扣费错误', priority: 'urgent', messages: [['in', '你们乱扣我的钱，骗子公司，再不退款我就找律师！']] },
  { name: 'Tom Lee', subject: 'Refund status', messages: [['in', 'Thanks, the refund arrived. Great service!']] },
];

const canRun = existsSync(CHROMIUM);
if (!canRun) console.warn(`@tongli/web e2e: ${CHROMIUM} is missing (apt-get install -y chromium); the browser test is skipped`);

describe.skipIf(!canRun)('agent workspace in Chromium (built app, real server)', () => {
  let platform: Platform;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  const ids = new Map<string, string>();

  beforeAll(async () => {
    if (!existsSync(DIST)) throw new Error(`@tongli/web e2e: ${DIST} is missing; run npm run build -w @tongli/web first`);
    await mkdir(SHOTS, { recursive: true });
    platform = await createPlatform(loadConfig({}, { dataDir: 'memory://', port: 0 }), { models: false, pollMs: 50 });
    const deps = platform.deps;
    await createUser(deps.db.kysely, { email: 'agent@e2e.local', name: '小林', role: 'agent', password: 'correct horse', teamIds: [] });
    const inbox = await deps.db.kysely
      .insertInto('inboxes')
      .values({ name: 'web', channel: 'web', team_id: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    let n = 0;
    for (const c of SEED) {
      const conversation = await createConversation(deps, {
        inboxId: inbox.id,
        customer: { name: c.name, identities: [{ kind: 'email', value: `customer${++n}@e2e.local` }] },
        subject: c.subject,
        priority: c.priority,
      });
      ids.set(c.name, conversation.id);
      for (const [who, body] of c.messages)
        await postMessage(deps, {
          conversationId: conversation.id,
          type: who === 'in' ? 'incoming' : who === 'out' ? 'outgoing' : 'note',
          senderType: who === 'in' ? 'customer' : 'agent',
          body,
        });
    }
    await platform.runner.drain();
    server = await startServer(platform);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in and lists the most upset customers first', async () => {
    await page.goto(server.url);
    await page.getByLabel('邮箱').fill('agent@e2e.local');
    await page.getByLabel('密码').fill('correct horse');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.locator('.inbox-row').first().waitFor();
    const names = await page.locator('.inbox-name').allTextContents();
    expect(names).toContain('王建国');
    // Risk flags first: the escalation threat and the abusive customer lead the list.
    expect(names.slice(0, 2).sort()).toEqual(['王建国', '赵强'].sort());
    await expect.poll(() => page.locator('[data-risk="escalation_threat"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'inbox.png') });
  });

  it('renders a hostile customer message as text', async () => {
    await page.locator(`[data-conversation-id="${ids.get('测试用户')}"]`).click();
    const body = page.locator('.message-incoming .message-body').first();
    await body.waitFor();
    expect(await body.textContent()).toBe(HOSTILE);
    expect(await page.locator('.thread img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('coaches a harmful draft with a one-click rewrite, then sends a reply into the thread', async () => {
    await page.locator(`[data-conversation-id="${ids.get('王建国')}"]`).click();
    await page.locator('.message-note').waitFor();
    await page.locator('.timeline-chart canvas').waitFor();
    const draft = page.locator('textarea.draft-input');
    await draft.click();
    await draft.pressSequentially(HARMFUL_DRAFT, { delay: 5 });
    const avoid = page.locator('.hint-avoid').first();
    await avoid.waitFor();
    expect(await page.locator('.draft-harmful').count()).toBeGreaterThan(0);
    // The coaching time is reported for the benchmark, not asserted here: timing belongs in benchmarks.
    const ms = Number(await page.locator('.coach').getAttribute('data-coach-ms'));
    expect(Number.isFinite(ms)).toBe(true);
    console.log(`@tongli/web e2e: coaching took ${ms} ms after the keystroke`);
    await page.screenshot({ path: join(SHOTS, 'workspace-coaching.png') });
    await avoid.getByRole('button').click();
    expect(await draft.inputValue()).not.toBe(HARMFUL_DRAFT);

    await draft.fill(REPLY);
    await draft.press('Control+Enter');
    await expect.poll(() => page.locator('.message-outgoing .message-body').allTextContents()).toContain(REPLY);
    expect(await draft.inputValue()).toBe('');
    await page.screenshot({ path: join(SHOTS, 'workspace-sent.png') });
  });

  it('switches to English and stays readable at 1280×720', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('button', { name: 'Resolve' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'workspace-en-1280.png') });
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused/i.test(e))).toEqual([]);
  });

  it('stays interactive with 10,000 conversations and keeps only the visible rows in the page', async () => {
    const db = platform.deps.db.kysely;
    const inbox = await db.selectFrom('inboxes').select('id').executeTakeFirstOrThrow();
    await sql`with c as (insert into customers (name) select 'Bulk ' || g from generate_series(1, 10000) g returning id, name)
      insert into conversations (inbox_id, customer_id, subject, waiting_since, last_message_at)
      select ${inbox.id}, id, 'bulk ' || name, now() - (length(name) * interval '7 minutes'), now() from c`.execute(db);
    await sql`insert into conversation_analyses (conversation_id, engine_version, lexicon_hash, last_emotion, last_intensity, risk, result)
      select id, 'e2e', 'e2e', (array['anger', 'frustration', 'anxiety', 'neutral', 'satisfaction'])[1 + (ascii(right(subject, 1)) % 5)],
        (ascii(right(subject, 1)) % 10) / 10.0, '[]', '{}' from conversations where subject like 'bulk %'`.execute(db);

    const started = Date.now();
    await page.reload();
    await page.locator('.inbox-row').first().waitFor();
    const interactiveMs = Date.now() - started;
    // The language chosen before the reload is remembered.
    await page.getByText(`${10000 + SEED.length} in all`).waitFor();

    const apiMs = Number(
      await page.evaluate(
        "(async () => { const t = performance.now(); await fetch('/api/conversations?status=open&limit=200'); return performance.now() - t; })()",
      ),
    );

    const scrolled = Date.now();
    await page.evaluate("document.querySelector('.inbox-scroll').scrollTop = 1e9");
    await page.locator('.inbox-row', { hasText: 'Bulk' }).last().waitFor();
    await expect.poll(() => page.locator('.inbox-skeleton').count()).toBe(0);
    const scrollMs = Date.now() - scrolled;
    expect(await page.locator('.inbox-slot').count()).toBeLessThan(40);
    await page.screenshot({ path: join(SHOTS, 'inbox-10000-bottom.png') });
    console.log(
      `@tongli/web e2e: 10,006 conversations interactive in ${interactiveMs} ms (first page of the API: ${Math.round(apiMs)} ms); bottom of the list loaded in ${scrollMs} ms`,
    );
    console.log(`@tongli/web e2e screenshots: ${SHOTS}`);
  });
});
