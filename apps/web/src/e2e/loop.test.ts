import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from './harness.js';
import { createConversation, updateConversation } from '../../../server/src/commands/conversations.js';
import { postMessage } from '../../../server/src/commands/messages.js';
import { loadConfig } from '../../../server/src/config/config.js';
import { createPlatform, startServer, type Platform } from '../../../server/src/platform.js';
import { createTeam, createUser } from '../../../server/src/repositories/users.js';

/**
 * End to end for the whole loop and the role boundaries: each role's home after sign-in; a customer writes in the real
 * widget on the demo page (a phone-size Chromium page), the agent sees the message with its emotion badge and replies,
 * the customer sees the reply; an agent opening another team's conversation by URL gets "not found" and no data; the
 * scorecard, guidelines and calibration screens. The BUILT app against a real platform on in-memory PGlite.
 * Screenshots (1280×720, widget 375×667) land in $TMPDIR/tongli-e2e.
 */
const DIST = fileURLToPath(new URL('../../dist/index.html', import.meta.url));
const SHOTS = join(tmpdir(), 'tongli-e2e');
const PASSWORD = 'correct horse';
const HIDDEN_TEXT = '这是另一个团队的机密投诉内容';
const DESKTOP = { width: 1280, height: 720 };
const PHONE = { width: 375, height: 667 };

