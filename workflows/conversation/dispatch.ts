// The conversation's side of the queue: it tells the dispatcher it waits (with everything routing
// needs to choose for it), that it stopped waiting, and that it freed an agent's slot; and it gives
// back slots the dispatcher offered after it stopped waiting. Signals to the dispatcher are commands
// of this workflow; joining goes through an activity, which starts the dispatcher when none runs.
import { getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
import { complexityOf } from '../../domain/complexity';
import { levelOf } from '../../domain/serviceLevels';
import { queueWidened } from '../../domain/sla';
import type { Waiting } from '../../domain/queue';
import { capacityChangedSignal, dispatcherWorkflowId, stopWaitingSignal } from '../dispatcherContract';
import { routing, wecom } from './activities';
import type { Conversation } from './context';
import { versions } from './versions';

const dispatcherHandle = () => getExternalWorkflowHandle(dispatcherWorkflowId(workflowInfo().taskQueue));

/** What the dispatcher needs to place and route this conversation. */
async function waiting(c: Conversation): Promise<Waiting> {
  const d = c.d;
  const { conversationId, openKfId, humanMode } = c.state.id;
  const level = levelOf(c.state.id.levels, d.customer.tier);
  const servicerUserIds = humanMode === 'wecom' ? await wecom.listServingServicers({ openKfId }) : undefined;
  return {
    conversationId,
    openKfId,
    priority: d.handoff?.priority ?? 1,
    enqueuedAt: d.queue!.queuedAt,
    request: {
      skill: d.skill,
      preferredSkill: d.skillHint,
      customerTier: d.customer.tier,
      priority: d.handoff?.priority ?? 1,
      previousAgentId: d.customer.lastAgentId,
      excludeAgentIds: d.excludedAgents,
      widen: d.queue!.widened ?? false,
      servicerUserIds,
      servedBy: level.servedBy,
      complexity: d.handoff?.complexity?.score,
    },
  };
}

/** Into the dispatcher's queue (again, after a while or when the search widens). */
export async function joinQueue(c: Conversation): Promise<void> {
  const queue = c.d.queue!;
  queue.widened = queueWidened(queue, c.now(), c.sla);
  await routing.joinQueue(await waiting(c));
  queue.registeredAt = c.now();
}

export async function stopWaiting(c: Conversation): Promise<void> {
  if (!versions.dispatcherQueue()) return;
  await dispatcherHandle()
    .signal(stopWaitingSignal, { conversationId: c.state.id.conversationId })
    .catch(() => undefined); // no dispatcher: nothing to leave
}

/** A slot was freed: the dispatcher offers it to whoever waits. */
export async function capacityFreed(): Promise<void> {
  if (!versions.dispatcherQueue()) return; // runs from before the dispatcher poll routing instead
  await dispatcherHandle()
    .signal(capacityChangedSignal)
    .catch(() => undefined);
}

/** Offers that arrived after the conversation stopped waiting: their slots go back. */
export async function returnStaleOffers(c: Conversation): Promise<void> {
  const { conversationId } = c.state.id;
  while (c.d.staleOffers.length > 0) {
    const agent = c.d.staleOffers.shift()!;
    if (c.d.agent?.agentId === agent.agentId) continue; // it became this conversation's agent after all
    await routing.releaseAgent({ conversationId, agentId: agent.agentId });
    await capacityFreed();
  }
}

/** The handoff's complexity, from what is known now. */
export function complexityNow(c: Conversation, reason: Parameters<typeof complexityOf>[0]['reason']) {
  const d = c.d;
  return complexityOf({
    reason,
    rejections: d.memory.rejections,
    earlierHandoffs: d.customer.lastSession?.handoffReason ? 1 : 0,
    skill: d.skill,
  });
}
