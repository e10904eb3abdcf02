// queued, as runs that started before the dispatcher (workflows/dispatcher.ts) wait, until they
// continue as new: each conversation asks routing for the best free agent. While nobody is free it waits:
// it asks again soon while agents are only busy, backs off while nobody who could serve it is
// online, and wakes at once when an agent comes online. The queue-wait SLA alerts (then once per
// interval), tells the customer, and widens the search. In wecom mode only the account's serving
// servicers can be routed to, and when none is free the session waits in WeCom's own pool too.
import { queueDeadline, queueWidened } from '../../../domain/sla';
import { apiMayMove } from '../../../domain/wecomSession';
import { replies } from '../../../domain/replies';
import { routing, wecom } from '../activities';
import { assign } from '../assignment';
import type { Conversation } from '../context';
import { absorb } from '../inbound';

/** How long a queued conversation trusts the list of serving servicers (wecom mode). */
const SERVICER_DIRECTORY_TTL_MS = 60_000;

export async function pollingQueuePhase(c: Conversation): Promise<void> {
  const d = c.d;
  const { conversationId, openKfId, humanMode } = c.state.id;
  d.queue ??= { queuedAt: c.now(), retryMs: c.settings.routingRetryMs };
  let servicers: { userIds?: string[]; at: number } | undefined;
  while (d.phase === 'queued' && !d.closing && d.queue) {
    // An agent asking for this conversation goes before routing's choice.
    if (c.continueAsNewDue() || !(await c.applyPending('queued'))) return;
    if (humanMode === 'wecom' && (!servicers || c.now() - servicers.at >= SERVICER_DIRECTORY_TTL_MS)) {
      servicers = { userIds: await wecom.listServingServicers({ openKfId }), at: c.now() };
    }
    d.routingChanged = false;
    const routed = await routing.routeConversation({
      conversationId,
      skill: d.skill,
      customerTier: d.customer.tier,
      priority: d.handoff?.priority ?? 1,
      previousAgentId: d.customer.lastAgentId,
      excludeAgentIds: d.excludedAgents,
      widen: queueWidened(d.queue, c.now(), c.settings),
      servicerUserIds: servicers?.userIds,
    });
    if ('agent' in routed) {
      if (await assign(c, routed.agent)) return;
      continue; // WeCom refused that servicer: excluded, route again
    }
    const { routingRetryMs, routingRetryMaxMs } = c.settings;
    d.queue.retryMs = routed.none === 'none_online' ? Math.min(d.queue.retryMs * 2, routingRetryMaxMs) : routingRetryMs;
    if (humanMode === 'wecom' && !d.queue.poolTried && apiMayMove(d.wecom.state, 2)) {
      d.queue.poolTried = true;
      await enterWecomPool(c);
    }

    const sla = queueDeadline(d.queue, c.settings);
    await c.wait('queued', Math.min(c.now() + d.queue.retryMs, sla.at), () => d.routingChanged || d.inbox.length > 0);
    if (d.inbox.length > 0) await absorb(c); // recorded for the agent; a servicer may take it from the pool
    if (c.interrupted('queued') || !d.queue) return;
    if (d.routingChanged) d.queue.retryMs = routingRetryMs;
    if (c.now() >= queueDeadline(d.queue, c.settings).at) await queueWaitBreached(c);
  }
}

async function queueWaitBreached(c: Conversation): Promise<void> {
  const queue = c.d.queue!;
  const first = queue.lastAlertAt === undefined;
  queue.lastAlertAt = c.now();
  queue.alerts = (queue.alerts ?? 0) + 1;
  const waited = Math.round((c.now() - queue.queuedAt) / 1000);
  await c.breach(
    'queue_wait',
    `等待人工已 ${waited} 秒（时限 ${Math.round(c.settings.queueWaitSlaMs / 1000)} 秒）`,
    !first,
  );
  if (first) await c.out.say({ text: replies.stillQueued, from: 'system' });
}

/** wecom mode: no routed servicer is free, so the session also waits in WeCom's pool (state 2). */
async function enterWecomPool(c: Conversation): Promise<void> {
  const { openKfId, externalUserId } = c.state.id;
  const moved = await wecom.setServiceState({ openKfId, externalUserId, state: 2 });
  if (!moved.ok) {
    c.records.add({ type: 'pool_refused', errcode: moved.errcode });
    return;
  }
  c.d.wecom = { state: 2 };
  c.records.add({ type: 'entered_wecom_pool' });
  if (moved.msgCode) await c.out.say({ code: moved.msgCode, text: replies.inWecomPool(c.settings.queueWaitSlaMs) });
}
