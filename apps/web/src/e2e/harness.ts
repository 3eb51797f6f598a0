import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; the e2e suites are skipped (with a warning) where it is not installed. */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether the browser is here; warns once per suite when it is not. */
export function chromiumAvailable(suite: string): boolean {
  const ok = existsSync(CHROMIUM);
  if (!ok) console.warn(`@tongli/web e2e (${suite}): ${CHROMIUM} is missing (apt-get install -y chromium); skipped`);
  return ok;
}

/** Headless Chromium with the flags this closed network needs (no background or component traffic). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
