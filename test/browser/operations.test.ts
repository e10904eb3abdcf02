// The operations pages in headless Chromium, on a stack with a day's worth of conversations: the
// supervisor dashboard (KPI tiles, Chart.js charts, live queue with Temporal links, agents, alerts),
// an agent marking a bot answer wrong from the workspace, and the KB editor (review queue, hit
// testing, history). Screenshots for a person to look at: .data/screenshots/ops-*.png.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AgentModel } from '../../db/models/agent';
import { AnswerMarkModel } from '../../db/models/answerMark';
import { launchChromium, SHOTS } from '../support/browser';
import { startStack, type Stack } from '../support/stack';
import { ensureUser } from '../support/users';

const PASSWORD = 'browser-test-password';

describe('operations pages in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let held = '';

  before(async () => {
    stack = await startStack({
      settings: {
        firstResponseSlaMs: 600_000,
        humanIdleNudgeMs: 600_000,
        humanIdleCloseMs: 600_000,
        queueWaitSlaMs: 2000,
      },
    });
    await ensureUser({ userId: 'supervisor01', role: 'supervisor', password: PASSWORD });
    await ensureUser({ userId: 'zhangsan', role: 'agent', password: PASSWORD });
    await ensureUser({ userId: 'kbeditor', role: 'agent', agentId: null, kbEditor: true, password: PASSWORD });
    await AgentModel.updateMany({}, { $set: { status: 'offline' } });
    await AgentModel.updateOne({ agentId: 'zhangsan' }, { $set: { status: 'online', capacity: 5 } });
    const asked = (customer: string) =>
      stack.until(
        `${customer} answered`,
        () => stack.received(customer),
        (m) => m.length > 0,
      );
    // Answers confirmed, turned down, questions not understood, a handoff to zhangsan, one waiting.
    const questions: [string, string][] = [
      ['wmOpsA', '运费多少钱'],
      ['wmOpsB', '怎么开发票'],
      ['wmOpsC', '快递到哪了怎么看'],
      ['wmOpsD', '门锁能用NFC卡开吗'],
    ];
    for (const [customer, text] of questions) await stack.say(customer, text);
    for (const customer of ['wmOpsA', 'wmOpsB', 'wmOpsC', 'wmOpsD']) await asked(customer);
    await stack.choose('wmOpsA', '已解决');
    await stack.choose('wmOpsB', '未解决');
    await stack.choose('wmOpsC', '未解决');
    await stack.say('wmOpsD', 'qwerty asdf');
    await stack.say('wmOpsE', '快递到哪了怎么看');
    await asked('wmOpsE');
    await stack.say('wmOpsE', '转人工');
    held = (await stack.withAgent('wmOpsE')).conversationId;
    // zhangsan is full now: the next customer waits in the queue.
    const agents = await stack.api<{ agentId: string; load: number }[]>('GET', '/api/agents');
    const load = agents.body.find((a) => a.agentId === 'zhangsan')!.load;
    await AgentModel.updateOne({ agentId: 'zhangsan' }, { $set: { capacity: load } });
    await stack.say('wmOpsQ', '我要打12315投诉你们');
    await stack.until(
      'the queue-wait alert',
      async () => (await stack.api<{ alerts: unknown[] }>('GET', '/api/analytics/live')).body.alerts.length,
      (n) => n > 0,
    );
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function signIn(userId: string, pageName: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${stack.apiUrl}/console/${pageName}`);
    await page.waitForURL(/login\.html/);
    await page.fill('input[name=userId]', userId);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('form button[type=submit]');
    await page.waitForURL(new RegExp(pageName.replace('.', '\\.')));
    return page;
  }

  it('the supervisor dashboard: KPIs, charts, the live queue with its Temporal link, agents and alerts', async () => {
    const page = await signIn('supervisor01', 'dashboard.html');
    await page.locator('body[data-ready=true]').waitFor({ timeout: 20_000 });
    await page.locator('#kpis .tile').first().waitFor();
    assert.equal(await page.locator('#kpis .tile').count(), 10);
    assert.equal(await page.locator('canvas#trend').count(), 1);
    const link = page.locator('#queue a.temporal').first();
    await link.waitFor();
    const href = await link.getAttribute('href');
    const queued = await stack.conversationOf('wmOpsQ');
    const run = (await stack.client.workflow.getHandle(queued).describe()).runId;
    assert.ok(href?.endsWith(`/workflows/${encodeURIComponent(queued)}/${run}/history`), href ?? '');
    await page.locator('#agents', { hasText: 'zhangsan' }).waitFor();
    await page.locator('#alerts li.alert', { hasText: '排队超时' }).first().waitFor();
    await page.waitForTimeout(500); // the charts' first paint
    await page.screenshot({ path: path.join(SHOTS, 'ops-dashboard.png'), fullPage: true });
  });

  it('an agent marks a bot answer wrong from the workspace', async () => {
    const page = await signIn('zhangsan', 'workspace.html');
    await page.locator('#mine li', { hasText: '客户OpsE' }).click();
    const control = page.locator('.line.bot .answer-feedback').first();
    await control.waitFor({ timeout: 15_000 });
    await control.locator('button.wrong').click();
    await control.locator('select').selectOption('outdated');
    await control.locator('input').fill('新版查询方式见小程序');
    await control.getByText('提交').click();
    await control.getByText('已提交到审核队列').waitFor();
    const mark = await AnswerMarkModel.findOne({ conversationId: held }).lean();
    assert.deepEqual(
      [mark?.verdict, mark?.reason, mark?.correctAnswer, mark?.by],
      ['wrong', 'outdated', '新版查询方式见小程序', 'zhangsan'],
    );
    await page.screenshot({ path: path.join(SHOTS, 'ops-workspace-feedback.png') });
  });

  it('the KB editor: review queue grouped, hit testing before and after a draft, history', async () => {
    const page = await signIn('kbeditor', 'kb.html');
    await page.locator('body[data-ready=true]').waitFor({ timeout: 20_000 });
    const group = page.locator('.group', { hasText: '快递到哪了怎么看' });
    await group.waitFor();
    await group.getByText('客服标错 1').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'ops-review-queue.png'), fullPage: true });

    await group.getByText('生成新条目').click();
    await page.fill('#editor input[name=id]', 'tracking-app');
    await page.fill('#editor input[name=skill]', 'logistics');
    await page.fill('#editor textarea[name=answer]', '新版查询方式：在小程序「我的订单」点「物流」即可看到实时轨迹。');
    await page.fill('#hit-question', '快递到哪了怎么看');
    await page.click('#hit-form button');
    await page.locator('#hits .decision').nth(1).waitFor();
    assert.match((await page.locator('#hits .decision').nth(1).textContent()) ?? '', /tracking-app/);
    await page.screenshot({ path: path.join(SHOTS, 'ops-kb-editor.png'), fullPage: true });
    await page.click('#editor button[type=submit]');
    await page.locator('#editor-status', { hasText: '已保存为版本' }).waitFor();
    await page.locator('#versions li', { hasText: 'tracking-app' }).first().waitFor();
  });
});
