// The queue on the time-skipping test server, with the shipped service levels (kb/service-levels.json):
// a rush of fifty handoffs of every priority and tier against five agents of three slots, served in
// (priority, wait) order without any agent over capacity; a VIP the bot did not understand waits for
// a senior agent under the VIP's own SLAs; a slot offered to a conversation that ended while it
// waited goes on to the next at once; and a handoff outside business hours becomes a message left
// for the team, with the customer told when they will hear back.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { parseServiceLevels } from '../../config/serviceLevels';
import type { ServiceLevels } from '../../domain/serviceLevels';
import { agentReplyUpdate, resolveUpdate } from '../../workflows/conversationContract';
import { dispatcherWorkflowId, queueQuery } from '../../workflows/dispatcherContract';
import {
  agent,
  eventually,
  freshTimelineTest,
  World,
  type FakeAgent,
  type Story,
  type Timeline,
} from '../support/timeline';

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;

const shipped = parseServiceLevels(
  JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../kb/service-levels.json'), 'utf8')),
);

/** What customers say, who they are, and the priority that must come of it (policy.json). */
const kinds = {
  request: { text: '转人工', tier: 'normal', priority: 1 },
  vipRequest: { text: '转人工', tier: 'vip', priority: 2 },
  complaint: { text: '我要投诉，你们的产品太差了', tier: 'normal', priority: 2 },
  vipComplaint: { text: '我要投诉，你们的产品太差了', tier: 'vip', priority: 3 },
  highRisk: { text: '家里的插座冒烟了，有没有人管', tier: 'normal', priority: 4 },
} as const;
type Kind = keyof typeof kinds;

/** 49 mixed handoffs (21 requests, 14 complaints, 7 VIP requests, 7 VIP complaints), then a high risk. */
const rush: Kind[] = [
  ...Array.from(
    { length: 49 },
    (_, i) =>
      (['request', 'complaint', 'vipRequest', 'request', 'vipComplaint', 'complaint', 'request'] as const)[i % 7]!,
  ),
  'highRisk',
];

const seniors = ['senior1', 'senior2'];
const juniors = ['junior1', 'junior2', 'junior3'];

