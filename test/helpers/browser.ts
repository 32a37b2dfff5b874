/**
 * A real browser for the console tests: Debian's Chromium driven by playwright-core. A machine
 * without it fails these tests with the command that installs it; they are never skipped.
 * Screenshots go to test-output/screenshots/ for people to look at after a run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { totpNow, type TestConsoleUser } from './console.js';

export const CHROMIUM = process.env.SMS12333_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set SMS12333_CHROMIUM)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A new page at the console's login form, in Chinese unless told otherwise. */
export async function openConsole(
  browser: Browser,
  consoleUrl: string,
  lang: 'zh' | 'en' = 'zh',
): Promise<Page> {
  // Reduced motion: the console then turns antd's animations off, so a dialog closed is gone at once
  // (a close animation stalled on a loaded CI machine left a dialog's mask over the page for 30 s).
  // first-run.test.ts keeps the animated path.
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  // The test code has no DOM types: browser-side code is passed as text.
  await page.addInitScript({ content: `localStorage.setItem('sms12333.lang', ${JSON.stringify(lang)});` });
  await page.goto(`${consoleUrl}/console/`);
  return page;
}

/** Fills the login form as a person would, with the one-time code when the user has one. */
export async function loginAs(page: Page, user: TestConsoleUser): Promise<void> {
  await page.getByLabel('用户名').fill(user.username);
  await page.getByLabel('密码').fill(user.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  if (user.totpSecret !== null) {
    const code = page.getByLabel('动态口令（6 位数字）');
    await code.waitFor();
    await code.fill(totpNow(user.totpSecret));
    await page.getByRole('button', { name: /登\s*录/ }).click();
  }
  await page.getByTestId('current-user').waitFor();
}

/** Opens a console page by its key (pages/registry.tsx), e.g. `messages`. */
export async function gotoPage(page: Page, key: string): Promise<void> {
  await page.evaluate(`window.location.hash = ${JSON.stringify(`#/${key}`)}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
