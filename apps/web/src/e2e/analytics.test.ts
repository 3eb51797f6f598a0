import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from './harness.js';
import { loadConfig } from '../../../server/src/config/config.js';
import { seedDemo, type DemoUser } from '../../../server/src/demo/seed.js';
import { createPlatform, startServer, type Platform } from '../../../server/src/platform.js';

/**
 * End to end for analytics: a supervisor opens the dashboard on the seeded demo (60 conversations over the last 14
 * days) and every chart draws data; PNG and CSV exports download. The BUILT app against a real platform on in-memory
 * PGlite, in Debian's Chromium. Screenshots (zh-CN and en, 1440×900) land in $TMPDIR/tongli-e2e.
 */
const DIST = fileURLToPath(new URL('../../dist/index.html', import.meta.url));
const SHOTS = join(tmpdir(), 'tongli-e2e');
const CHARTS = ['volume', 'quality', 'times', 'empathy', 'scatter', 'turnaround', 'techniques', 'drivers'];

const canRun = existsSync(CHROMIUM);

describe.skipIf(!canRun)('web app analytics in Chromium', () => {
  let platform: Platform;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let users: DemoUser[] = [];
  const consoleErrors: string[] = [];

  async function signIn(role: DemoUser['role'], language: 'zh-CN' | 'en'): Promise<Page> {
    const user = users.find((u) => u.role === role);
    if (!user) throw new Error(`no demo ${role}`);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: language, acceptDownloads: true });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(server.url);
    await page.evaluate(`localStorage.setItem('tongli.language', '${language}')`);
    await page.reload();
    const email = page.getByLabel(language === 'en' ? 'Email' : '邮箱');
    await email.waitFor();
    await email.fill(user.email);
    await page.getByLabel(language === 'en' ? 'Password' : '密码').fill(user.password);
    await page.getByRole('button', { name: language === 'en' ? 'Sign in' : /登\s*录/ }).click();
    await page.locator('.topbar').waitFor();
    return page;
  }

  beforeAll(async () => {
    if (!existsSync(DIST)) throw new Error(`@tongli/web e2e: ${DIST} is missing; run npm run build -w @tongli/web first`);
    await mkdir(SHOTS, { recursive: true });
    platform = await createPlatform(loadConfig({}, { dataDir: 'memory://', port: 0 }), { models: false, pollMs: 50 });
    users = (await seedDemo(platform.deps, { conversations: 60, now: new Date() })) ?? [];
    server = await startServer(platform);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('supervisor opens analytics on the demo and every chart has data; exports download', async () => {
    const page = await signIn('supervisor', 'zh-CN');
    await page.locator('[data-section="analytics"]').click();
    await page.locator('[data-kpi="conversations"]').waitFor();
    for (const chart of CHARTS) await page.locator(`[data-chart="${chart}"] canvas`).first().waitFor();
    const conversations = Number(await page.locator('[data-kpi="conversations"] .ant-statistic-content-value').textContent());
    expect(conversations).toBeGreaterThan(40);
    expect(await page.locator('[data-chart] .ant-empty').count()).toBe(0);
    // No untranslated key leaks into the page.
    expect(await page.locator('main').textContent()).not.toMatch(/analytics\.\w/);
    await page.screenshot({ path: join(SHOTS, 'analytics-zh.png') });
    await page.locator('main').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.screenshot({ path: join(SHOTS, 'analytics-zh-bottom.png') });
    await page.locator('main').evaluate((el) => el.scrollTo(0, 0));

    const csv = page.waitForEvent('download');
    await page.locator('[data-chart="drivers"] a[download]').click();
    const file = await csv;
    expect(file.suggestedFilename()).toMatch(/^tongli-drivers-.*\.csv$/);
    const png = page.waitForEvent('download');
    await page.locator('[data-chart="scatter"] button', { hasText: 'PNG' }).click();
    expect((await png).suggestedFilename()).toBe('tongli-scatter.png');

    // A channel filter narrows the figures.
    await page.getByLabel('渠道').click();
    await page.locator('.ant-select-item-option', { hasText: '邮件' }).click();
    await expect
      .poll(async () => Number(await page.locator('[data-kpi="conversations"] .ant-statistic-content-value').textContent()))
      .toBeLessThan(conversations);
    await page.close();

    const en = await signIn('supervisor', 'en');
    await en.goto(`${server.url}/analytics`);
    for (const chart of CHARTS) await en.locator(`[data-chart="${chart}"] canvas`).first().waitFor();
    await en.screenshot({ path: join(SHOTS, 'analytics-en.png') });
    await en.locator('main').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await en.screenshot({ path: join(SHOTS, 'analytics-en-bottom.png') });
    await en.close();
    expect(consoleErrors).toEqual([]);
  }, 60_000);

  it('agents have no analytics menu and the page refuses them', async () => {
    const page = await signIn('agent', 'zh-CN');
    expect(await page.locator('[data-section="analytics"]').count()).toBe(0);
    await page.goto(`${server.url}/analytics`);
    await page.locator('.ant-result-403').waitFor();
    await page.close();
  });
});
