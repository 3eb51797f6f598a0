import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from './harness.js';
import { createCannedReplyCommand } from '../../../server/src/admin/commands/canned.js';
import { createConversation, updateConversation } from '../../../server/src/commands/conversations.js';
import { postMessage } from '../../../server/src/commands/messages.js';
import { loadConfig } from '../../../server/src/config/config.js';
import { createPlatform, startServer, type Platform } from '../../../server/src/platform.js';
import type { Principal } from '../../../server/src/policies/policies.js';
import { createUser } from '../../../server/src/repositories/users.js';

/**
 * End to end for the screens after the workspace: canned replies with blocked send, the supervisor wall with a live
 * abuse alert, and a QA override. The BUILT app against a real platform on in-memory PGlite, in Debian's Chromium.
 * Screenshots (zh-CN and en, 1440×900) land in $TMPDIR/tongli-e2e.
 */
const DIST = fileURLToPath(new URL('../../dist/index.html', import.meta.url));
const SHOTS = join(tmpdir(), 'tongli-e2e');
const PASSWORD = 'correct horse';
const ABUSE = '你们就是一群骗子，垃圾公司，混蛋！';

const canRun = existsSync(CHROMIUM);

describe.skipIf(!canRun)('web app screens in Chromium: canned replies, supervisor wall, QA review', () => {
  let platform: Platform;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let inboxId: string;
  const ids = new Map<string, string>();
  const consoleErrors: string[] = [];

  async function signIn(email: string, language: 'zh-CN' | 'en' = 'zh-CN'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: language });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('dialog', (dialog) => {
      consoleErrors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(server.url);
    if (language === 'en') await page.evaluate("localStorage.setItem('tongli.language', 'en')");
    await page.reload();
    await page.getByLabel(language === 'en' ? 'Email' : '邮箱').waitFor();
    await page.getByLabel(language === 'en' ? 'Email' : '邮箱').fill(email);
    await page.getByLabel(language === 'en' ? 'Password' : '密码').fill(PASSWORD);
    await page.getByRole('button', { name: language === 'en' ? 'Sign in' : /登\s*录/ }).click();
    await page.locator('.topbar').waitFor();
    return page;
  }

  beforeAll(async () => {
    if (!existsSync(DIST)) throw new Error(`@tongli/web e2e: ${DIST} is missing; run npm run build -w @tongli/web first`);
    await mkdir(SHOTS, { recursive: true });
    platform = await createPlatform(loadConfig({}, { dataDir: 'memory://', port: 0 }), { models: false, pollMs: 50 });
    const deps = platform.deps;
    const db = deps.db.kysely;
    const agent = await createUser(db, { email: 'agent@e2e.local', name: '小林', role: 'agent', password: PASSWORD, teamIds: [] });
    const supervisor = await createUser(db, {
      email: 'lead@e2e.local',
      name: '周主管',
      role: 'supervisor',
      password: PASSWORD,
      teamIds: [],
    });
    await createUser(db, { email: 'qa@e2e.local', name: '质检员', role: 'qa', password: PASSWORD, teamIds: [] });
    const lead: Principal = { kind: 'user', id: supervisor.id, name: '周主管', role: 'supervisor', teamIds: [] };
    await createCannedReplyCommand(
      deps,
      { principal: lead, ip: undefined },
      {
        shortCode: 'refund',
        title: '退款进度',
        body: '{{customer.name}}您好，您的退款已经提交，我们会致电 {{customer.phone}} 告知进度。',
        locale: 'zh-CN',
      },
    );
    inboxId = (
      await db.insertInto('inboxes').values({ name: 'web', channel: 'web', team_id: null }).returning('id').executeTakeFirstOrThrow()
    ).id;
    const seed: { name: string; subject: string; assignee?: string; messages: ['in' | 'out', string][] }[] = [
      { name: '王建国', subject: '榨汁机坏了', assignee: agent.id, messages: [['in', '榨汁机用了三天就坏了，我要去12315投诉你们！']] },
      {
        name: '李梅',
        subject: '酒店入住',
        assignee: agent.id,
        messages: [
          ['in', '请问可以提前入住吗？'],
          ['out', '您好，我帮您确认一下，请稍等。'],
        ],
      },
      { name: 'Anna Smith', subject: 'Internet down', messages: [['in', 'My internet has been down for two weeks!!!']] },
    ];
    let n = 0;
    for (const c of seed) {
      const conversation = await createConversation(deps, {
        inboxId,
        customer: { name: c.name, identities: [{ kind: 'email', value: `c${++n}@e2e.local` }] },
        subject: c.subject,
      });
      ids.set(c.name, conversation.id);
      if (c.assignee) await db.updateTable('conversations').set({ assignee_id: c.assignee }).where('id', '=', conversation.id).execute();
      for (const [who, body] of c.messages)
        await postMessage(deps, {
          conversationId: conversation.id,
          type: who === 'in' ? 'incoming' : 'outgoing',
          senderType: who === 'in' ? 'customer' : 'agent',
          senderId: who === 'out' ? agent.id : null,
          body,
        });
    }
    await platform.runner.drain();
    // Resolving scores the conversation: the QA reviewer has an auto evaluation to review.
    await updateConversation(deps, lead, ids.get('李梅') as string, { status: 'resolved' });
    await platform.runner.drain();
    server = await startServer(platform);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('agent: `/` inserts a canned reply and sending is blocked until the missing variable is typed', async () => {
    const page = await signIn('agent@e2e.local');
    // The agent's menu has no supervisor wall.
    expect(await page.locator('[data-section]').evaluateAll((els) => els.map((e) => e.getAttribute('data-section')))).toEqual([
      'workspace',
      'qa',
    ]);
    await page.locator(`[data-conversation-id="${ids.get('王建国')}"]`).click();
    const draft = page.locator('textarea.draft-input');
    await draft.click();
    await draft.pressSequentially('/ref', { delay: 10 });
    const item = page.locator('.canned-item[data-short-code="refund"]');
    await item.waitFor();
    await page.screenshot({ path: join(SHOTS, 'canned-menu-zh.png') });
    await draft.press('Enter');
    await expect.poll(() => draft.inputValue()).toContain('王建国您好');
    expect(await draft.inputValue()).toContain('{{customer.phone}}');
    const send = page.locator('.composer-actions button.ant-btn-primary');
    await page.locator('.unfilled').waitFor();
    expect(await page.locator('.unfilled').textContent()).toContain('{{customer.phone}}');
    expect(await send.isDisabled()).toBe(true);
    // Ctrl+Enter does not get around it.
    await draft.press('Control+Enter');
    await page.screenshot({ path: join(SHOTS, 'canned-blocked-zh.png') });
    expect(await page.locator('.message-outgoing').count()).toBe(0);

    const filled = (await draft.inputValue()).replace('{{customer.phone}}', '138 0000 0000');
    await draft.fill(filled);
    await expect.poll(() => page.locator('.unfilled').count()).toBe(0);
    expect(await send.isDisabled()).toBe(false);
    await send.click();
    await expect.poll(() => page.locator('.message-outgoing .message-body').allTextContents()).toContain(filled);

    // Transfer with context: an agent may hand over to a team only; the note is drafted from the analysis.
    await page
      .getByRole('button', { name: /转\s*接/ })
      .first()
      .click();
    const note = page.getByLabel('给接手坐席的内部备注（客户看不到）');
    await expect.poll(() => note.inputValue()).toContain('客户情绪');
    expect(await page.locator('.ant-modal .ant-segmented').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'transfer-zh.png') });
    await page.keyboard.press('Escape');
    await page.close();
  });

  it('supervisor: the wall shows an alert for an abusive message as it arrives, and whisper / take over work', async () => {
    const page = await signIn('lead@e2e.local');
    await page.locator('[data-section="wall"]').click();
    await page.locator('.wall-tile').first().waitFor();
    expect(await page.locator('.wall-tile').count()).toBe(2);
    await page.locator('.ant-badge-status-success').waitFor();

    await postMessage(platform.deps, {
      conversationId: ids.get('Anna Smith') as string,
      type: 'incoming',
      senderType: 'customer',
      body: ABUSE,
    });
    const alert = page.locator('.alert-item[data-alert="abuse"]').first();
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.textContent()).toContain('Anna Smith');
    await expect
      .poll(() => page.locator(`.wall-tile[data-conversation-id="${ids.get('Anna Smith')}"] [data-risk="abuse"]`).count())
      .toBe(1);
    // The unassigned queue carries the abusive contact.
    await page.screenshot({ path: join(SHOTS, 'wall-zh.png') });

    const tile = page.locator(`.wall-tile[data-conversation-id="${ids.get('王建国')}"]`);
    await tile.getByRole('button', { name: '悄悄话（内部备注）' }).click();
    await page.getByLabel('悄悄话（内部备注）').last().fill('客户已第三次来电，先道歉再给出处理时限。');
    await page.getByRole('button', { name: /发\s*送/ }).click();
    await page.getByText('悄悄话已发送').waitFor();
    const stored = await platform.deps.db.kysely
      .selectFrom('messages')
      .select(['type', 'body'])
      .where('conversation_id', '=', ids.get('王建国') as string)
      .where('type', '=', 'note')
      .execute();
    expect(stored.map((m) => m.body)).toContain('客户已第三次来电，先道歉再给出处理时限。');

    await page
      .locator(`.wall-tile[data-conversation-id="${ids.get('Anna Smith')}"]`)
      .getByRole('button', { name: '接管（分配给我）' })
      .click();
    await expect
      .poll(() => page.locator(`.wall-tile[data-conversation-id="${ids.get('Anna Smith')}"] .wall-tile-agent`).textContent())
      .toBe('周主管');

    await alert.click();
    await page.waitForURL(`**/conversations/${ids.get('Anna Smith')}`);
    await page.locator('.message-incoming').first().waitFor();

    await page.getByText('EN', { exact: true }).click();
    await page.locator('[data-section="wall"]').click();
    await page.locator('.wall-tile').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'wall-en.png') });
    await page.close();
  });

  it('QA: overrides a scorecard point with a reason and sees the new score', async () => {
    const page = await signIn('qa@e2e.local');
    expect(await page.locator('[data-section="wall"]').count()).toBe(0);
    await page.locator('[data-section="qa"]').click();
    const row = page.locator('tr[data-evaluation-id]').first();
    await row.waitFor();
    await row.click();
    await page.locator('.point').first().waitFor();
    await page.locator('.evidence-mark').first().waitFor();
    const before = Number(await page.locator('.evaluation-score').getAttribute('data-score'));
    await page.screenshot({ path: join(SHOTS, 'qa-detail-zh.png') });

    await page.getByRole('button', { name: '复核并修改' }).click();
    const first = page.locator('.review-point').first();
    const score = first.locator('input.ant-input-number-input');
    const current = Number(await score.inputValue());
    await score.fill(current >= 50 ? '0' : '100');
    await score.press('Tab');
    const save = page.getByRole('button', { name: '保存复核' });
    // A changed point needs a reason.
    expect(await save.isDisabled()).toBe(true);
    await first.locator('.review-reason').fill('复核：按录音重新评定此项');
    await page.screenshot({ path: join(SHOTS, 'qa-review-zh.png') });
    await save.click();
    await page.locator('.point-override').first().waitFor();
    const after = Number(await page.locator('.evaluation-score').getAttribute('data-score'));
    expect(after).not.toBe(before);
    expect(await page.locator('.evaluation-head').textContent()).toContain('人工');
    await page.screenshot({ path: join(SHOTS, 'qa-reviewed-zh.png') });
    await page.close();

    const en = await signIn('qa@e2e.local', 'en');
    await en.goto(`${server.url}/qa`);
    await en.locator('tr[data-evaluation-id]').first().click();
    await en.locator('.point').first().waitFor();
    await en.screenshot({ path: join(SHOTS, 'qa-detail-en.png') });
    await en.close();
  });

  it('agent disputes an evaluation and QA decides the dispute', async () => {
    const agent = await signIn('agent@e2e.local');
    await agent.locator('[data-section="qa"]').click();
    await agent.locator('tr[data-evaluation-id]').first().click();
    await agent.getByRole('button', { name: /申\s*诉/ }).click();
    await agent.getByLabel('请说明申诉理由').fill('我在第二句已经做了自我介绍。');
    await agent.locator('.ant-modal-footer .ant-btn-primary').click();
    await agent.locator('.dispute').waitFor();
    expect(await agent.locator('.evaluation-score .ant-tag').textContent()).toBe('申诉中');
    // Reviewing is for QA; the agent sees no override button.
    expect(await agent.getByRole('button', { name: '复核并修改' }).count()).toBe(0);
    await agent.screenshot({ path: join(SHOTS, 'qa-dispute-agent-zh.png') });
    await agent.close();

    const qa = await signIn('qa@e2e.local');
    await qa.goto(`${server.url}/qa`);
    await qa.locator('.qa-filter-status').click();
    await qa.locator('.ant-select-item-option', { hasText: '申诉中' }).click();
    await expect.poll(() => qa.locator('tr[data-evaluation-id]').count()).toBe(1);
    await qa.locator('tr[data-evaluation-id]').first().click();
    await qa.getByRole('button', { name: '裁决申诉' }).click();
    await qa.getByText('申诉成立').click();
    await qa.getByLabel('裁决说明（坐席可见）').fill('录音确认已自我介绍，申诉成立。');
    await qa.locator('.ant-modal-footer .ant-btn-primary').click();
    await expect.poll(() => qa.locator('.evaluation-score .ant-tag').textContent()).toBe('已裁决');
    expect(await qa.locator('.dispute').textContent()).toContain('录音确认已自我介绍');
    await qa.close();
    expect(consoleErrors).toEqual([]);
  });

  it('accessibility: no serious or critical axe violations on the main screens; the workspace works from the keyboard', async () => {
    const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core'), 'utf8');
    const found: Record<string, string[]> = {};
    /** axe-core's serious and critical violations on the page as it stands, as `rule: selector` lines. */
    const audit = async (page: Page, screen: string) => {
      // Through the DevTools protocol: the app's CSP (script-src 'self') rightly refuses an inline script tag.
      await page.evaluate(axeSource);
      found[screen] = await page.evaluate(async () => {
        const { axe } = window as unknown as { axe: typeof import('axe-core') };
        // Colours are checked once transitions have ended (a button that just became enabled is still fading in).
        const finite = document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity);
        await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
        const { violations } = await axe.run(document, { resultTypes: ['violations'] });
        return violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .flatMap((v) =>
            v.nodes.map((n) => {
              const contrast = n.any[0]?.data as { fgColor?: string; bgColor?: string; contrastRatio?: number } | undefined;
              const colours = contrast?.fgColor ? ` (${contrast.fgColor} on ${contrast.bgColor}: ${contrast.contrastRatio})` : '';
              return `${v.id}: ${n.target.join(' ')}${colours}`;
            }),
          );
      });
    };

    const login = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    await login.goto(server.url);
    await login.getByLabel('邮箱').waitFor();
    await audit(login, 'login');
    await login.close();

    const page = await signIn('lead@e2e.local');
    await page.goto(`${server.url}/conversations/${ids.get('王建国')}`);
    await page.locator('.message-incoming').first().waitFor();
    const draft = page.locator('textarea.draft-input');
    await draft.fill('这不是我们的问题');
    await page.locator('.hint-avoid').first().waitFor();
    await audit(page, 'workspace');

    // Keyboard: from the top of the page, Tab reaches the inbox, the conversation and the composer, with a visible ring.
    await draft.fill('');
    await page.goto(`${server.url}/`);
    await page.locator('.inbox-row').first().waitFor();
    const reached = new Set<string>();
    for (let i = 0; i < 40 && reached.size < 3; i++) {
      await page.keyboard.press('Tab');
      const where = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el) return null;
        const style = getComputedStyle(el);
        const ring = el.matches(':focus-visible') && (style.outlineStyle !== 'none' || style.boxShadow !== 'none');
        const region = el.classList.contains('inbox-row')
          ? 'inbox row'
          : el.closest('.composer')
            ? 'composer'
            : el.closest('.workspace-main')
              ? 'conversation'
              : null;
        return { region, ring };
      });
      if (where?.region && where.ring) reached.add(where.region);
      if (where?.region === 'inbox row') {
        // In the inbox, arrows move between conversations and Enter opens the one with focus.
        const focusedId = () => page.evaluate(() => document.activeElement?.getAttribute('data-conversation-id'));
        const first = await focusedId();
        await page.keyboard.press('ArrowDown');
        const next = await focusedId();
        expect(next).toBeTruthy();
        expect(next).not.toBe(first);
        await page.keyboard.press('Enter');
        await page.waitForURL(`**/conversations/${next}`);
        await page.locator('.message').first().waitFor();
      }
    }
    expect([...reached].sort()).toEqual(['composer', 'conversation', 'inbox row']);

    await page.locator('[data-section="wall"]').click();
    await page.locator('.wall-tile').first().waitFor();
    await audit(page, 'wall');
    await page.locator('[data-section="qa"]').click();
    await page.locator('tr[data-evaluation-id]').first().click();
    await page.locator('.point').first().waitFor();
    await audit(page, 'qa');
    await page.locator('[data-section="analytics"]').click();
    await page.locator('[data-kpi="conversations"]').waitFor();
    await page.locator('[data-chart]').last().waitFor();
    await audit(page, 'analytics');
    await page.locator('[data-section="settings"]').click();
    await page.locator('.settings-main .ant-tabs').waitFor();
    await audit(page, 'settings');
    await page.close();
    expect(found).toEqual({ login: [], workspace: [], wall: [], qa: [], analytics: [], settings: [] });
    expect(consoleErrors).toEqual([]);
  });
});
