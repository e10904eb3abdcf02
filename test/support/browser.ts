// Headless Chromium for the browser tests (the Debian package `npm test` installs), where their
// screenshots go for a person to look at, and a user signed in to the workspace.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const SHOTS = path.resolve(__dirname, '..', '..', '.data', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  assert.ok(fs.existsSync(CHROMIUM), `Chromium is expected at ${CHROMIUM} (npm test installs the Debian package)`);
  fs.mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/**
 * A new browser context signed in as this user with their password, on the workspace, its live
 * stream connected. Errors thrown in the page are collected in `errors` when given.
 */
export async function signIn(
  browser: Browser,
  apiUrl: string,
  user: { userId: string; password: string },
  viewport: { width: number; height: number },
  options: { errors?: string[]; answerDialogs?: string } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  if (options.answerDialogs !== undefined) page.on('dialog', (dialog) => void dialog.accept(options.answerDialogs));
  if (options.errors) page.on('pageerror', (error) => options.errors!.push(error.message));
  await page.goto(`${apiUrl}/console/login.html?next=/console/workspace.html`);
  await page.fill('input[name=userId]', user.userId);
  await page.fill('input[name=password]', user.password);
  await page.click('form button[type=submit]');
  await page.waitForURL(/workspace\.html/);
  await page.locator('#live.on').waitFor({ timeout: 10_000 });
  return page;
}
