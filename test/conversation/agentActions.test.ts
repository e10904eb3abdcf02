// Agents' actions against the conversation in every state, including the races a careful read found:
// an action is recorded by its update and applied by the loop between steps, so it never lands in
// the middle of a bot turn or of another action; one that cannot be done is refused with a typed
// reason the api maps to HTTP, and leaves no loop behind.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  agentReplyUpdate,
  resolveUpdate,
  returnToBotUpdate,
  takeOverUpdate,
  transferUpdate,
} from '../../workflows/conversationContract';
import { confirmMenuId } from '../../domain/menus';
import { agent, eventually, gate, freshTimelineTest, World, type Story, type Timeline } from '../support/timeline';

const MINUTE = 60_000;

/** The refusal's type (ApplicationFailure) when an update is refused. */
async function refusal(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    assert.ok(error instanceof WorkflowUpdateFailedError, String(error));
    const cause = error.cause;
    assert.ok(cause instanceof ApplicationFailure, `a typed failure: ${String(cause)}`);
    return cause.type ?? undefined;
  }
}

describe('agent actions (time-skipping)', () => {
  let world: World;
  let timeline: Timeline;
  // Each test on a time-skipping server and world of its own (freshTimelineTest): the test server
  // strands a run whose workflow task cancels a timer that had just fired, and a test that fails
  // after that runs once more on fresh ones.
  const test = freshTimelineTest(
    () =>
      new World([
        agent('zhaoliu'),
        agent('lisi'),
        agent('away1', { status: 'away' }),
        // Supervisors are not routed to (no capacity of their own) but may take conversations over.
        agent('boss', { tier: 'supervisor', capacity: 0 }),
      ]),
    (fresh, freshWorld) => {
      timeline = fresh;
      world = freshWorld;
    },
  );

  const handoffs = (story: Story) => world.eventsOf('handoff', story.conversationId).length;

  test('a take-over while the bot is still thinking is applied as soon as the turn ends: never lost, one handoff', async () => {
    const story = await timeline.start('wmRace1');
    const thinking = gate();
    world.understandGate = thinking.promise;
    const before = world.understood;
    await story.say('运费怎么算');
    await eventually('the turn in flight', () => world.understood > before);
    const takeOver = story.handle.executeUpdate(takeOverUpdate, { args: [{ agentId: 'zhaoliu' }] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    world.understandGate = undefined;
    thinking.open();
    const snapshot = await takeOver;
    assert.equal(snapshot.state, 'human');
    assert.equal(snapshot.agentId, 'zhaoliu');
    assert.equal(handoffs(story), 1);
    // The "did that help?" the turn may have sent answers nothing once an agent has the conversation.
    await story.say('未解决', confirmMenuId('no', 1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await story.snapshot();
    assert.deepEqual([after.state, after.agentId], ['human', 'zhaoliu']);
    assert.equal(handoffs(story), 1);
  });

  test("a take-over during the customer's own handoff hands off once, to the agent who took it", async () => {
    const story = await timeline.start('wmRace2');
    const building = gate();
    world.cardGate = building.promise;
    await story.say('转人工');
    await eventually('the handoff card being written', () => world.understood > 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const takeOver = story.handle.executeUpdate(takeOverUpdate, { args: [{ agentId: 'lisi' }] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    world.cardGate = undefined;
    building.open();
    const snapshot = await takeOver;
    assert.equal(snapshot.agentId, 'lisi');
    assert.equal(handoffs(story), 1, 'one handoff');
    assert.equal(world.eventsOf('assigned', story.conversationId).length, 1, 'one assignment');
  });

  test('take-over or transfer to an agent who cannot take it is refused with the reason; no loop follows', async () => {
    const story = await timeline.start('wmRefuse');
    await story.say('转人工');
    const queuedOrServed = await story.until('handed off', (s) => s.state === 'queued' || s.state === 'human');
    if (queuedOrServed.state === 'human') {
      // Served at once: transfer is the action to try.
      const holder = queuedOrServed.agentId!;
      assert.equal(
        await refusal(story.handle.executeUpdate(transferUpdate, { args: [{ agentId: holder, toAgentId: 'away1' }] })),
        'agent_unavailable',
      );
      assert.equal(
        await refusal(story.handle.executeUpdate(transferUpdate, { args: [{ agentId: holder, toAgentId: 'nobody' }] })),
        'unknown_agent',
      );
      const after = await story.snapshot();
      assert.equal(after.agentId, holder, 'the conversation stays with its agent');
      assert.equal(world.slots.get(story.conversationId), holder, "and so does the agent's slot");
    }
    const other = await timeline.start('wmRefuse2');
    await other.say('你好');
    await other.until('answered', () => world.textsTo(other.conversationId).length > 0);
    assert.equal(
      await refusal(other.handle.executeUpdate(takeOverUpdate, { args: [{ agentId: 'away1' }] })),
      'agent_unavailable',
    );
    assert.equal(
      await refusal(other.handle.executeUpdate(takeOverUpdate, { args: [{ agentId: 'ghost' }] })),
      'unknown_agent',
    );
    const events = async () =>
      (await timeline.env.client.workflow.getHandle(other.conversationId).fetchHistory()).events?.length ?? 0;
    const before = await events();
    await timeline.env.sleep(5 * MINUTE);
    const grew = (await events()) - before;
    assert.ok(grew < 40, `the history grew by ${grew} events in 5 minutes`);
    assert.equal((await other.snapshot()).state, 'bot');
  });

  test("an agent cannot act on another's conversation; a supervisor takes it over with a reason", async () => {
    const story = await timeline.start('wmSupervisor');
    await story.say('转人工');
    const { agentId } = await story.until('an agent', (s) => s.state === 'human');
    const other = agentId === 'zhaoliu' ? 'lisi' : 'zhaoliu';
    assert.equal(
      await refusal(story.handle.executeUpdate(agentReplyUpdate, { args: [{ agentId: other, text: 'hi' }] })),
      'not_yours',
    );
    assert.equal(
      await refusal(story.handle.executeUpdate(takeOverUpdate, { args: [{ agentId: other }] })),
      'not_yours',
    );
    const taken = await story.handle.executeUpdate(takeOverUpdate, {
      args: [{ agentId: 'boss', actor: { userId: 'boss', role: 'supervisor' }, reason: '客户投诉升级' }],
    });
    assert.equal(taken.agentId, 'boss');
    const event = world.eventsOf('taken_over', story.conversationId)[0];
    assert.deepEqual(
      [event?.data.from, event?.data.to, (event?.data.by as { userId: string }).userId, event?.data.reason],
      [agentId, 'boss', 'boss', '客户投诉升级'],
    );
    assert.equal(world.slots.get(story.conversationId), 'boss');
  });

  test('back to the bot, then a resolve racing a reply: closed stays closed', async () => {
    const story = await timeline.start('wmClose');
    await story.say('转人工');
    const { agentId } = await story.until('an agent', (s) => s.state === 'human');
    const back = await story.handle.executeUpdate(returnToBotUpdate, { args: [{ agentId: agentId! }] });
    assert.equal(back.state, 'bot');
    assert.equal(world.slots.get(story.conversationId), undefined, 'the slot is free');

    await story.say('转人工');
    const again = await story.until('an agent again', (s) => s.state === 'human');
    const resolve = story.handle.executeUpdate(resolveUpdate, { args: [{ agentId: again.agentId! }] });
    const reply = refusal(
      story.handle.executeUpdate(agentReplyUpdate, { args: [{ agentId: again.agentId!, text: '还有别的吗' }] }),
    );
    assert.equal((await resolve).state, 'closed');
    assert.ok([undefined, 'closing', 'wrong_state'].includes(await reply));
    assert.equal((await story.snapshot()).state, 'closed');
    assert.equal(world.mirrors.filter((m) => m.conversationId === story.conversationId).at(-1)?.state, 'closed');
  });

  test('many actions across continue-as-new: every one completes, none deadlocks the hand-over', async () => {
    const { timelineSettings } = await import('../support/timeline');
    const story = await timeline.start('wmMany', { settings: timelineSettings({ continueAsNewAfterEvents: 60 }) });
    await story.say('转人工');
    const { agentId } = await story.until('an agent', (s) => s.state === 'human');
    const before = world.runIds.size;
    for (let i = 0; i < 20; i++) {
      const replies = await Promise.all(
        [0, 1].map((k) =>
          story.handle.executeUpdate(agentReplyUpdate, { args: [{ agentId: agentId!, text: `第${i}-${k}条` }] }),
        ),
      );
      assert.ok(replies.every((r) => typeof r.msgid === 'string'));
      if (i % 3 === 0) await story.say(`好的 ${i}`);
    }
    assert.ok(world.runIds.size > before, 'the conversation continued as new in between');
    assert.equal((await story.snapshot()).state, 'human');
  });
});
