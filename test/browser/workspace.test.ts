// The agent workspace as an agent lives in it, in headless Chromium at the WeCom sidebar's size
// (360 × 640) and on a desktop (1280 × 800): a new assignment arrives without reloading, the card
// and the reply box are in view without scrolling, Enter sends, a quick reply, an internal note the
// customer never receives, a transfer with the picker, a ticket with the form. Then a
// conversation taken away while its agent has a draft, and the timers against the workflow's own
// deadlines. Screenshots of every step land in .data/screenshots (workspace-*.png).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AgentModel } from '../../db/models/agent';
import { TicketModel } from '../../db/models/ticket';
import { launchChromium, SHOTS, signIn as signInAs } from '../support/browser';
import { startStack, type Stack } from '../support/stack';
import { ensureUser } from '../support/users';

const PASSWORD = 'workspace-test-password';
const nickname = (customer: string) => `客户${customer.slice(-4)}`; // the sandbox's nickname
const VIEWPORTS = [
  { name: '360', width: 360, height: 640 },
  { name: '1280', width: 1280, height: 800 },
] as const;

const setStatus = (agentId: string, status: 'online' | 'offline') =>
  AgentModel.updateOne({ agentId }, { $set: { status } });

const signIn = (browser: Browser, stack: Stack, userId: string, viewport: { width: number; height: number }) =>
  signInAs(browser, stack.apiUrl, { userId, password: PASSWORD }, viewport, { answerDialogs: '测试' });

/** The element is wholly inside the viewport, and the page itself does not scroll. */
async function assertInView(page: Page, selector: string): Promise<void> {
  const box = await page.locator(selector).first().boundingBox();
  const viewport = page.viewportSize()!;
  assert.ok(box, `${selector} is shown`);
  assert.ok(
    box.y >= 0 &&
      box.y + box.height <= viewport.height + 0.5 &&
      box.x >= 0 &&
      box.x + box.width <= viewport.width + 0.5,
    `${selector} is in view: ${JSON.stringify(box)} in ${viewport.width}×${viewport.height}`,
  );
  const scrolls = await page.evaluate(
    'document.scrollingElement.scrollHeight > innerHeight || document.scrollingElement.scrollWidth > innerWidth',
  );
  assert.equal(scrolls, false, 'the page itself does not scroll');
}

