// The rapid-support group in headless Chromium, an agent and a supervisor each in their own browser
// (one at the WeCom sidebar's 360 × 640, the other on a 1280 × 800 desktop, then the other way
// round): the agent asks the group for help, the request appears live in the supervisor's
// workspace, the supervisor joins and reads the conversation, whispers to the agent (who sees it at
// once; the customer never receives it) and takes the conversation over with a reason, which the
// workflow records with the actor; and a supervisor keeping the group's members. Screenshots of every step land in .data/screenshots (rapid-*.png).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AgentModel } from '../../db/models/agent';
import { launchChromium, SHOTS, signIn } from '../support/browser';
import { startStack, type Stack } from '../support/stack';
import { acceptedUpdates } from '../support/updates';
import { ensureUser } from '../support/users';

const PASSWORD = 'rapid-support-test-password';
const SIDEBAR = { width: 360, height: 640 };
const DESKTOP = { width: 1280, height: 800 };
const STORIES = [
  { name: 'a', agent: SIDEBAR, supervisor: DESKTOP },
  { name: 'b', agent: DESKTOP, supervisor: SIDEBAR },
] as const;
const nickname = (customer: string) => `客户${customer.slice(-4)}`; // the sandbox's nickname

describe('the rapid-support group in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  const pageErrors: string[] = [];

  before(async () => {
    stack = await startStack({
      settings: { firstResponseSlaMs: 600_000, humanIdleNudgeMs: 600_000, humanIdleCloseMs: 600_000 },
    });
    await ensureUser({ userId: 'zhangsan', role: 'agent', password: PASSWORD });
    await ensureUser({ userId: 'supervisor01', role: 'supervisor', password: PASSWORD });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('a supervisor adds an agent to the group and takes them out again', async () => {
    const supervisor = await signIn(browser, stack.apiUrl, { userId: 'supervisor01', password: PASSWORD }, DESKTOP, {
      errors: pageErrors,
    });
    const box = supervisor.getByLabel('王五 属于快速支持小组');
    await box.waitFor({ timeout: 10_000 });
    assert.equal(await box.isChecked(), false);
    await box.check();
    const groupsOf = async () => (await AgentModel.findOne({ agentId: 'wangwu' }).lean())?.groups ?? [];
    await stack.until('wangwu in the group', groupsOf, (groups) => groups.includes('rapid-support'));
    await supervisor.locator('#agents').scrollIntoViewIfNeeded();
    await supervisor.screenshot({ path: path.join(SHOTS, 'rapid-membership-1280.png') });
    await box.uncheck();
    await stack.until('wangwu out of the group', groupsOf, (groups) => !groups.includes('rapid-support'));
    assert.deepEqual(pageErrors, [], 'no error in the page');
    await supervisor.context().close();
  });

  for (const story of STORIES) {
    it(`the agent at ${story.agent.width} × ${story.agent.height} asks for help; the supervisor at ${story.supervisor.width} × ${story.supervisor.height} joins, whispers and takes over`, async () => {
      const shot = (page: Page, who: string, step: string) =>
        page.screenshot({
          path: path.join(SHOTS, `rapid-${story.name}-${who}-${page.viewportSize()!.width}-${step}.png`),
        });
      const customer = `wmRapidBr${story.name}`;
      // The conversation goes to zhangsan: the supervisor is not serving yet.
      await AgentModel.updateMany({}, { $set: { status: 'offline' } });
      await AgentModel.updateOne({ agentId: 'zhangsan' }, { $set: { status: 'online', capacity: 10 } });
      const agent = await signIn(browser, stack.apiUrl, { userId: 'zhangsan', password: PASSWORD }, story.agent, {
        errors: pageErrors,
      });
      const supervisor = await signIn(
        browser,
        stack.apiUrl,
        { userId: 'supervisor01', password: PASSWORD },
        story.supervisor,
        { errors: pageErrors },
      );
      await supervisor.locator('.rapid-support').waitFor();

      await stack.say(customer, '转人工，门锁指纹总是识别失败，换过两次模块了');
      const { conversationId } = await stack.withAgent(customer);
      await agent.locator('#mine li', { hasText: nickname(customer) }).click();
      await agent.locator('.card .chips', { hasText: '客户要求人工' }).waitFor({ timeout: 10_000 });

      // The agent asks the group for help.
      await agent.click('[data-action="consult"]');
      const form = agent.locator('#consult-dialog');
      await form.locator('textarea[name=question]').fill('指纹模块换过两次还是坏，要不要直接给客户换新锁？');
      await shot(agent, 'agent', '1-asking');
      await form.locator('button[type=submit]').click();
      const asked = agent.locator('.notice.consult');
      await asked.waitFor();
      assert.match((await asked.textContent()) ?? '', /已向快速支持小组求助.*等待小组成员加入/);
      assert.ok(await agent.locator('[data-action="consult"]').isDisabled(), 'one request at a time');
      await shot(agent, 'agent', '2-asked');

      // The supervisor sees it arrive, live.
      const request = supervisor.locator('#consults li', { hasText: nickname(customer) });
      await request.waitFor({ timeout: 10_000 });
      assert.match((await request.textContent()) ?? '', /zhangsan 求助.*要不要直接给客户换新锁/);
      await shot(supervisor, 'supervisor', '3-request');

      // Joins: the conversation opens with its transcript, the box whispers to the agent.
      await request.locator('.join').click();
      await supervisor.locator('.transcript .line.customer', { hasText: '换过两次模块' }).waitFor({ timeout: 10_000 });
      await supervisor.locator('.notice.consult', { hasText: '您正在协助 zhangsan' }).waitFor();
      assert.equal(await supervisor.locator('[data-mode="whisper"]').getAttribute('aria-selected'), 'true');
      await agent.locator('.notice.consult', { hasText: 'supervisor01 已加入' }).waitFor({ timeout: 10_000 });
      await shot(supervisor, 'supervisor', '4-joined');

      // A whisper: the agent sees it at once; it is never sent to the customer.
      const box = supervisor.locator('.composer textarea');
      await box.fill('先查保修期：过保就建议换新锁，别承诺免费');
      await box.press('Enter');
      await supervisor.locator('.line.note.whisper', { hasText: '先查保修期' }).waitFor();
      const heard = agent.locator('.line.note.whisper', { hasText: '先查保修期' });
      await heard.waitFor({ timeout: 10_000 });
      assert.match((await heard.locator('small').textContent()) ?? '', /悄悄话 · supervisor01 → zhangsan.*客户不可见/);
      await shot(agent, 'agent', '5-whisper');
      await shot(supervisor, 'supervisor', '5-whispered');

      // The supervisor comes online and takes it over, with a reason.
      await supervisor.selectOption('#status', 'online');
      await stack.until(
        'the supervisor online',
        () => AgentModel.findOne({ agentId: 'supervisor01' }).lean(),
        (a) => a?.status === 'online',
      );
      await supervisor.fill('.act-reason', '客户情绪激动，由主管直接处理');
      await supervisor.click('[data-action="take-over"]');
      await stack.until(
        'the conversation with the supervisor',
        () => stack.snapshot(conversationId),
        (s) => s.agentId === 'supervisor01',
      );
      await agent.locator('.notice.taken', { hasText: '已转给其他客服' }).waitFor({ timeout: 10_000 });
      await supervisor.locator('.notice.consult').waitFor({ state: 'detached', timeout: 10_000 });
      const takeOver = (await acceptedUpdates(stack.client, conversationId))
        .filter((u) => u.name === 'takeOver')
        .at(-1);
      assert.deepEqual(takeOver?.input, {
        agentId: 'supervisor01',
        actor: { userId: 'supervisor01', role: 'supervisor' },
        reason: '客户情绪激动，由主管直接处理',
      });
      await shot(agent, 'agent', '6-taken-over');

      // Now the supervisor's: they reply to the customer.
      await supervisor.locator('[data-mode="reply"]').click();
      await box.fill('您好，我是值班主管，您的问题由我来处理。');
      await box.press('Enter');
      await stack.until(
        'the supervisor’s reply at the customer',
        () => stack.received(customer),
        (m) => m.some((x) => x.includes('我是值班主管')),
      );
      await shot(supervisor, 'supervisor', '6-took-over');
      assert.ok(
        !(await stack.received(customer)).some((m) => m.includes('保修期')),
        'the whisper never reached the customer',
      );
      assert.deepEqual(pageErrors, [], 'no error in the pages');
      await agent.context().close();
      await supervisor.context().close();
    });
  }
});
