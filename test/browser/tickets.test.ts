// Tickets in the workspace, in headless Chromium at the WeCom sidebar's size (360 × 640) and on a
// desktop (1280 × 800): the ticket list with its filters (mine, the team's, overdue), a ticket
// opened on its page, its status changed (the customer is told, and the page says so), its
// priority raised, and a note the customer never receives. Screenshots of every step land in
// .data/screenshots (tickets-*.png).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TicketModel } from '../../db/models/ticket';
import { launchChromium, SHOTS, signIn as signInAs } from '../support/browser';
import { startStack, type Stack } from '../support/stack';
import { ticketOf, type MadeTicket } from '../support/tickets';
import { ensureUser } from '../support/users';

const PASSWORD = 'tickets-test-password';
const VIEWPORTS = [
  { name: '360', width: 360, height: 640 },
  { name: '1280', width: 1280, height: 800 },
] as const;

/** Errors thrown in the pages: none is expected. */
const pageErrors: string[] = [];

const signIn = (browser: Browser, stack: Stack, userId: string, viewport: { width: number; height: number }) =>
  signInAs(browser, stack.apiUrl, { userId, password: PASSWORD }, viewport, { errors: pageErrors });

const listed = async (page: Page) =>
  (
    await page
      .locator('#ticket-items li[data-ticket]')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-ticket')!))
  ).sort();