describe.skipIf(!existsSync(CHROMIUM))('the loop in Chromium: role homes, widget ↔ agent, team boundary, QA settings', () => {
  let platform: Platform;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let webInbox: string;
  let hiddenId: string;
  let leadId: string;
  const errors: string[] = [];

  async function signIn(email: string): Promise<Page> {
    const page = await browser.newPage({ viewport: DESKTOP, locale: 'zh-CN' });
    page.on('pageerror', (error) => errors.push(`${email}: ${error.message}`));
    await page.goto(server.url);
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.locator('.topbar').waitFor();
    return page;
  }

  beforeAll(async () => {
    if (!existsSync(DIST)) throw new Error(`@tongli/web e2e: ${DIST} is missing; run npm run build -w @tongli/web first`);
    await mkdir(SHOTS, { recursive: true });
    platform = await createPlatform(loadConfig({}, { dataDir: 'memory://', port: 0 }), { models: false, pollMs: 50 });
    const db = platform.deps.db.kysely;
    const sales = await createTeam(db, '销售组');
    const vip = await createTeam(db, 'VIP 组');
    for (const [email, name, role, teamIds] of [
      ['agent@e2e.local', '小林', 'agent', [sales.id]],
      ['lead@e2e.local', '周主管', 'supervisor', []],
      ['qa@e2e.local', '质检员甲', 'qa', []],
      ['qa2@e2e.local', '质检员乙', 'qa', []],
      ['admin@e2e.local', '管理员', 'admin', []],
    ] as const) {
      const user = await createUser(db, { email, name, role, password: PASSWORD, teamIds: [...teamIds] });
      if (role === 'supervisor') leadId = user.id;
    }
    webInbox = (
      await db.insertInto('inboxes').values({ name: '官网客服', channel: 'web', team_id: null }).returning('id').executeTakeFirstOrThrow()
    ).id;
    const vipInbox = (
      await db.insertInto('inboxes').values({ name: 'VIP 专线', channel: 'api', team_id: vip.id }).returning('id').executeTakeFirstOrThrow()
    ).id;
    const hidden = await createConversation(platform.deps, {
      inboxId: vipInbox,
      customer: { name: '钱总', identities: [{ kind: 'email', value: 'vip@e2e.local' }] },
      subject: 'VIP 投诉',
    });
    hiddenId = hidden.id;
    await db.updateTable('conversations').set({ team_id: vip.id }).where('id', '=', hiddenId).execute();
    await postMessage(platform.deps, { conversationId: hiddenId, type: 'incoming', senderType: 'customer', body: HIDDEN_TEXT });
    await platform.runner.drain();
    server = await startServer(platform);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('each role lands on its home after signing in', async () => {
    for (const [email, path, marker] of [
      ['agent@e2e.local', '/', '.inbox'],
      ['lead@e2e.local', '/wall', '.wall'],
      ['qa@e2e.local', '/qa', '.qa-list'],
      ['admin@e2e.local', '/', '.inbox'],
    ] as const) {
      const page = await signIn(email);
      await page.locator(marker).first().waitFor();
      expect(new URL(page.url()).pathname, email).toBe(path);
      await page.screenshot({ path: join(SHOTS, `home-${email.split('@')[0]}.png`) });
      await page.close();
    }
  });

  it('the widget script stays small (gzipped under 60 KB)', async () => {
    const script = await (await fetch(`${server.url}/widget.js`)).text();
    const gzipped = gzipSync(script, { level: 9 }).length;
    console.log(`widget.js: ${script.length} bytes, ${gzipped} bytes gzipped`);
    expect(gzipped).toBeLessThan(60 * 1024);
  });

  it('customer writes in the widget → the agent sees it with its emotion and replies → the customer sees the reply', async () => {
    const customer = await browser.newPage({ viewport: PHONE, locale: 'zh-CN', isMobile: true, hasTouch: true });
    customer.on('pageerror', (error) => errors.push(`widget: ${error.message}`));
    await customer.goto(`${server.url}/demo/widget?inbox=${webInbox}`);
    await customer.getByRole('button', { name: 'chat' }).click();
    const input = customer.getByLabel('message');
    await input.waitFor();
    // The open panel fits the phone screen.
    const box = await input.evaluate((el) => {
      const panel = (el.closest('form') as HTMLElement).parentElement as HTMLElement;
      const r = panel.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    });
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(PHONE.width);
    expect(box.top).toBeGreaterThanOrEqual(0);
    const text = '我的订单已经等了一个星期还没发货，太让人生气了！';
    await input.fill(text);
    await input.press('Enter');
    await customer.getByText(text).waitFor();
    await customer.screenshot({ path: join(SHOTS, 'widget-phone.png') });

    const agent = await signIn('agent@e2e.local');
    const row = agent.locator('.inbox-row', { hasText: text.slice(0, 8) }).first();
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.locator('.emotion-badge[data-emotion]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await row.locator('.emotion-badge').getAttribute('data-emotion')).toMatch(/anger|frustration/);
    await row.click();
    await agent.locator('.message-incoming').first().waitFor();
    const reply = '非常理解您的心情，让您久等了。我马上为您催促仓库，今天下班前给您回复。';
    const draft = agent.locator('textarea.draft-input');
    await draft.fill(reply);
    await agent.locator('.composer-actions button.ant-btn-primary').click();
    await agent.locator('.message-outgoing', { hasText: reply.slice(0, 6) }).waitFor();
    await agent.screenshot({ path: join(SHOTS, 'loop-agent.png') });

    await customer.getByText(reply).waitFor({ timeout: 15_000 });
    await customer.screenshot({ path: join(SHOTS, 'widget-phone-reply.png') });
    await customer.close();
    await agent.close();
  });

  it("an agent cannot open another team's conversation: not found, and none of its data", async () => {
    const agent = await signIn('agent@e2e.local');
    expect(await agent.locator(`[data-conversation-id="${hiddenId}"]`).count()).toBe(0);
    await agent.goto(`${server.url}/conversations/${hiddenId}`);
    await agent.locator('[data-not-found]').waitFor();
    const page = (await agent.locator('body').textContent()) ?? '';
    expect(page).not.toContain(HIDDEN_TEXT);
    expect(page).not.toContain('钱总');
    await agent.screenshot({ path: join(SHOTS, 'hidden-conversation.png') });
    await agent.close();
  });

  it('supervisor: the workspace links to the widget demo of each web inbox; guidelines are tried in the browser, then saved', async () => {
    const lead = await signIn('lead@e2e.local');
    await lead.goto(`${server.url}/`);
    await lead.locator('[data-action="widget-demo"]').click();
    const link = lead.locator(`[data-demo-inbox="${webInbox}"]`);
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/demo/widget?inbox=${webInbox}`);
    await lead.keyboard.press('Escape');

    await lead.goto(`${server.url}/qa/guidelines`);
    await lead.locator('[data-try]').waitFor();
    await lead.locator('[data-add="dontSay"]').click();
    await lead.locator('[data-list="dontSay"] input').first().fill('亲');
    await lead.locator('[data-list="dontSay"] input').nth(1).fill('您好');
    // The sample draft starts with 亲: the edited (unsaved) list flags it.
    await lead.locator('[data-hint="guideline_violation"]').first().waitFor({ timeout: 10_000 });
    await lead.screenshot({ path: join(SHOTS, 'guidelines.png') });
    await lead.locator('[data-action="save-guidelines"]').click();
    await expect.poll(() => platform.deps.db.kysely.selectFrom('guidelines').select('version').execute()).toHaveLength(1);
    expect(
      platform.deps.engine.analyzer.coach('亲，稍等', { customer: '怎么还没到' }).hints.some((h) => h.id === 'guideline_violation'),
    ).toBe(true);
    // The composer's in-browser coaching uses the saved guidelines too.
    await lead.locator('[data-section="workspace"]').click();
    await lead.locator('.inbox-row').first().click();
    await lead.locator('textarea.draft-input').fill('亲，马上帮您看');
    await lead.locator('.hints [data-hint="guideline_violation"]').first().waitFor({ timeout: 10_000 });
    await lead.screenshot({ path: join(SHOTS, 'composer-guideline.png') });
    await lead.close();
  });

  it('QA: edits the scorecard weights (total shown), saves them; calibration compares two reviewers', async () => {
    const qa = await signIn('qa@e2e.local');
    await qa.goto(`${server.url}/qa/scorecard`);
    const total = qa.locator('[data-total-weight]');
    await total.waitFor();
    const before = Number(await total.getAttribute('data-total-weight'));
    const weight = qa.locator('tr[data-criterion] input.ant-input-number-input').first();
    const first = Number(await weight.inputValue());
    await weight.fill(String(first + 5));
    await weight.press('Tab');
    await expect.poll(async () => Number(await total.getAttribute('data-total-weight'))).toBe(before + 5);
    await qa.screenshot({ path: join(SHOTS, 'scorecard.png') });
    await qa.locator('[data-action="save-scorecard"]').click();
    await expect.poll(() => platform.deps.db.kysely.selectFrom('scorecards').select('version').execute()).toHaveLength(1);
    expect(platform.deps.engine.analyzer.scorecard.criteria[0]?.weight).toBe(first + 5);

    // Two reviewers score the resolved widget conversation; the calibration view shows them side by side.
    const conversation = await platform.deps.db.kysely
      .selectFrom('conversations')
      .select('id')
      .where('inbox_id', '=', webInbox)
      .executeTakeFirstOrThrow();
    const lead = { kind: 'user' as const, id: leadId, name: '周主管', role: 'supervisor' as const, teamIds: [] };
    await updateConversation(platform.deps, lead, conversation.id, { status: 'resolved' });
    await platform.runner.drain();
    const evaluation = platform.deps.engine.analyzer.scorecard.criteria.map((c, i) => ({ criterion: c.id, score: i === 0 ? 1 : 0.5 }));
    for (const [email, shift] of [
      ['qa@e2e.local', 0],
      ['qa2@e2e.local', 0.5],
    ] as const) {
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const res = await fetch(`${server.url}/api/conversations/${conversation.id}/reviews`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({
          points: evaluation.map((p, i) => ({ ...p, score: i === 0 ? Math.max(0, p.score - shift) : p.score, reason: '校准' })),
        }),
      });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
    }
    await qa.goto(`${server.url}/qa/calibration/${conversation.id}`);
    await qa.locator('tr[data-criterion]').first().waitFor();
    expect(await qa.locator('tr[data-criterion]').first().getAttribute('data-agreement')).toBe('apart');
    expect(await qa.locator('tr[data-agreement="agree"]').count()).toBeGreaterThan(0);
    await qa.screenshot({ path: join(SHOTS, 'calibration.png') });
    await qa.close();
    expect(errors).toEqual([]);
  });
});
