// Who serves the conversation: into the queue, to an agent (in wecom mode by moving WeCom's session
// to their servicer account), back out of an agent's hands. Routing decides who (activities/routing
// over domain/routing); these functions keep the conversation, WeCom and the agents' slots in step.
import type { Actor } from '../../domain/conversationEvents';
import { replies } from '../../domain/replies';
import { apiMayMove } from '../../domain/wecomSession';
import { routing, wecom } from './activities';
import type { Conversation } from './context';
import { capacityFreed } from './dispatch';
import { writeHandoffCard } from './handoff';
import type { Agent } from './state';

/** Into the queue (from the bot or from an agent): the queue-wait clock starts now. */
export function enqueue(c: Conversation): void {
  c.d.queue = { queuedAt: c.now(), retryMs: c.settings.routingRetryMs };
  c.state.transition('queued');
}

/**
 * Gives the conversation to the agent, whose slot routing has reserved. False when WeCom refuses
 * their servicer account (wecom mode): the slot is released and they are not offered it again.
 * `taken`: a servicer already took the session in the WeCom client, so there is nothing to move.
 */
export async function assign(
  c: Conversation,
  agent: Agent,
  how: { taken?: { msgCode?: string }; by?: Actor; reason?: string; why?: string[] } = {},
): Promise<boolean> {
  const d = c.d;
  const { openKfId, externalUserId, conversationId, humanMode } = c.state.id;
  let msgCode = how.taken?.msgCode;
  if (humanMode === 'wecom' && !how.taken) {
    const moved =
      agent.wecomUserId && apiMayMove(d.wecom.state, 3)
        ? await wecom.setServiceState({ openKfId, externalUserId, state: 3, servicerUserId: agent.wecomUserId })
        : { ok: false, errcode: undefined, msgCode: undefined };
    if (!moved.ok) {
      c.records.add({ type: 'assign_failed', agentId: agent.agentId, errcode: moved.errcode });
      await routing.releaseAgent({ conversationId, agentId: agent.agentId });
      if (!d.excludedAgents.includes(agent.agentId)) d.excludedAgents.push(agent.agentId);
      await capacityFreed();
      return false;
    }
    d.wecom = { state: 3, servicer: agent.wecomUserId };
    msgCode = moved.msgCode;
  }
  const waited = d.queue ? c.now() - d.queue.queuedAt : 0;
  if (d.phase !== 'human') c.state.transition('human');
  d.agent = agent;
  d.human = { assignedAt: c.now(), lastActivityAt: c.now() };
  if (d.handoff) d.handoff.assignedWhy = how.why ?? (how.by ? [`${how.by.userId} 接手`] : undefined);
  d.mirrorDirty = true;
  c.state.upsertSearchAttributes();
  d.customer.lastAgentId = agent.agentId;
  d.customerUpdate = { ...d.customerUpdate, lastAgentId: agent.agentId };
  c.records.add(
    {
      type: 'assigned',
      agentId: agent.agentId,
      waitSeconds: Math.round(waited / 1000),
      by: how.by,
      reason: how.reason,
    },
    agent.agentId,
  );
  // Reaching a servicer hands out a msg_code for one notice; in console mode the notice is a
  // reply, and one that never takes the replies kept for the agent.
  if (msgCode) await c.out.say({ code: msgCode, text: replies.assigned(agent.name) });
  else if (humanMode === 'console') await c.out.say({ text: replies.assigned(agent.name), from: 'system' });
  return true;
}

/** The agent's slot back to routing. */
export async function releaseAgent(c: Conversation): Promise<void> {
  const agent = c.d.agent;
  if (!agent) return;
  await routing.releaseAgent({ conversationId: c.state.id.conversationId, agentId: agent.agentId });
  c.d.agent = undefined;
  await capacityFreed();
}

/** From an agent back to the queue: reassignment, transfer to a skill, the agent going offline. */
export async function requeue(
  c: Conversation,
  why: 'first_response_lapsed' | 'agent_unavailable' | 'transfer',
  by?: Actor,
): Promise<void> {
  const from = c.d.agent?.agentId ?? '';
  await releaseAgent(c);
  c.records.add({ type: 'requeued', from, why, by }, from);
  enqueue(c);
}

/** wecom mode: a servicer took the session in the WeCom client (from the pool, or by writing). */
export async function takenInWecom(c: Conversation, servicerUserId: string, msgCode?: string): Promise<void> {
  const d = c.d;
  if (c.state.closingOrClosed || d.phase === 'ticket') return;
  if (d.phase === 'human' && d.agent?.wecomUserId === servicerUserId) return;
  if (!d.handoff) await writeHandoffCard(c, 'agent_requested', c.policy.priority.default);
  c.records.add({ type: 'taken_in_wecom', servicerUserId });
  d.queue ??= { queuedAt: c.now(), retryMs: c.settings.routingRetryMs };
  const agent = await routing.claimForServicer({
    conversationId: c.state.id.conversationId,
    wecomUserId: servicerUserId,
  });
  if (d.agent && d.agent.agentId !== agent.agentId) await releaseAgent(c);
  await assign(c, agent, { taken: { msgCode } });
}