describe('tickets in the workspace in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let team: MadeTicket;
  let otherTeam: MadeTicket;

  before(async () => {
    stack = await startStack({
      settings: { firstResponseSlaMs: 600_000, humanIdleNudgeMs: 600_000, humanIdleCloseMs: 600_000 },
    });
    for (const userId of ['zhangsan', 'wangwu', 'lisi'])
      await ensureUser({ userId, role: 'agent', password: PASSWORD });
    // wangwu shares aftersales with zhangsan (his team); lisi does not.
    team = await ticketOf(stack, 'wangwu', 'wmTkBrTeam', '门铃不响');
    otherTeam = await ticketOf(stack, 'lisi', 'wmTkBrOther', '发票重开');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} × ${viewport.height}: the list and its filters, a ticket opened, its status changed, a note`, async () => {
      const shot = (step: string) =>
        page.screenshot({ path: path.join(SHOTS, `tickets-${viewport.name}-${step}.png`) });
      const mine = await ticketOf(stack, 'zhangsan', `wmTkBr${viewport.name}A`, '门锁指纹模块故障', {
        priority: 'high',
        description: '客户称指纹识别失败率很高，已尝试重新录入，仍然失败。',
      });
      const overdue = await ticketOf(stack, 'zhangsan', `wmTkBr${viewport.name}B`, '订单一直没发货', { dueInMs: 2000 });
      await stack.until(
        'the short ticket past its due time',
        async () => (await TicketModel.findOne({ ticketNo: overdue.ticketNo }).lean())!.dueAt.getTime(),
        (dueAt) => dueAt < Date.now(),
      );

      const page = await signIn(browser, stack, 'zhangsan', viewport);
      await page.click('[data-view="tickets"]');
      assert.deepEqual(pageErrors, [], 'no error in the page');
      const list = page.locator('#ticket-items');
      await list.locator(`li[data-ticket="${mine.ticketNo}"]`).waitFor();
      const myTickets = (await stack.as('zhangsan').api<{ ticketNo: string }[]>('GET', '/api/tickets?scope=mine')).body;
      assert.deepEqual(await listed(page), myTickets.map((t) => t.ticketNo).sort(), 'mine: what the api says is mine');
      assert.ok(myTickets.some((t) => t.ticketNo === overdue.ticketNo));
      const overdueItem = list.locator(`li[data-ticket="${overdue.ticketNo}"]`);
      assert.match((await overdueItem.textContent()) ?? '', /已超时/);
      await shot('1-mine');

      // The team's: wangwu's too, never lisi's.
      await page.click('[data-scope="team"]');
      await list.locator(`li[data-ticket="${team.ticketNo}"]`).waitFor();
      assert.equal(await list.locator(`li[data-ticket="${otherTeam.ticketNo}"]`).count(), 0, 'another team’s ticket');
      await shot('2-team');

      // Overdue only.
      await page.check('#ticket-list [name=overdue]');
      await list.locator(`li[data-ticket="${mine.ticketNo}"]`).waitFor({ state: 'detached' });
      const overdueListed = await listed(page);
      assert.ok(overdueListed.includes(overdue.ticketNo));
      assert.ok(!overdueListed.includes(team.ticketNo));
      await shot('3-overdue');
      await page.uncheck('#ticket-list [name=overdue]');
      await page.click('[data-scope="mine"]');

      // Opened: its page with status, priority, assignee, due time, description and history.
      await list.locator(`li[data-ticket="${mine.ticketNo}"]`).click();
      const ticketPage = page.locator('#detail.ticket-page');
      await ticketPage.locator('.ticket-title', { hasText: mine.ticketNo }).waitFor();
      const facts = (await ticketPage.locator('.ticket-facts').textContent()) ?? '';
      for (const fact of ['待处理', '高', 'zhangsan', '截止时间', `客户${mine.customer.slice(-4)}`]) {
        assert.ok(facts.includes(fact), `${fact} in ${facts}`);
      }
      assert.match((await ticketPage.locator('.ticket-description').textContent()) ?? '', /指纹识别失败率很高/);
      assert.match((await ticketPage.locator('.ticket-history').textContent()) ?? '', /创建了工单/);
      assert.match(page.url(), new RegExp(`#t=${mine.ticketNo}$`));
      await shot('4-opened');

      // The status changes: the customer is told, and the page says so when the conversation has.
      await ticketPage.locator('.ticket-status-form select[name=status]').selectOption('in_progress');
      await ticketPage.locator('.ticket-status-form input[name=note]').fill('已安排师傅明天上门检修');
      await ticketPage.locator('.ticket-status-form button[type=submit]').click();
      await ticketPage.locator('.ticket-status', { hasText: '处理中' }).waitFor();
      await ticketPage.locator('.ticket-history .status', { hasText: '将状态改为「处理中」' }).waitFor();
      await ticketPage
        .locator('.ticket-history .customer_notified', { hasText: '已通知客户' })
        .waitFor({ timeout: 20_000 });
      await stack.until(
        'the status at the customer',
        () => stack.received(mine.customer),
        (m) => m.some((x) => x.includes('处理中') && x.includes('已安排师傅明天上门检修')),
      );
      await ticketPage.locator('.ticket-history').scrollIntoViewIfNeeded();
      await shot('5-status-changed');

      // Priority raised, with a reason kept in the history.
      await ticketPage.locator('.ticket-edit-form select[name=priority]').selectOption('urgent');
      await ticketPage.locator('.ticket-edit-form input[name=reason]').fill('客户家中老人独居');
      await ticketPage.locator('.ticket-edit-form button[type=submit]').click();
      await ticketPage.locator('.ticket-history .priority', { hasText: '改为「紧急」' }).waitFor();
      assert.equal((await TicketModel.findOne({ ticketNo: mine.ticketNo }).lean())!.priority, 'urgent');

      // A note: on the ticket for colleagues, never at the customer.
      await ticketPage.locator('.ticket-note-form textarea').fill('客户周末在家，可以上门');
      await ticketPage.locator('.ticket-note-form button[type=submit]').click();
      await ticketPage.locator('.ticket-notes .note', { hasText: '客户周末在家' }).waitFor();
      await ticketPage.locator('.ticket-notes-box').scrollIntoViewIfNeeded();
      await shot('6-note');
      const stored = await TicketModel.findOne({ ticketNo: mine.ticketNo }).lean();
      assert.deepEqual(
        stored!.history.map((h) => h.kind),
        ['created', 'status', 'customer_notified', 'priority', 'note'],
      );
      assert.ok(!(await stack.received(mine.customer)).some((m) => m.includes('周末在家') || m.includes('独居')));

      // Back to the list (the sidebar's single column), where the change shows.
      if (viewport.width <= 480) {
        await ticketPage.locator('.back').click();
        await list.waitFor();
      }
      await list.locator(`li[data-ticket="${mine.ticketNo}"] .status`, { hasText: '处理中' }).waitFor();
      await page.context().close();
      assert.deepEqual(pageErrors, [], 'no error in the page');
    });
  }
});