describe('the agent workspace in Chromium', () => {
  let stack: Stack;
  let browser: Browser;

  before(async () => {
    // Nobody is hurried in this part: the deadlines are long (the lapse is tested below).
    stack = await startStack({
      settings: { firstResponseSlaMs: 600_000, humanIdleNudgeMs: 600_000, humanIdleCloseMs: 600_000 },
    });
    for (const [userId, role] of [
      ['zhangsan', 'agent'],
      ['lisi', 'agent'],
      ['supervisor01', 'supervisor'],
    ] as const)
      await ensureUser({ userId, role, password: PASSWORD });
    await AgentModel.updateMany({}, { $set: { status: 'offline' } });
    await AgentModel.updateOne({ agentId: 'zhangsan' }, { $set: { status: 'online', capacity: 10 } });
    await AgentModel.updateOne({ agentId: 'lisi' }, { $set: { capacity: 10 } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} × ${viewport.height}: assignment, reply, quick reply, note, transfer, ticket`, async () => {
      const shot = (step: string) =>
        page.screenshot({ path: path.join(SHOTS, `workspace-${viewport.name}-${step}.png`) });
      const customer = `wmWs${viewport.name}A`;
      const second = `wmWs${viewport.name}B`;
      const page = await signIn(browser, stack, 'zhangsan', viewport);
      await page.locator('#mine li').first().waitFor();
      await shot('1-signed-in');

      // A new assignment arrives while the page is open: no reload.
      await stack.say(customer, '转人工，门锁指纹总是识别失败，急死了');
      const { conversationId } = await stack.withAgent(customer);
      const item = page.locator('#mine li', { hasText: nickname(customer) });
      await item.waitFor({ timeout: 15_000 });
      await item.locator('.unread').waitFor();
      assert.match((await item.locator('.reason').textContent()) ?? '', /客户要求人工/);
      await shot('2-new-assignment');

      // Opened: the card and the reply box are in view without scrolling.
      await item.click();
      await page.locator('.card .chips', { hasText: '客户要求人工' }).waitFor({ timeout: 10_000 });
      await page.locator('.transcript .line.customer', { hasText: '门锁指纹总是识别失败' }).waitFor();
      assert.match(
        (await page.locator('.card .summary').textContent()) ?? '',
        /客户说：「转人工，门锁指纹总是识别失败，急死了」/,
      );
      assert.match((await page.locator('.card .chips').textContent()) ?? '', /情绪 焦急/);
      for (const selector of ['.card', '.composer textarea', '.composer .send', '.detail-head .timers']) {
        await assertInView(page, selector);
      }
      await shot('3-opened');

      // Enter sends; Shift+Enter is a new line.
      const box = page.locator('.composer textarea');
      await box.fill('您好，我是客服张三。');
      await box.press('Shift+Enter');
      await box.pressSequentially('请问门锁型号是？');
      assert.equal(await box.inputValue(), '您好，我是客服张三。\n请问门锁型号是？');
      await box.press('Enter');
      await stack.until(
        'the reply at the customer',
        () => stack.received(customer),
        (m) => m.includes('您好，我是客服张三。\n请问门锁型号是？'),
      );
      await page.locator('.line.agent', { hasText: '请问门锁型号是' }).waitFor();
      assert.equal(await box.inputValue(), '');
      await shot('4-replied');

      // A quick reply goes into the box, and out with Enter. The search finds the KB's answers too.
      await page.click('.quick-open');
      const quick = page.locator('#quick-replies .pick', { hasText: '稍等' });
      await quick.waitFor();
      await page.fill('#reply-search', '发货');
      await page.locator('#suggestions .pick', { hasText: '下单后多久发货' }).waitFor();
      await shot('5-quick-replies');
      await page.fill('#reply-search', '');
      await quick.click();
      assert.equal(await box.inputValue(), '好的，请您稍等，我马上为您查询。');
      await assertInView(page, '.composer textarea');
      await box.press('Enter');
      await stack.until(
        'the quick reply at the customer',
        () => stack.received(customer),
        (m) => m.includes('好的，请您稍等，我马上为您查询。'),
      );
      await page.locator('.line.agent', { hasText: '我马上为您查询' }).waitFor();

      // An internal note: in the transcript for colleagues, never at the customer.
      await page.click('[data-mode="note"]');
      await box.fill('老客户，上次也是指纹问题，注意语气');
      await box.press('Enter');
      await page.locator('.line.note', { hasText: '注意语气' }).waitFor();
      assert.match((await page.locator('.line.note small').textContent()) ?? '', /客户不可见/);
      await shot('6-internal-note');
      await page.click('[data-mode="reply"]');

      // Transfer with the picker: who is free is shown, nothing goes without a choice.
      await page.click('[data-action="transfer"]');
      const dialog = page.locator('#transfer-dialog');
      await dialog.waitFor();
      assert.ok(await dialog.locator('input[value="lisi"]').isDisabled(), 'an offline agent cannot be picked');
      await dialog.locator('button[type=submit]').click();
      await dialog.getByText('请选择一位可以接待的客服').waitFor();
      await setStatus('lisi', 'online');
      await dialog.locator('input[value="lisi"]:enabled').waitFor({ timeout: 10_000 });
      await dialog.locator('label', { hasText: '李四' }).click();
      await dialog.locator('input[name=reason]').fill('指纹问题由李四跟进');
      await shot('7-transfer-picker');
      await dialog.locator('button[type=submit]').click();
      await stack.until(
        'the conversation with lisi',
        () => stack.snapshot(conversationId),
        (s) => s.agentId === 'lisi',
      );
      await page.locator('.notice.taken', { hasText: '已转给其他客服' }).waitFor({ timeout: 10_000 });
      await item.waitFor({ state: 'detached' });
      await shot('8-transferred');
      await setStatus('lisi', 'offline');

      // A ticket with the form: checked before sending, with priority, due time and description.
      await stack.say(second, '我要人工，退款一直没到账');
      const ticketed = (await stack.withAgent(second)).conversationId;
      if (viewport.width <= 480) await page.click('.back');
      const secondItem = page.locator('#mine li', { hasText: nickname(second) });
      await secondItem.waitFor({ timeout: 15_000 });
      await secondItem.click();
      await page.locator('.card .chips', { hasText: '客户要求人工' }).waitFor({ timeout: 10_000 });
      // The knowledge base's answer for this customer's question is at hand.
      await page.locator('#suggestions .pick', { hasText: '退款多久到账' }).waitFor({ state: 'attached' });
      await page.click('[data-action="ticket"]');
      const form = page.locator('#ticket-dialog');
      await form.waitFor();
      await form.locator('input[name=title]').fill('');
      await form.locator('button[type=submit]').click();
      await form.getByText('请填写工单标题').waitFor();
      await form.locator('input[name=title]').fill('退款未到账跟进');
      await form.locator('select[name=priority]').selectOption('high');
      // The form's local time is Shanghai's (the context's time zone).
      const due = new Date(`${await form.locator('input[name=dueAt]').inputValue()}:00+08:00`);
      const expectedDue = Date.now() + 24 * 3600_000;
      assert.ok(Math.abs(due.getTime() - expectedDue) < 120_000, `high priority is due in 24 h: ${due.toISOString()}`);
      await form.locator('textarea[name=description]').fill('客户称退款一周未到账，需财务核实。');
      await shot('9-ticket-form');
      await form.locator('button[type=submit]').click();
      await stack.until(
        'the ticket',
        () => stack.snapshot(ticketed),
        (s) => s.state === 'ticket',
      );
      const ticket = await TicketModel.findOne({ conversationId: ticketed }).lean();
      assert.equal(ticket?.title, '退款未到账跟进');
      assert.equal(ticket?.priority, 'high');
      assert.equal(ticket?.description, '客户称退款一周未到账，需财务核实。');
      assert.ok(Math.abs(ticket!.dueAt.getTime() - due.getTime()) < 60_000, 'due when the form said');
      if (viewport.width <= 480) await page.click('.back');
      await page.locator('#tickets li', { hasText: nickname(second) }).waitFor({ timeout: 15_000 });
      await shot('10-ticket-created');

      // The note never reached the customer.
      assert.ok(!(await stack.received(customer)).some((text) => text.includes('注意语气')));
      await page.context().close();
    });
  }

  it('a conversation reassigned while its agent has a draft shows the notice and keeps the draft', async () => {
    const customer = 'wmWsDraft1';
    await stack.say(customer, '转人工，门锁电池怎么换');
    const { conversationId } = await stack.withAgent(customer);
    const page = await signIn(browser, stack, 'zhangsan', { width: 360, height: 640 });
    await page.locator('#mine li', { hasText: nickname(customer) }).click();
    const box = page.locator('.composer textarea');
    await page.locator('.card .chips', { hasText: '客户要求人工' }).waitFor({ timeout: 10_000 });
    const draft = '您好，门锁电池在内侧面板下方，\n打开盖子后';
    await box.fill(draft);

    // A supervisor moves it to another agent while the draft is unsent.
    await setStatus('lisi', 'online');
    const moved = await stack
      .as({ userId: 'supervisor01', role: 'supervisor' })
      .api('POST', `/api/conversations/${encodeURIComponent(conversationId)}/transfer`, {
        toAgentId: 'lisi',
        reason: '张三需要培训',
      });
    assert.equal(moved.status, 200);
    const notice = page.locator('.notice.taken');
    await notice.waitFor({ timeout: 10_000 });
    assert.match((await notice.textContent()) ?? '', /已转给其他客服.*草稿已保留/);
    assert.equal(await box.inputValue(), draft, 'the draft stays in the box');
    assert.notEqual(await box.getAttribute('readonly'), null, 'nothing can be sent from it');
    assert.ok(await page.locator('.composer .send').isDisabled());
    await assertInView(page, '.notice.taken');
    await page.screenshot({ path: path.join(SHOTS, 'workspace-draft-kept.png') });

    // The draft is kept in this browser too: a reload shows it again, with the notice.
    await page.reload();
    await page.locator('.notice.taken').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('.composer textarea').inputValue(), draft);
    await setStatus('lisi', 'offline');
    await page.context().close();
  });

  it('the timers shown equal the workflow’s deadlines within a second, and they tick', async () => {
    const customer = 'wmWsTimer1';
    await stack.say(customer, '转人工，门锁没电了');
    const { conversationId } = await stack.withAgent(customer);
    const page = await signIn(browser, stack, 'zhangsan', { width: 1280, height: 800 });
    await page.locator('#mine li', { hasText: nickname(customer) }).click();
    const chip = page.locator('.timers [data-timer="firstResponseSla"]');
    await chip.waitFor({ timeout: 10_000 });
    const waiting = page.locator('.timers .waiting');

    const seconds = (text: string) => {
      const [m, s] = text.split(':').map(Number);
      return m! * 60 + s!;
    };
    // Read as close together as the browser allows; `slack` is how long the reading took (a busy
    // machine stretches it), added to the one second a clock display may differ by.
    const read = async () => {
      const startedAt = Date.now();
      const [shown, waited, listed, snapshot] = await Promise.all([
        chip.locator('.clock-value').textContent(),
        waiting.locator('.clock-value').textContent(),
        page
          .locator('#mine li', { hasText: nickname(customer) })
          .locator('.waiting .clock-value')
          .textContent(),
        stack.snapshot(conversationId),
      ]);
      const at = Date.now();
      const slack = 1 + (at - startedAt) / 1000;
      return { shown: seconds(shown!), waited: seconds(waited!), listed: seconds(listed!), snapshot, at, slack };
    };

    const first = await read();
    const due = first.snapshot.timersDue.firstResponseSla!;
    assert.equal(Number(await chip.getAttribute('data-due')), due, 'the deadline is the workflow’s own');
    assert.ok(
      Math.abs(first.shown - (due - first.at) / 1000) <= first.slack,
      `shown ${first.shown}s, due in ${(due - first.at) / 1000}s`,
    );
    const since = first.snapshot.handoff!.at;
    assert.ok(Math.abs(first.waited - (first.at - since) / 1000) <= first.slack, `waited ${first.waited}s`);
    assert.ok(Math.abs(first.listed - first.waited) <= 1, 'the list says the same wait');
    await page.screenshot({ path: path.join(SHOTS, 'workspace-timers.png') });

    await new Promise((resolve) => setTimeout(resolve, 3000));
    const later = await read();
    const elapsed = (later.at - first.at) / 1000;
    // Each reading may be a tick behind its clock (a busy page runs its one-second timer late): two
    // readings 3 s apart differ from the time between them by at most their slacks. A clock that
    // stopped (0 s) or ran at twice the speed (6 s) is still far outside.
    assert.ok(
      Math.abs(first.shown - later.shown - elapsed) <= first.slack + later.slack,
      `counted down ${first.shown - later.shown}s in ${elapsed}s`,
    );
    assert.ok(
      Math.abs(later.waited - first.waited - elapsed) <= first.slack + later.slack,
      `the wait grew ${later.waited - first.waited}s in ${elapsed}s`,
    );
    assert.ok(Math.abs(later.shown - (due - later.at) / 1000) <= 1, 'still the workflow’s deadline');
    await page.context().close();
  });
});

describe('the workspace warns before the first response lapses', () => {
  let stack: Stack;
  let browser: Browser;
  before(async () => {
    stack = await startStack({ settings: { firstResponseSlaMs: 20_000, maxReassignments: 3 } });
    for (const userId of ['zhangsan', 'lisi']) await ensureUser({ userId, role: 'agent', password: PASSWORD });
    await AgentModel.updateMany({}, { $set: { status: 'offline' } });
    await AgentModel.updateOne({ agentId: 'zhangsan' }, { $set: { status: 'online' } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('a warning with the time left, then the notice with the draft kept when it is taken away', async () => {
    const customer = 'wmWsLapse1';
    const page = await signIn(browser, stack, 'zhangsan', { width: 360, height: 640 });
    await stack.say(customer, '转人工，订单一直没发货');
    const { conversationId } = await stack.withAgent(customer);
    await page.locator('#mine li', { hasText: nickname(customer) }).click();
    const box = page.locator('.composer textarea');
    await page.locator('.card .chips').waitFor({ timeout: 10_000 });
    await box.fill('您好，我帮您查一下');
    await setStatus('lisi', 'online'); // someone to take it
    const warning = page.locator('.notice.warn', { hasText: '会话将转给其他客服' });
    await warning.waitFor({ timeout: 20_000 });
    const left = await warning.locator('.clock-value').textContent();
    assert.match(left!, /^0:(0\d|10)$/, `the warning shows the seconds left: ${left}`);
    await page.screenshot({ path: path.join(SHOTS, 'workspace-lapse-warning.png') });

    await stack.until(
      'the conversation taken away',
      () => stack.snapshot(conversationId),
      (s) => s.agentId !== 'zhangsan',
      30_000,
    );
    await page.locator('.notice.taken', { hasText: '草稿已保留' }).waitFor({ timeout: 10_000 });
    assert.equal(await box.inputValue(), '您好，我帮您查一下');
    await page.screenshot({ path: path.join(SHOTS, 'workspace-lapse-taken.png') });
    await page.context().close();
  });
});
