// The queue: one dispatcher per task queue holds every conversation waiting for a person. Whenever
// capacity may have changed (a slot released, an agent online) or a conversation starts waiting, it
// offers the free agents to the waiting conversations in queue order (priority, then the longest
// wait, priority ageing so nobody starves: domain/queue.ts), reserving each slot atomically first,
// and tells every waiting conversation its place. A single workflow serialises the queue, so it is
// correct with any number of api and worker processes; conversations re-register now and then, so
// even a dispatcher that was reset forgets nobody.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { RoutingActivities } from '../activities/routing';
import { effectivePriority, expectedWaitMs, matchQueue, queueOrder, type Waiting } from '../domain/queue';
import { rankAgents, type RoutingCandidate } from '../domain/routing';
import {
  agentOfferedSignal,
  capacityChangedSignal,
  queuePlaceSignal,
  queueQuery,
  stopWaitingSignal,
  waitForAgentSignal,
} from './dispatcherContract';

export interface DispatcherInput {
  waiting?: Waiting[];
  recentAssignments?: number[];
}

const routing = proxyActivities<RoutingActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Even with no news, look again this often while someone waits (an agent's status set in the database). */
const SAFETY_MS = 30_000;
const ROUNDS_PER_RUN = 300;

// The workflow sandbox's Date.now() is the deterministic workflow clock.
const now = () => Date.now(); // eslint-disable-line no-restricted-syntax

export async function dispatcher(input: DispatcherInput = {}): Promise<void> {
  const waiting = new Map((input.waiting ?? []).map((w) => [w.conversationId, w]));
  let recent = input.recentAssignments ?? [];
  /** The place each conversation was last told, so it is told only when it changes. */
  const told = new Map<string, string>();
  let dirty = true;

  setHandler(waitForAgentSignal, (w) => {
    waiting.set(w.conversationId, { ...w, enqueuedAt: waiting.get(w.conversationId)?.enqueuedAt ?? w.enqueuedAt });
    told.delete(w.conversationId);
    dirty = true;
  });
  setHandler(stopWaitingSignal, ({ conversationId }) => {
    waiting.delete(conversationId);
    told.delete(conversationId);
    dirty = true;
  });
  setHandler(capacityChangedSignal, () => {
    dirty = true;
  });
  setHandler(queueQuery, () => ({
    waiting: queueOrder([...waiting.values()], now()).map((w, i) => ({
      conversationId: w.conversationId,
      openKfId: w.openKfId,
      priority: w.priority,
      enqueuedAt: w.enqueuedAt,
      position: i + 1,
      effectivePriority: effectivePriority(w, now()),
      customerTier: w.request.customerTier,
      skill: w.request.skill,
    })),
    recentAssignments: recent.filter((at) => at > now() - 30 * 60_000).length,
  }));

  for (let round = 0; round < ROUNDS_PER_RUN && !workflowInfo().continueAsNewSuggested; round++) {
    if (waiting.size > 0) await condition(() => dirty, SAFETY_MS);
    else await condition(() => dirty);
    dirty = false;
    if (waiting.size === 0) continue;
    const agents = await routing.freeAgents();
    for (const match of matchQueue([...waiting.values()], agents, now())) {
      const w = waiting.get(match.conversationId);
      if (!w) continue; // it stopped waiting meanwhile
      const reserved = await routing.reserveAgent({
        conversationId: w.conversationId,
        agentId: match.agentId,
        servicerUserIds: w.request.servicerUserIds,
      });
      if ('refused' in reserved) {
        dirty = true; // someone else took that slot first: look again
        continue;
      }
      waiting.delete(w.conversationId);
      told.delete(w.conversationId);
      recent = [...recent.filter((at) => at > now() - 30 * 60_000), now()];
      const offered = await offer(w.conversationId, reserved.agent, match.why);
      if (!offered) await routing.releaseAgent({ conversationId: w.conversationId, agentId: reserved.agent.agentId });
    }
    await tellPlaces(waiting, told, recent, agents);
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof dispatcher>({ waiting: [...waiting.values()], recentAssignments: recent });
}

async function offer(
  conversationId: string,
  agent: { agentId: string; name: string; wecomUserId?: string },
  why: string[],
) {
  try {
    await getExternalWorkflowHandle(conversationId).signal(agentOfferedSignal, { agent, why });
    return true;
  } catch {
    return false; // the conversation has ended: the slot goes back
  }
}

/** Each waiting conversation hears its place when it changes (and whether anyone could serve it). */
async function tellPlaces(
  waiting: Map<string, Waiting>,
  told: Map<string, string>,
  recent: number[],
  online: RoutingCandidate[],
): Promise<void> {
  const order = queueOrder([...waiting.values()], now());
  const atFullCapacity = online.map((a) => ({ ...a, freeSlots: a.capacity }));
  for (const [i, w] of order.entries()) {
    const place = {
      position: i + 1,
      total: order.length,
      expectedWaitMs: expectedWaitMs(i + 1, recent, now()),
      noAgentOnline: rankAgents(atFullCapacity, w.request).length === 0,
    };
    const key = `${place.position}:${place.noAgentOnline}`;
    if (told.get(w.conversationId) === key) continue;
    told.set(w.conversationId, key);
    try {
      await getExternalWorkflowHandle(w.conversationId).signal(queuePlaceSignal, place);
    } catch {
      waiting.delete(w.conversationId); // it has ended without saying so
    }
  }
}
