// WeCom's session rules and the edges of a conversation, on the time-skipping server: what may be
// said while a servicer holds the session (wecom mode), the close that forwards what the customer
// says meanwhile and ends WeCom's session only after a quiet survey wait, the survey's answer, a
// message right after close, a message WeCom delivers again to the next session, old menu clicks,
// texts over WeCom's 2,048 bytes, an agent going offline, and ticket news that cannot reach the
// customer yet.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { BotEngine } from '../../bot/engine';
import { confirmMenuId, surveyMenuId } from '../../domain/menus';
import { utf8Length } from '../../domain/wecomText';
import {
  agentReplyUpdate,
  agentUnavailableSignal,
  createTicketUpdate,
  resolveUpdate,
  ticketUpdatedSignal,
  transferUpdate,
} from '../../workflows/conversationContract';
import {
  agent,
  eventually,
  gate,
  freshTimelineTest,
  timelineSettings,
  World,
  type Timeline,
} from '../support/timeline';

const MINUTE = 60_000;

describe('WeCom session rules and conversation edges (time-skipping)', () => {
  let world: World;
  let timeline: Timeline;
  // Each test on a time-skipping server and world of its own (freshTimelineTest): the test server
  // strands a run whose workflow task cancels a timer that had just fired, and a test that fails
  // after that runs once more on fresh ones.
  const test = freshTimelineTest(
    () => new World([agent('zhaoliu', { skills: ['billing'] }), agent('lisi', { skills: ['billing'] })]),
    (fresh, freshWorld) => {
      timeline = fresh;
      world = freshWorld;
    },
  );

  test('wecom mode: a session a servicer opened from the WeCom client starts with them, the bot silent', async () => {
    world.session('wmOpened').state = 3;
    world.session('wmOpened').servicer = 'lisi';
    const story = await timeline.start('wmOpened', { humanMode: 'wecom' });
    await story.say('在吗');
    const snapshot = await story.until('with the servicer', (s) => s.state === 'human');
    assert.equal(snapshot.agentId, 'lisi');
    assert.deepEqual(world.textsTo(story.conversationId), [], 'no bot reply that WeCom would refuse');
    assert.ok(!world.log.includes('trans 3>3'), 'the session is not moved away from the servicer');
  });

  test('wecom mode: a ticket made while a servicer holds the session is told through the end code; news waits for the customer', async () => {
    world.servingServicers = ['zhaoliu', 'lisi'];
    const story = await timeline.start('wmTicketWecom', { humanMode: 'wecom' });
    await story.say('转人工');
    const { agentId } = await story.until('with a servicer', (s) => s.state === 'human');
    assert.equal(world.session('wmTicketWecom').state, 3);
    const { ticketNo } = await story.handle.executeUpdate(createTicketUpdate, {
      args: [{ agentId: agentId!, title: '设备离线', priority: 'high' }],
    });
    const told = world.sent.find((s) => s.conversationId === story.conversationId && s.text?.includes(ticketNo));
    assert.ok(told?.code, 'the ticket notice went with the end-of-session code');
    assert.equal(told?.outcome, 'sent');
    assert.ok(!world.sent.some((s) => s.conversationId === story.conversationId && s.outcome === 'refused'));

    await story.handle.signal(ticketUpdatedSignal, { ticketNo, status: 'in_progress', note: '已派单' });
    await eventually('the news recorded as untold', () =>
      world.eventsOf('ticket_status', story.conversationId).some((e) => e.data.notified === false),
    );
    await story.say('工单怎么样了');
    await eventually('the news told when the customer writes', () =>
      world.textsTo(story.conversationId).some((t) => t.includes('已派单')),
    );
    world.servingServicers = undefined;
  });

  test('wecom mode: a reassignment never tries 3→2 (WeCom forbids it)', async () => {
    world.servingServicers = ['zhaoliu'];
    world.agents.get('lisi')!.status = 'offline';
    const story = await timeline.start('wmNoPool', { humanMode: 'wecom' });
    await story.say('转人工');
    await story.until('with zhaoliu', (s) => s.state === 'human' && s.agentId === 'zhaoliu');
    await timeline.env.sleep(3 * MINUTE + 1000);
    await story.until('back in the queue', (s) => s.state === 'queued');
    await timeline.env.sleep(MINUTE);
    assert.ok(!world.log.includes('trans 3>2'), world.log.join(', '));
    world.agents.get('lisi')!.status = 'online';
    world.servingServicers = undefined;
  });

  test('close: what the customer says meanwhile opens the next session, in a WeCom session still open', async () => {
    const story = await timeline.start('wmCloseRace');
    await story.say('转人工');
    const { agentId } = await story.until('an agent', (s) => s.state === 'human');
    world.log.length = 0;
    const held = gate();
    world.deliverGate = held.promise;
    const resolve = story.handle.executeUpdate(resolveUpdate, { args: [{ agentId: agentId! }] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await story.say('客服就问了一句就结束了？');
    world.deliverGate = undefined;
    held.open();
    await resolve;
    await eventually('forwarded', () => world.forwarded.length > 0);
    assert.equal(world.forwarded[0]!.messages[0]!.text, '客服就问了一句就结束了？');
    assert.equal(world.forwarded[0]!.closedSession, 1);
    assert.ok(world.log.includes('mirror closed'), world.log.join(', '));
    assert.ok(!world.log.includes('trans 1>4'), `WeCom's session ended under the next one: ${world.log}`);
  });

  test("close: WeCom's session stays ours through the survey wait and is ended when it passes quietly", async () => {
    const story = await timeline.start('wmQuietEnd');
    await story.say('运费怎么算');
    await story.until('confirming', (s) => s.state === 'confirming');
    await story.say('解决了，谢谢');
    await eventually('the survey', () =>
      world.sent.some((s) => s.conversationId === story.conversationId && s.menu?.head.includes('评价')),
    );
    await story.settle();
    assert.equal(world.session('wmQuietEnd').state, 1, 'a question on its way at close still finds the session open');
    await timeline.env.sleep(timelineSettings().csatWaitMs + 1000);
    await story.handle.result();
    assert.equal(world.session('wmQuietEnd').state, 4);
    assert.ok(world.log.includes('trans 1>4'), world.log.join(', '));
  });

  test('close: a question right after close is answered by the next session, and WeCom keeps the session open for it', async () => {
    const story = await timeline.start('wmAfterThanks');
    await story.say('运费怎么算');
    await story.until('confirming', (s) => s.state === 'confirming');
    await story.say('解决了，谢谢');
    await story.until('closed', (s) => s.state === 'closed');
    world.forwarded.length = 0;
    await story.say('怎么开发票');
    await eventually('forwarded', () => world.forwarded.length > 0);
    await timeline.env.sleep(timelineSettings().csatWaitMs + 1000);
    await story.handle.result();
    assert.equal(world.session('wmAfterThanks').state, 1, 'the next session may answer');
  });

  test('a message of the closed session that WeCom delivers again to the next one is not answered twice', async () => {
    const story = await timeline.start('wmRedelivered');
    const question = await story.say('运费怎么算');
    await story.until('confirming', (s) => s.state === 'confirming');
    const thanks = await story.say('解决了，谢谢');
    await story.until('closed', (s) => s.state === 'closed');
    await eventually('the session left for the next one', () =>
      world.customers.get('wmRedelivered')?.lastSession?.msgids?.includes(thanks.msgid),
    );
    const next = await timeline.start('wmRedelivered', { session: 2 });
    await next.say('怎么开发票');
    await next.until('answered', (s) => s.state === 'confirming');
    await next.deliver(question);
    await next.deliver(thanks);
    await next.settle();
    await timeline.env.sleep(5000);
    assert.equal(
      world.textsTo(next.conversationId).filter((t) => !t.includes('是否解决')).length,
      1,
      world.textsTo(next.conversationId).join(' | '),
    );
    assert.equal((await next.snapshot()).state, 'confirming', 'not closed by an old "thanks"');
  });

  test('a dissatisfied rating is acknowledged with a person offered; the next words are understood with the closed session', async () => {
    const story = await timeline.start('wmUnhappy');
    await story.say('转人工');
    const { agentId } = await story.until('an agent', (s) => s.state === 'human');
    await story.handle.executeUpdate(agentReplyUpdate, { args: [{ agentId: agentId!, text: '您好' }] });
    await story.handle.executeUpdate(resolveUpdate, { args: [{ agentId: agentId! }] });
    await story.say('不满意', surveyMenuId('dissatisfied', 1));
    await eventually('the acknowledgement', () =>
      world.textsTo(story.conversationId).some((t) => t.includes('很抱歉')),
    );
    const offer = world.sent.filter((s) => s.conversationId === story.conversationId && s.menu).at(-1);
    assert.deepEqual(
      offer?.menu?.items.map((i) => i.content),
      ['转人工'],
    );
    const context = world.customers.get('wmUnhappy')?.lastSession;
    assert.equal(context?.csat, 'dissatisfied');
    assert.equal(context?.agentId, agentId);

    // The next session (same customer, moments later) hands a message it cannot place back to people.
    const next = await timeline.start('wmUnhappy', { session: 2 });
    await next.say('客服就问了一句就结束了？');
    const handed = await next.until('handed off', (s) => s.state === 'queued' || s.state === 'human');
    assert.equal(handed.handoff?.reason, 'follow_up');
  });

  test('a click on an old "did that help?" menu answers nothing', async () => {
    const story = await timeline.start('wmOldMenu');
    await story.say('运费怎么算');
    await story.until('confirming', (s) => s.state === 'confirming');
    await story.say('怎么开发票');
    await eventually(
      'the second answer',
      () => world.textsTo(story.conversationId).filter((t) => t.includes('是否解决')).length === 2,
    );
    await story.say('未解决', confirmMenuId('no', 1));
    await eventually(
      'the stale click recorded',
      () => world.eventsOf('stale_menu_click', story.conversationId).length === 1,
    );
    const snapshot = await story.snapshot();
    assert.equal(snapshot.state, 'confirming', 'no handoff, no next-best answer');
    assert.equal(world.eventsOf('handoff', story.conversationId).length, 0);
    // The current menu's click still counts.
    await story.say('已解决', confirmMenuId('yes', 2));
    await story.until('resolved', (s) => s.state === 'closed' || s.closedReason === 'resolved_by_bot');
  });

  test('a knowledge-base answer over 2,048 bytes goes out in parts WeCom accepts', async () => {
    const long = `${'请按以下步骤操作：打开App，进入设备页，长按设备图标，选择重置。'.repeat(40)}`;
    world.engine = BotEngine.fromKnowledgeBase({
      name: 'long',
      skills: { tech: '技术支持' },
      entries: [{ id: 'long', skill: 'tech', question: '设备怎么重置？', similar: [], answer: long, enabled: true }],
    } as never);
    try {
      const story = await timeline.start('wmLong');
      await story.say('设备怎么重置？');
      await story.until('confirming', (s) => s.state === 'confirming');
      const parts = world.sent.filter((s) => s.conversationId === story.conversationId && s.text);
      assert.ok(parts.length >= 2, `${parts.length} parts`);
      assert.ok(parts.every((p) => utf8Length(p.text!) <= 2048));
    } finally {
      world.engine = new World().engine;
    }
  });

  test('an agent going offline hands every conversation back to routing, which serves it', async () => {
    const story = await timeline.start('wmOffline');
    await story.say('转人工');
    const { agentId } = await story.until('an agent', (s) => s.state === 'human');
    const other = agentId === 'zhaoliu' ? 'lisi' : 'zhaoliu';
    world.agents.get(agentId!)!.status = 'offline';
    await story.handle.signal(agentUnavailableSignal, { agentId: agentId!, status: 'offline' });
    const served = await story.until('another agent', (s) => s.state === 'human' && s.agentId === other);
    assert.equal(served.agentId, other);
    assert.equal(world.eventsOf('requeued', story.conversationId)[0]?.data.why, 'agent_unavailable');
    world.agents.get(agentId!)!.status = 'online';
  });

  test('a transfer to a skill goes back to the queue, never to the agent who passed it on', async () => {
    const story = await timeline.start('wmSkill');
    await story.say('转人工');
    const { agentId } = await story.until('an agent', (s) => s.state === 'human');
    await story.handle.executeUpdate(transferUpdate, { args: [{ agentId: agentId!, toSkill: 'billing' }] });
    const next = await story.until('re-routed', (s) => s.state === 'human' && s.agentId !== agentId);
    assert.notEqual(next.agentId, agentId);
  });
});
