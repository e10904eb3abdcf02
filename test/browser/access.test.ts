// Signing in and seeing what one may, in headless Chromium: an agent sees only their own
// conversations and the queue; a supervisor sees every agent's, the bot's and the agents' status,
// sets an agent's status with a reason, and takes a conversation over from an agent. The handoff
// card marks the model-written summary. Screenshots land in .data/screenshots.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AgentModel } from '../../db/models/agent';
import { EventModel } from '../../db/models/event';
import { startFakeLlm } from '../support/fakeLlm';
import { launchChromium, SHOTS } from '../support/browser';
import { startStack, type Stack } from '../support/stack';
import { ensureUser } from '../support/users';

const PASSWORD = 'browser-test-password';
const nickname = (customer: string) => `客户${customer.slice(-4)}`; // the sandbox's nickname

describe('signed-in workspace in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let llm: Awaited<ReturnType<typeof startFakeLlm>>;
  /** customer → the agent who holds the conversation ('' when it is queued) */
  const holders = new Map<string, string>();
  const conversations = new Map<string, string>();

  before(async () => {
    llm = await startFakeLlm('客户的门锁打不开，要求人工处理，情绪着急。');
    stack = await startStack({
      env: { OPENAI_BASE_URL: llm.baseURL, OPENAI_MODEL: 'fake', OPENAI_API_KEY: 'sk-test' },
      // Nobody replies in this test: keep the conversations where they are while the pages look.
      settings: {
        firstResponseSlaMs: 600_000,
        humanIdleNudgeMs: 600_000,
        humanIdleCloseMs: 600_000,
        queueWaitSlaMs: 600_000,
      },
    });
    for (const [userId, role] of [
      ['zhangsan', 'agent'],
      ['lisi', 'agent'],
      ['supervisor01', 'supervisor'],
    ] as const)
      await ensureUser({ userId, role, password: PASSWORD });
    // Two agents with one slot each: the first two customers are served, the third waits.
    await AgentModel.updateMany({}, { $set: { status: 'offline' } });
    await AgentModel.updateMany(
      { agentId: { $in: ['zhangsan', 'lisi'] } },
      { $set: { status: 'online', capacity: 1 } },
    );
    for (const customer of ['wmBrowserA1', 'wmBrowserB1']) {
      await stack.say(customer, '转人工，门锁打不开');
      const { conversationId, snapshot } = await stack.withAgent(customer);
      holders.set(customer, snapshot.agentId!);
      conversations.set(customer, conversationId);
    }
    assert.deepEqual([...holders.values()].sort(), ['lisi', 'zhangsan']);
    await stack.say('wmBrowserQ1', '我要人工客服');
    const queued = await stack.conversationOf('wmBrowserQ1');
    await stack.until(
      'queued',
      () => stack.snapshot(queued),
      (s) => s.state === 'queued',
    );
    conversations.set('wmBrowserQ1', queued);

    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    await llm?.close();
  });

  async function signIn(userId: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept('排班调整'));
    await page.goto(`${stack.apiUrl}/console/workspace.html`);
    await page.waitForURL(/login\.html/); // not signed in yet: the workspace sends us to sign in
    await page.fill('input[name=userId]', userId);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('form button[type=submit]');
    await page.waitForURL(/workspace\.html/);
    return page;
  }

  const namesIn = (page: Page, list: string) => page.locator(`${list} li strong`).allTextContents();

  it('the API is browsable from the console, generated from the OpenAPI document', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.apiUrl}/console/`);
    await page.click('a[href="api.html"]');
    const operation = page.locator('details', { hasText: '/api/conversations/{conversationId}/take-over' });
    await operation.waitFor();
    await operation.locator('summary').click();
    await operation.getByText('"additionalProperties": false').waitFor();
    assert.equal(await operation.locator('.access').textContent(), 'user');
    assert.ok((await page.locator('details').count()) > 30);
    await page.screenshot({ path: path.join(SHOTS, 'api-browser.png') });
  });

  it('a wrong password keeps you out', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.apiUrl}/console/login.html`);
    await page.fill('input[name=userId]', 'zhangsan');
    await page.fill('input[name=password]', 'not the password');
    await page.click('form button[type=submit]');
    await page.getByText('账号或密码错误').waitFor();
    assert.match(page.url(), /login\.html/);
  });

  it('an agent signs in and sees only their own conversations and the queue', async () => {
    const [customer] = [...holders].find(([, agent]) => agent === 'zhangsan')!;
    const other = [...holders].find(([, agent]) => agent === 'lisi')![0];
    const page = await signIn('zhangsan');
    await page.locator('#me').getByText('张三').or(page.locator('#me').getByText('zhangsan')).waitFor();
    await page.locator('#mine li', { hasText: nickname(customer) }).waitFor({ timeout: 15_000 });
    await page.locator('#queued li', { hasText: nickname('wmBrowserQ1') }).waitFor();
    assert.deepEqual(await namesIn(page, '#mine'), [nickname(customer)]);
    assert.deepEqual(await namesIn(page, '#queued'), [nickname('wmBrowserQ1')]);
    assert.ok(!(await page.locator('.supervisor').isVisible()), 'no supervisor panels');
    assert.ok(!(await page.content()).includes(nickname(other)), 'nothing of the other agent’s customer');

    await page.locator('#mine li', { hasText: nickname(customer) }).click();
    const summary = page.locator('.card .summary', { hasText: '客户的门锁打不开' });
    await summary.waitFor({ timeout: 10_000 });
    assert.equal(await summary.locator('.model-written').textContent(), 'AI 生成');
    await page.screenshot({ path: path.join(SHOTS, 'agent-signed-in.png') });
  });

  it('a supervisor signs in, sees every conversation and the agents, and sets a status with a reason', async () => {
    const page = await signIn('supervisor01');
    await page.locator('.supervisor').waitFor();
    for (const customer of holders.keys()) {
      await page.locator('#others li', { hasText: nickname(customer) }).waitFor({ timeout: 15_000 });
    }
    await page.locator('#queued li', { hasText: nickname('wmBrowserQ1') }).waitFor();
    await page.locator('#agents tr[data-agent="wangwu"] select').selectOption('away');
    await stack.until(
      'the status set, with its reason',
      () => EventModel.findOne({ type: 'agent_status_set', agentId: 'wangwu' }).lean(),
      (event) => event !== null,
    );
    const event = await EventModel.findOne({ type: 'agent_status_set', agentId: 'wangwu' }).lean();
    assert.deepEqual(event!.data, { status: 'away', by: 'supervisor01', role: 'supervisor', reason: '排班调整' });

    // A supervisor acting on another agent's conversation must say why.
    const [customer, agent] = [...holders][0]!;
    await page.locator('#others li', { hasText: nickname(customer) }).click();
    await page.locator('.state', { hasText: agent }).waitFor();
    const takeOver = page.locator('[data-action="take-over"]');
    assert.ok(await takeOver.isEnabled(), 'take over is offered on another agent’s conversation');
    await takeOver.click();
    await page.getByText('请填写原因').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'supervisor-signed-in.png') });
  });

  it('a supervisor takes a conversation over from an agent', async () => {
    await AgentModel.updateOne({ agentId: 'supervisor01' }, { $set: { status: 'online', capacity: 5 } });
    const [customer, agent] = [...holders][0]!;
    const page = await signIn('supervisor01');
    await page.locator('#others li', { hasText: nickname(customer) }).click();
    await page.locator('.state', { hasText: agent }).waitFor();
    await page.fill('.act-reason', '客户情绪激动，主管接手');
    await page.click('[data-action="take-over"]');
    await stack.until(
      'the conversation with the supervisor',
      () => stack.snapshot(conversations.get(customer)!),
      (s) => s.agentId === 'supervisor01',
    );
    await page.locator('#mine li', { hasText: nickname(customer) }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(SHOTS, 'supervisor-took-over.png') });
  });
});
