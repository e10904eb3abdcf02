// The conversation over real timelines, on the time-skipping test server with the product's real
// timers (minutes and hours): a handoff at 19:00 that waits all night for an agent, reassignments
// that end in an escalation instead of a ping-pong, a ticket open for a week with its due alerts by
// priority, and state carried across continue-as-new.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { ticketUpdatedSignal } from '../../workflows/conversationContract';
import { agent, freshTimelineTest, timelineSettings, World, type Timeline } from '../support/timeline';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Gaps between consecutive events of a kind (workflow time). */
const gaps = (ats: number[]) => ats.slice(1).map((at, i) => at - ats[i]!);

describe('conversation timelines (time-skipping)', () => {
  let world: World;
  let timeline: Timeline;
  // Each test on a time-skipping server and world of its own (freshTimelineTest): the test server
  // strands a run whose workflow task cancels a timer that had just fired, and a test that fails
  // after that runs once more on fresh ones.
  const test = freshTimelineTest(
    () =>
      new World([
        agent('zhaoliu', { status: 'offline' }),
        agent('a1', { status: 'offline' }),
        agent('a2', { status: 'offline' }),
        agent('a3', { status: 'offline' }),
        agent('a4', { status: 'offline' }),
      ]),
    (fresh, freshWorld) => {
      timeline = fresh;
      world = freshWorld;
    },
  );

  const onlineOnly = (...ids: string[]) => {
    for (const a of world.agents.values()) a.status = ids.includes(a.agentId) ? 'online' : 'offline';
  };

  test('queued 14 hours with no agent: every run stays small, it still says queued, the first agent online gets it', async () => {
    onlineOnly();
    const story = await timeline.start('wmNight');
    await story.say('转人工');
    await story.until('queued', (s) => s.state === 'queued');

    const started = Date.now();
    await timeline.env.sleep(14 * HOUR);
    const wallSeconds = (Date.now() - started) / 1000;

    assert.equal((await story.snapshot()).state, 'queued');
    const handle = timeline.env.client.workflow.getHandle(story.conversationId);
    assert.equal((await handle.describe()).searchAttributes.CsState?.[0], 'queued');
    assert.equal(world.mirrors.filter((m) => m.conversationId === story.conversationId).at(-1)?.state, 'queued');
    const lengths = await story.historyLengths();
    assert.ok(lengths.length >= 1);
    assert.ok(Math.max(...lengths) < 10_000, `each run under 10,000 events: ${lengths.join(', ')}`);
    // Supervisors are reminded, never flooded: no two queue-wait alerts within the SLA interval.
    const alerts = world.eventsOf('sla_breach', story.conversationId).map((e) => e.at);
    assert.ok(alerts.length >= 3, `${alerts.length} alerts`);
    assert.ok(Math.min(...gaps(alerts)) >= 2 * MINUTE, `alert gaps ${gaps(alerts).join(', ')}`);

    onlineOnly('zhaoliu');
    await world.capacityChanged();
    const served = await story.until('an agent', (s) => s.state === 'human');
    assert.equal(served.agentId, 'zhaoliu');
    process.stdout.write(
      `    (14 h simulated in ${wallSeconds.toFixed(1)} s; ${alerts.length} alerts; runs of ${lengths.join(', ')} events)\n`,
    );
  });

  test('three reassignments, then a fourth silent agent: never back to one who lapsed, then one alert per SLA interval', async () => {
    onlineOnly('a1', 'a2', 'a3', 'a4');
    const story = await timeline.start('wmSilent');
    await story.say('我要人工客服');
    const first = await story.until('an agent', (s) => s.state === 'human');
    const holders = [first.agentId!];
    for (let i = 0; i < 3; i++) {
      await timeline.env.sleep(3 * MINUTE + 1000);
      const next = await story.until('the next agent', (s) => s.state === 'human' && !holders.includes(s.agentId!));
      holders.push(next.agentId!);
    }
    assert.deepEqual([...holders].sort(), ['a1', 'a2', 'a3', 'a4'], 'each agent once');

    await timeline.env.sleep(30 * MINUTE);
    const snapshot = await story.snapshot();
    assert.equal(snapshot.state, 'human');
    assert.equal(snapshot.agentId, holders[3], 'after the last reassignment it stays with the fourth agent');
    assert.equal(snapshot.escalated, true);
    assert.deepEqual(snapshot.lapsedAgents, holders.slice(0, 3));
    const alerts = world
      .eventsOf('sla_breach', story.conversationId)
      .filter((e) => e.data.kind === 'first_response')
      .map((e) => e.at);
    // The fourth agent's: at the SLA, then reminders at doubling intervals, never two within one SLA.
    const afterEscalation = alerts.slice(3);
    assert.ok(afterEscalation.length >= 3, `${afterEscalation.length} alerts in 30 min`);
    assert.ok(Math.min(...gaps(afterEscalation)) >= 3 * MINUTE, `gaps ${gaps(afterEscalation).join(', ')}`);
    assert.equal(world.eventsOf('escalated', story.conversationId).length, 1);
  });

  test('an agent reply after reassignments still reaches the customer: notices never take the replies kept for people', async () => {
    onlineOnly('a1', 'a2', 'a3');
    const story = await timeline.start('wmBudget');
    await story.say('转人工');
    await story.until('an agent', (s) => s.state === 'human');
    for (let i = 0; i < 2; i++) {
      const holder = (await story.snapshot()).agentId;
      await timeline.env.sleep(3 * MINUTE + 1000);
      await story.until('reassigned', (s) => s.state === 'human' && s.agentId !== holder);
    }
    const { agentId } = await story.snapshot();
    const handle = timeline.env.client.workflow.getHandle(story.conversationId);
    const { agentReplyUpdate } = await import('../../workflows/conversationContract');
    const reply = await handle.executeUpdate(agentReplyUpdate, {
      args: [{ agentId: agentId!, text: '您好，我来处理' }],
    });
    assert.equal(reply.sent, true, 'the agent is heard');
    const sent = world.sent.filter((s) => s.conversationId === story.conversationId && s.outcome === 'sent');
    assert.ok(sent.length <= 5, `at most five replies to one customer message: ${sent.map((s) => s.text).join(' | ')}`);
  });

  test('a ticket open for a week: due alerts by its own priority, carried across runs, and closed by its resolution', async () => {
    onlineOnly('a1');
    const { agentReplyUpdate, createTicketUpdate } = await import('../../workflows/conversationContract');
    for (const [customer, priority, hours] of [
      ['wmTicketUrgent', 'urgent', 4],
      ['wmTicketLow', 'low', 72],
    ] as const) {
      const story = await timeline.start(customer, { settings: timelineSettings({ continueAsNewAfterEvents: 200 }) });
      await story.say('转人工');
      const { agentId } = await story.until('an agent', (s) => s.state === 'human');
      const handle = timeline.env.client.workflow.getHandle(story.conversationId);
      await handle.executeUpdate(agentReplyUpdate, { args: [{ agentId: agentId!, text: '稍等，我建个工单' }] });
      const { ticketNo } = await handle.executeUpdate(createTicketUpdate, {
        args: [{ agentId: agentId!, title: '门锁无法开启', priority }],
      });
      const created = (await timeline.env.currentTimeMs()) as number;
      await timeline.env.sleep(7 * 24 * HOUR);
      const due = world
        .eventsOf('sla_breach', story.conversationId)
        .filter((e) => e.data.kind === 'ticket_due')
        .map((e) => e.at);
      const expected = Math.floor((7 * 24) / hours);
      assert.ok(Math.abs(due.length - expected) <= 1, `${priority}: ${due.length} due alerts, expected ≈ ${expected}`);
      assert.ok(Math.abs(due[0]! - created - hours * HOUR) < MINUTE, `${priority}: first alert at the due time`);
      assert.ok(
        gaps(due).every((g) => Math.abs(g - hours * HOUR) < MINUTE),
        `${priority}: one per ${hours} h`,
      );
      assert.equal((await story.snapshot()).state, 'ticket');

      await handle.signal(ticketUpdatedSignal, { ticketNo, status: 'resolved', note: '已更换' });
      const closed = await story.until('closed', (s) => s.state === 'closed');
      assert.equal(closed.closedReason, 'ticket_closed');
      if (priority === 'urgent') assert.ok(world.runIds.size > 1, 'the week-long ticket continued as new');
    }
  });
});
