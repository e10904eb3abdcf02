// The sandbox's customer chat page and the console in headless Chromium: a customer types a
// question, sees the bot's answer and the "did that help?" menu, clicks it and gets the survey; an
// agent works a handed-off conversation in the workspace.
// Screenshots land in .data/screenshots for a person to look at.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, SHOTS } from '../support/browser';
import { startStack, type Stack } from '../support/stack';
import { ensureUser } from '../support/users';

describe('web pages in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  before(async () => {
    // Signing in takes the agent a few seconds: the first-response SLA must not move the
    // conversation away meanwhile (its timers are tested elsewhere).
    stack = await startStack({ settings: { firstResponseSlaMs: 120_000 } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('customer chat: question → answer with menu → click 已解决 → survey', async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 760 } });
    await page.goto(`${stack.sandbox.url}/chat/?customer=wmBrowser1`);
    await page.fill('#text', '满多少包邮');
    await page.click('form button');
    await page.getByText('99元', { exact: false }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: '已解决' }).click();
    await page.getByText('请您对我们的服务进行评价', { exact: false }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(SHOTS, 'customer-chat.png') });
    const said = async () => page.locator('.bubble').allTextContents();
    const shown = await said();
    assert.ok(
      shown.some((b) => b.includes('满多少包邮')),
      'the customer’s own message',
    );
    assert.ok(
      shown.some((b) => b.includes('很高兴')),
      'the bot closes the loop',
    );
    // A reload keeps the whole conversation, the customer's own lines too, in order.
    await page.reload();
    await page.locator('.bubble.me', { hasText: '满多少包邮' }).waitFor();
    await page.locator('.bubble.me', { hasText: '已解决' }).waitFor();
    assert.deepEqual(await said(), shown);
    await page.screenshot({ path: path.join(SHOTS, 'customer-chat-reloaded.png') });
  });

  it('console: shows every dependency healthy', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
    await page.goto(`${stack.apiUrl}/console/`);
    await page.getByText('all systems ok').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(SHOTS, 'console.png') });
    const rows = await page
      .locator('#deps tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent).join(' ')));
    assert.deepEqual(rows.sort(), ['embeddings ok', 'inbox ok', 'mongodb ok', 'temporal ok']);
  });

  it('agent workspace: the routed agent sees the handoff card, replies, and resolves', async () => {
    const customer = 'wmWorkspace1';
    await stack.say(customer, '我要转人工，门锁指纹总是识别失败');
    const { conversationId, snapshot } = await stack.withAgent(customer);
    const agentId = snapshot.agentId!;

    await ensureUser({ userId: agentId, role: 'agent', password: 'workspace-password' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${stack.apiUrl}/console/login.html?next=/console/workspace.html`);
    await page.fill('input[name=userId]', agentId);
    await page.fill('input[name=password]', 'workspace-password');
    await page.click('form button[type=submit]');
    await page.waitForURL(/workspace\.html/);
    const mine = page.locator('#mine li', { hasText: `客户${customer.slice(-4)}` }); // the sandbox's nickname
    await mine.waitFor({ timeout: 15_000 });
    await mine.click();
    await page.locator('.card .chips').getByText('客户要求人工').waitFor({ timeout: 10_000 });
    await page.locator('.transcript').getByText('门锁指纹总是识别失败').waitFor();

    await page.fill('.composer textarea', '您好，我是客服，请问门锁型号是？');
    await page.click('.composer .send');
    await stack.until(
      'the agent reply at the customer',
      () => stack.received(customer),
      (m) => m.includes('您好，我是客服，请问门锁型号是？'),
    );
    await page.locator('.line.agent', { hasText: '请问门锁型号是' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(SHOTS, 'agent-workspace.png') });

    await page.click('[data-action="resolve"]');
    await stack.until(
      'the conversation closed',
      () => stack.snapshot(conversationId),
      (s) => s.state === 'closed',
    );
    await mine.waitFor({ state: 'detached', timeout: 10_000 });
  });
});
