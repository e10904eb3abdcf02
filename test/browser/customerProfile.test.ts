// The customer's profile in the workspace, in headless Chromium: an agent tags the customer they
// serve from the customer panel and the handoff card shows it at once, removes a tag, is told in
// Chinese why a tag is refused, and has no tier selector; a supervisor sets the tier and the agent's
// open card shows it without a reload. The panel in the WeCom sidebar's size too. Screenshots land
// in .data/screenshots (customer-*.png).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AgentModel } from '../../db/models/agent';
import { CustomerModel } from '../../db/models/customer';
import { launchChromium, SHOTS } from '../support/browser';
import { startStack, type Stack } from '../support/stack';
import { ensureUser } from '../support/users';

const PASSWORD = 'customer-profile-test-password';
const CUSTOMER = 'wmProfUi1';

async function signIn(browser: Browser, stack: Stack, userId: string, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await page.goto(`${stack.apiUrl}/console/login.html?next=/console/workspace.html`);
  await page.fill('input[name=userId]', userId);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('form button[type=submit]');
  await page.waitForURL(/workspace\.html/);
  await page.locator('#live.on').waitFor({ timeout: 10_000 });
  return page;
}

/** Opens the conversation from its link and shows the customer panel. */
async function openCustomerPanel(page: Page, stack: Stack, conversationId: string) {
  await page.goto(`${stack.apiUrl}/console/workspace.html#c=${encodeURIComponent(conversationId)}`);
  await page.reload(); // a new address only in its #fragment does not load the page again
  await page.locator('.card .chips', { hasText: '客户要求人工' }).waitFor({ timeout: 10_000 });
  if (await page.locator('.open-tools').isVisible()) await page.click('.open-tools');
  await page.click('[role=tab][data-tool="customer"]');
  await page.locator('#customer .profile').waitFor();
}

describe('the customer profile in the workspace (Chromium)', () => {
  let stack: Stack;
  let browser: Browser;
  let conversationId: string;
  const tags = async () => (await CustomerModel.findOne({ externalUserId: CUSTOMER }).lean())?.tags ?? [];

  before(async () => {
    stack = await startStack({
      settings: { firstResponseSlaMs: 600_000, humanIdleNudgeMs: 600_000, humanIdleCloseMs: 600_000 },
    });
    for (const [userId, role] of [
      ['zhangsan', 'agent'],
      ['supervisor01', 'supervisor'],
    ] as const)
      await ensureUser({ userId, role, password: PASSWORD });
    await AgentModel.updateMany({}, { $set: { status: 'offline' } });
    await AgentModel.updateOne({ agentId: 'zhangsan' }, { $set: { status: 'online', capacity: 10 } });
    await stack.say(CUSTOMER, '转人工，门锁坏了');
    conversationId = (await stack.withAgent(CUSTOMER)).conversationId;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('an agent tags the customer, the card follows; a supervisor sets the tier and the agent’s card shows it', async () => {
    const agent = await signIn(browser, stack, 'zhangsan', { width: 1280, height: 800 });
    const shot = (page: Page, step: string) => page.screenshot({ path: path.join(SHOTS, `customer-${step}.png`) });
    await openCustomerPanel(agent, stack, conversationId);
    assert.equal(await agent.locator('#customer .tier-select').count(), 0, 'agents do not choose the tier');
    assert.match((await agent.locator('#customer .profile').textContent()) ?? '', /普通客户/);
    // The card's history line comes from the same profile.
    await agent.locator('.card .handoff', { hasText: '首次咨询' }).waitFor({ state: 'attached' });

    const input = agent.locator('#customer .tag-form input');
    await input.fill('老客户');
    await input.press('Enter');
    await agent.locator('#customer .chip.tag', { hasText: '老客户' }).waitFor();
    await agent.locator('.card .handoff', { hasText: '老客户' }).waitFor({ state: 'attached' });
    await input.fill('门锁用户');
    // Someone else changes the profile while the agent types: the panel is drawn again (the live
    // stream's `customer` event), and what the agent was typing stays in the box.
    const elsewhere = await stack.api('PATCH', `/api/conversations/${encodeURIComponent(conversationId)}/customer`, {
      add: ['回访'],
    });
    assert.equal(elsewhere.status, 200);
    await agent.locator('#customer .chip.tag', { hasText: '回访' }).waitFor();
    assert.equal(await input.inputValue(), '门锁用户', 'the typing survived the redraw');
    await agent.click('#customer .tag-form button[type=submit]');
    await agent.locator('#customer .chip.tag', { hasText: '门锁用户' }).waitFor();
    assert.deepEqual(await tags(), ['老客户', '回访', '门锁用户']);
    assert.equal(await input.inputValue(), '', 'a saved tag leaves the box');
    await shot(agent, '1-tagged');

    await agent.click('#customer .chip.tag:has-text("门锁用户") .remove');
    await stack.until('the tag removed', tags, (now) => now.length === 2);
    await agent.locator('#customer .chip.tag', { hasText: '门锁用户' }).waitFor({ state: 'detached' });
    assert.deepEqual(await tags(), ['老客户', '回访']);

    await input.fill('甲,乙');
    await input.press('Enter');
    await agent.locator('#customer .profile-error', { hasText: '标签不能包含' }).waitFor();
    assert.deepEqual(await tags(), ['老客户', '回访'], 'refused');
    assert.equal(await input.inputValue(), '甲,乙', 'a refused tag is back in the box to be corrected');

    const supervisor = await signIn(browser, stack, 'supervisor01', { width: 1280, height: 800 });
    await openCustomerPanel(supervisor, stack, conversationId);
    await supervisor.locator('#customer .tier-select').selectOption('vip');
    await supervisor.locator('.card .chips .chip.tier', { hasText: 'VIP 客户' }).waitFor();
    await shot(supervisor, '2-supervisor-tier');
    assert.equal((await CustomerModel.findOne({ externalUserId: CUSTOMER }).lean())?.tier, 'vip');
    // The agent's workspace hears of it (the `customer` event) and its card shows the tier, no reload.
    await agent.locator('.card .chips .chip.tier', { hasText: 'VIP 客户' }).waitFor({ timeout: 10_000 });
    assert.match((await agent.locator('#customer .profile').textContent()) ?? '', /VIP 客户/);
    await shot(agent, '3-agent-sees-tier');
    await agent.context().close();
    await supervisor.context().close();
  });

  it('in the WeCom sidebar (360 × 640) the panel and its tag form fit the sheet', async () => {
    const page = await signIn(browser, stack, 'zhangsan', { width: 360, height: 640 });
    await openCustomerPanel(page, stack, conversationId);
    const form = await page.locator('#customer .tag-form').boundingBox();
    assert.ok(form && form.x >= 0 && form.x + form.width <= 360.5, `the tag form fits: ${JSON.stringify(form)}`);
    await page.locator('#customer .chip.tag', { hasText: '老客户' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'customer-4-sidebar.png') });
    await page.context().close();
  });
});