describe('the queue (time-skipping)', () => {
  let world: World;
  let timeline: Timeline;
  // Each test on a test server and world of its own, so that ending one test's conversations never
  // cancels timers of another's. The time-skipping server strands a run whose workflow task cancels
  // a timer that fired while the task was with the worker; in CI that happened in three of about
  // twenty runs, on servers shared and unshared (the test then waits for offers or a state that never
  // come), so a test that fails after the server did that runs once more on fresh ones (onFreshTimeline).
  const test = freshTimelineTest(
    () => new World(),
    (fresh, freshWorld) => {
      timeline = fresh;
      world = freshWorld;
    },
  );

  /** The agents on duty now; every slot free. */
  const roster = (...agents: FakeAgent[]) => {
    world.agents.clear();
    world.slots.clear();
    for (const a of agents) world.agents.set(a.agentId, a);
  };
  /** The dispatcher's queue, in order, of these conversations only (none before anyone has waited). */
  const queueOf = async (stories: Story[]) => {
    const ids = new Set(stories.map((s) => s.conversationId));
    const queue = await timeline.env.client.workflow
      .getHandle(dispatcherWorkflowId(world.taskQueue!))
      .query(queueQuery)
      .catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return { waiting: [] };
        throw err;
      });
    return queue.waiting.filter((w) => ids.has(w.conversationId));
  };
  const start = async (customer: string, tier: string, serviceLevels: ServiceLevels = shipped) => {
    world.customers.set(customer, { tier, tags: [] });
    return timeline.start(customer, { serviceLevels });
  };
  const heldBy = (agentId: string) => [...world.slots].filter(([, a]) => a === agentId).map(([c]) => c);

  test('50 handoffs against 5 agents of 3 slots: 15 served, 35 waiting in (priority, wait) order, drained in that order', async () => {
    roster(...seniors.map((id) => agent(id, { tier: 'senior' })), ...juniors.map((id) => agent(id)));
    const stories: Story[] = [];
    const kindOf = new Map<string, Kind>();
    const greeted = new Set<string>();
    // Agents greet what they get at once, as they do: the VIPs' 60 s first-response SLA never lapses here.
    const greetNewlyAssigned = async () => {
      for (const [conversationId, agentId] of world.slots) {
        if (greeted.has(conversationId)) continue;
        const story = stories.find((s) => s.conversationId === conversationId)!;
        await story.until('its agent', (s) => s.state === 'human' && s.agentId === agentId);
        await story.handle.executeUpdate(agentReplyUpdate, { args: [{ agentId, text: '您好，我来为您处理' }] });
        greeted.add(conversationId);
      }
    };

    const arriving = Date.now();
    for (const [i, kind] of rush.entries()) {
      const story = await start(`wmRush${String(i).padStart(2, '0')}`, kinds[kind].tier);
      stories.push(story);
      kindOf.set(story.conversationId, kind);
      await story.say(kinds[kind].text);
      // One at a time, so the order of arrival is the order of waiting.
      await story.until('handed off', (s) => s.state === 'queued' || s.state === 'human');
      await greetNewlyAssigned();
    }
    const waitingIds = (await eventually('35 waiting', async () => {
      const waiting = await queueOf(stories);
      return waiting.length === 35 && waiting.map((w) => w.conversationId);
    }))!;
    await greetNewlyAssigned();
    const arrivalSeconds = (Date.now() - arriving) / SECOND;

    // Every handoff got the priority its words and tier give it.
    for (const story of stories) {
      const { handoff } = await story.snapshot();
      assert.equal(handoff?.priority, kinds[kindOf.get(story.conversationId)!].priority, story.customer);
    }
    // Exactly 15 served, three per agent, VIPs by seniors only.
    const served = stories.filter((s) => world.slots.has(s.conversationId));
    assert.equal(served.length, 15);
    for (const id of [...seniors, ...juniors]) assert.equal(heldBy(id).length, 3, `${id} holds three`);
    for (const story of served) {
      const snapshot = await story.snapshot();
      assert.equal(snapshot.state, 'human');
      assert.equal(snapshot.agentId, world.slots.get(story.conversationId));
      if (kinds[kindOf.get(story.conversationId)!].tier === 'vip') assert.ok(seniors.includes(snapshot.agentId!));
    }
    // The other 35 wait by priority, then by arrival; the high-risk handoff that came last is first.
    const expected = stories
      .map((s, arrival) => ({ id: s.conversationId, priority: kinds[kindOf.get(s.conversationId)!].priority, arrival }))
      .filter(({ id }) => !world.slots.has(id))
      .sort((a, b) => b.priority - a.priority || a.arrival - b.arrival)
      .map(({ id }) => id);
    assert.deepEqual(waitingIds, expected);
    assert.equal(waitingIds[0], stories.at(-1)!.conversationId, 'the last, high-risk handoff waits first');
    // Each waiting customer's conversation knows its place (1 to 35, unless an earlier test left one ahead).
    for (const { conversationId, position } of await queueOf(stories)) {
      const story = stories.find((s) => s.conversationId === conversationId)!;
      await story.until(`place ${position}`, (s) => s.state === 'queued' && s.queuePlace?.position === position);
    }

    // Agents resolve one conversation at a time, each time one who may serve whoever waits first
    // (a senior when it is a VIP): every freed slot goes to the head of the queue.
    const draining = Date.now();
    const drained: string[] = [];
    const rotation = [...juniors, ...seniors];
    let turn = 0;
    for (let left = [...waitingIds]; left.length > 0; left = left.slice(1)) {
      const headIsVip = kinds[kindOf.get(left[0]!)!].tier === 'vip';
      while (headIsVip && !seniors.includes(rotation[turn % rotation.length]!)) turn++;
      const agentId = rotation[turn++ % rotation.length]!;
      const before = new Set(heldBy(agentId));
      const done = stories.find((s) => s.conversationId === [...before][0])!;
      await done.handle.executeUpdate(resolveUpdate, { args: [{ agentId }] });
      const next = (await eventually(`${agentId}'s freed slot given out`, () =>
        heldBy(agentId).find((id) => !before.has(id)),
      ))!;
      drained.push(next);
      assert.equal(next, left[0], `step ${drained.length}: the slot went to the head of the queue`);
      await greetNewlyAssigned();
      assert.deepEqual(
        (await queueOf(stories)).map((w) => w.conversationId),
        left.slice(1),
        'the rest keep their order',
      );
    }
    const drainSeconds = (Date.now() - draining) / SECOND;
    assert.deepEqual(drained, waitingIds, 'the queue drained in its order');

    // No agent ever held more than three: replay the conversations' own assignment and resolution events.
    const moves = world.events
      .filter((e) => e.type === 'assigned' || e.type === 'resolved' || e.type === 'requeued')
      .sort((a, b) => a.at - b.at || Number(a.type === 'assigned') - Number(b.type === 'assigned'));
    assert.equal(moves.filter((e) => e.type === 'assigned').length, 50, 'every conversation assigned once');
    assert.equal(moves.filter((e) => e.type === 'requeued').length, 0, 'none taken back from its agent');
    const holderOf = new Map<string, string>();
    const load = new Map<string, number>();
    let highest = 0;
    for (const e of moves) {
      if (e.type === 'assigned') {
        const agentId = e.data.agentId as string;
        holderOf.set(e.conversationId, agentId);
        load.set(agentId, (load.get(agentId) ?? 0) + 1);
        highest = Math.max(highest, load.get(agentId)!);
      } else {
        const agentId = holderOf.get(e.conversationId)!;
        load.set(agentId, load.get(agentId)! - 1);
      }
    }
    assert.equal(highest, 3, 'at most three conversations per agent at any time');

    const dispatcher = await timeline.env.client.workflow.getHandle(dispatcherWorkflowId(world.taskQueue!)).describe();
    process.stdout.write(
      `    (50 handoffs in ${arrivalSeconds.toFixed(1)} s, 35 drained in ${drainSeconds.toFixed(1)} s; ` +
        `dispatcher history ${dispatcher.historyLength} events)\n`,
    );
  });

  test('a VIP not understood once waits for a senior, not the free junior, under the VIP SLAs (60 s, not the default)', async () => {
    roster(agent('junior1'), agent('senior1', { tier: 'senior', capacity: 1 }));
    world.slots.set('another-vip', 'senior1'); // the senior is busy
    const unclear = '这个怎么搞';

    // A normal customer saying the same gets a question back; the VIP goes to a person at once.
    const normal = await start('wmUnclearNormal', 'normal');
    await normal.say(unclear);
    await eventually('the bot asks again', () => world.textsTo(normal.conversationId).length > 0);
    assert.equal((await normal.snapshot()).state, 'bot');
    assert.deepEqual(world.eventsOf('handoff', normal.conversationId), []);

    const vip = await start('wmUnclearVip', 'vip');
    await vip.say(unclear);
    const queued = await vip.until(
      'told its place, or served',
      (s) => s.state === 'human' || (s.state === 'queued' && s.queuePlace !== undefined),
    );
    assert.deepEqual([queued.state, queued.agentId], ['queued', undefined], 'the free junior does not get it');
    assert.equal(queued.handoff?.reason, 'vip');
    assert.deepEqual([queued.queuePlace?.position, queued.queuePlace?.noAgentOnline], [1, false]);
    assert.equal(world.slots.get(vip.conversationId), undefined, 'the free junior is not offered it');
    const queuedAt = queued.queuedAt!;
    assert.equal(queued.timersDue.queueWaitSla, queuedAt + 60 * SECOND, 'the VIP queue-wait SLA');

    // A minute later the wait is over the VIP SLA: one alert, and still no junior (the search widens
    // to any skill, never to agents the tier may not have).
    await timeline.env.sleep(61 * SECOND);
    const waits = world.eventsOf('sla_breach', vip.conversationId).filter((e) => e.data.kind === 'queue_wait');
    assert.equal(waits.length, 1);
    assert.ok(Math.abs(waits[0]!.at - (queuedAt + 60 * SECOND)) < 2 * SECOND, `alert ${waits[0]!.at - queuedAt} ms in`);
    assert.ok(world.alerts.some((a) => a.kind === 'queue_wait' && a.conversationId === vip.conversationId));
    assert.equal((await vip.snapshot()).state, 'queued');
    assert.equal(world.slots.get(vip.conversationId), undefined);

    // The senior frees up and gets it, with why; the first-response SLA is the VIP's minute.
    world.slots.delete('another-vip');
    await world.capacityChanged();
    const served = await vip.until('served', (s) => s.state === 'human');
    assert.equal(served.agentId, 'senior1');
    assert.ok(served.handoff?.assignedWhy?.includes('vip 客户由资深客服服务'), served.handoff?.assignedWhy?.join(' '));
    const assignedAt = served.assignedAt!;
    assert.equal(served.timersDue.firstResponseSla, assignedAt + 60 * SECOND, 'the VIP first-response SLA');

    await timeline.env.sleep(61 * SECOND);
    const lapses = world.eventsOf('sla_breach', vip.conversationId).filter((e) => e.data.kind === 'first_response');
    assert.equal(lapses.length, 1);
    assert.ok(
      Math.abs(lapses[0]!.at - (assignedAt + 60 * SECOND)) < 2 * SECOND,
      `alert ${lapses[0]!.at - assignedAt} ms in`,
    );
    assert.equal(lapses[0]!.data.agentId, 'senior1');
  });

  test('a slot offered to a conversation that ended without leaving the queue goes straight to the next in line', async () => {
    roster(agent('solo', { capacity: 1 }));
    const holder = await start('wmHolder', 'normal');
    await holder.say('转人工');
    await holder.until('served', (s) => s.state === 'human');
    const gone = await start('wmGone', 'normal');
    await gone.say('家里的插座冒烟了，有没有人管');
    await gone.until('queued', (s) => s.state === 'queued' && s.queuePlace !== undefined);
    const next = await start('wmNext', 'normal');
    await next.say('转人工');
    await next.until('queued behind', (s) => s.state === 'queued' && s.queuePlace !== undefined);
    // The first in line ends abnormally (cancelled from outside), still in the dispatcher's queue.
    await gone.handle.cancel();
    await eventually('cancelled', async () => (await gone.handle.describe()).status.name === 'CANCELLED');
    assert.deepEqual(
      (await queueOf([gone, next])).map((w) => w.conversationId),
      [gone.conversationId, next.conversationId],
    );

    await holder.handle.executeUpdate(resolveUpdate, { args: [{ agentId: 'solo' }] });
    // The clock does not jump here: a slot left unused until the dispatcher's next look (30 s) times out.
    const served = await next.until('served', (s) => s.state === 'human', 10_000);
    assert.equal(served.agentId, 'solo');
    assert.deepEqual(await queueOf([gone, next]), []);
  });

  test('a handoff outside business hours becomes a message left for the team; the customer hears when', async () => {
    roster(agent('junior1'), agent('senior1', { tier: 'senior' }));
    // Open every day from nine to six, but today (in Beijing) is a holiday.
    const now = (await timeline.env.currentTimeMs()) as number;
    const today = new Date(now + 8 * HOUR).toISOString().slice(0, 10);
    const midnight = Date.parse(`${today}T00:00:00+08:00`);
    const hours = ['09:00-18:00'];
    const levels = parseServiceLevels({
      tiers: shipped.tiers,
      businessHours: {
        default: {
          week: { '1': hours, '2': hours, '3': hours, '4': hours, '5': hours, '6': hours, '7': hours },
          holidays: [today],
        },
      },
    });

    for (const [customer, tier, priority, dueAt] of [
      // 48 business hours for a normal ticket: five nine-hour days from tomorrow, and three more.
      ['wmAfterHours', 'normal', 'normal', midnight + 6 * DAY + 12 * HOUR],
      // A VIP's normal ticket is due in 12 business hours: tomorrow, and three more the day after.
      ['wmAfterHoursVip', 'vip', 'normal', midnight + 2 * DAY + 12 * HOUR],
    ] as const) {
      const story = await start(customer, tier, levels);
      await story.say('转人工');
      const snapshot = await story.until('a ticket', (s) => s.state === 'ticket');
      const why = world.eventsOf('left_message', story.conversationId).map((e) => e.data.why);
      assert.deepEqual(why, ['outside_hours']);
      const ticket = world.tickets.find((t) => t.ticketNo === snapshot.ticketNo)!;
      assert.equal(ticket.priority, priority);
      assert.equal(ticket.dueAt, new Date(dueAt).toISOString(), `${customer}: due in business time`);
      assert.equal(snapshot.timersDue.ticketSla, dueAt);
      const told = world.textsTo(story.conversationId).at(-1)!;
      assert.ok(told.includes(snapshot.ticketNo!) && told.includes('明天 09:00'), told);
      assert.equal(world.eventsOf('assigned', story.conversationId).length, 0, 'nobody assigned');
      assert.deepEqual(await queueOf([story]), [], 'not queued');
    }
  });
});
