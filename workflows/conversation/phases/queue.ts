// queued: the conversation waits in the dispatcher's queue (workflows/dispatcher.ts), which offers it
// the first free agent who may serve it, in priority order. No polling: it sleeps until an agent is
// offered, the customer writes, its place changes, or the queue-wait SLA falls due (an alert, then
// reminders at longer intervals, and the search widens). Meanwhile the customer is served: asked
// how long, they hear their place; a question the bot knows is answered; they may stop waiting, or
// leave a message when nobody is online. In wecom mode the session also waits in WeCom's own pool.
import { queueDeadline, queueWidened } from '../../../domain/sla';
import { apiMayMove } from '../../../domain/wecomSession';
import { replies } from '../../../domain/replies';
import { brain, wecom } from '../activities';
import { assign } from '../assignment';
import type { Conversation } from '../context';
import { joinQueue, stopWaiting } from '../dispatch';
import { absorb } from '../inbound';
import { leaveMessage } from '../leaveMessage';
import type { InboundMessage } from '../../conversationContract';
import { inTrace } from '../../traces';
import { versions } from '../versions';
import { pollingQueuePhase } from './queuePolling';

/** Tell the dispatcher again this often, in case it was reset and forgot the conversation. */
const REGISTER_AGAIN_MS = 10 * 60_000;

/** Menu ids of the "nobody is online" offer. */
export const QUEUE_MENU = { leaveMessage: 'queue_leave_message', keepWaiting: 'queue_keep_waiting' } as const;

export async function queuePhase(c: Conversation): Promise<void> {
  if (!versions.dispatcherQueue()) return pollingQueuePhase(c);
  const d = c.d;
  d.queue ??= { queuedAt: c.now(), retryMs: c.settings.routingRetryMs };
  while (d.phase === 'queued' && !d.closing && d.queue) {
    if (c.continueAsNewDue()) return;
    if (!(await c.applyPending('queued'))) return stopWaiting(c);
    if (d.offer) {
      const { agent, why } = d.offer;
      d.offer = undefined;
      if (await assign(c, agent, { why })) return;
      d.queue.registeredAt = undefined; // WeCom refused that servicer: wait again, without them
    }
    const widenNow = !d.queue.widened && queueWidened(d.queue, c.now(), c.sla);
    if (d.queue.registeredAt === undefined || c.now() - d.queue.registeredAt >= REGISTER_AGAIN_MS || widenNow) {
      await joinQueue(c);
    }
    const due = queueDeadline(d.queue, c.sla);
    await c.wait('queued', Math.min(due.at, d.queue.registeredAt! + REGISTER_AGAIN_MS), () =>
      Boolean(d.offer || d.inbox.length > 0 || d.place?.news),
    );
    if (c.interrupted('queued') || !d.queue) return stopWaiting(c);
    if (d.inbox.length > 0) await serveWhileWaiting(c);
    if (d.phase !== 'queued' || d.closing || !d.queue) return;
    if (d.place?.news) await placeChanged(c);
    if (d.phase === 'queued' && d.queue && c.now() >= queueDeadline(d.queue, c.sla).at) await queueWaitBreached(c);
  }
}

/** The customer hears their place when first known and again when it grows; the truth when nobody is online. */
async function placeChanged(c: Conversation, asked = false): Promise<void> {
  const d = c.d;
  const queue = d.queue!;
  const place = d.place;
  if (!place) return;
  place.news = false;
  const { humanMode } = c.state.id;
  // wecom mode: nobody routed is free, so the session waits in WeCom's pool too, where any servicer may take it.
  if (humanMode === 'wecom' && !queue.poolTried && apiMayMove(d.wecom.state, 2)) {
    queue.poolTried = true;
    await enterWecomPool(c);
    return;
  }
  if (place.noAgentOnline) {
    if (queue.toldNoAgent && !asked) return;
    queue.toldNoAgent = true;
    await c.out.say({
      menu: {
        head: replies.noAgentOnline,
        items: [
          { id: QUEUE_MENU.leaveMessage, content: replies.leaveMessage },
          { id: QUEUE_MENU.keepWaiting, content: replies.keepWaiting },
        ],
      },
      from: 'system',
    });
    return;
  }
  const ahead = place.position - 1;
  if (!asked && queue.toldPosition !== undefined && place.position <= queue.toldPosition) return;
  if (!asked && ahead === 0 && queue.toldPosition === undefined) return; // next in line: no news worth a reply
  queue.toldPosition = place.position;
  c.records.add({
    type: 'queue_position',
    position: place.position,
    expectedWaitMs: place.expectedWaitMs,
    noAgentOnline: false,
  });
  await c.out.say({ text: replies.queuePosition(ahead, place.expectedWaitMs), from: 'system' });
}

/**
 * A waiting customer's messages, as one turn: a click on the "nobody is online" menu, giving up on
 * the wait, asking how long, a question the bot can answer, or a sign it has become urgent.
 */
async function serveWhileWaiting(c: Conversation): Promise<void> {
  const said = await absorb(c);
  if (said.length === 0 || c.d.phase !== 'queued') return;
  await inTrace(c.traceOf(said), () => answerWhileWaiting(c, said));
}

async function answerWhileWaiting(c: Conversation, said: InboundMessage[]): Promise<void> {
  const d = c.d;
  const clicks = said.map((m) => m.menuId).filter(Boolean);
  if (clicks.includes(QUEUE_MENU.leaveMessage)) return leaveMessage(c, 'customer_chose');
  if (clicks.includes(QUEUE_MENU.keepWaiting)) {
    await c.out.say({ text: replies.keptWaiting, from: 'system' });
    return;
  }
  const text = said
    .map((m) => m.text ?? '')
    .filter(Boolean)
    .join('\n');
  if (!text.trim()) return;
  const understood = await brain
    .understand({ text, recentCustomerTurns: d.memory.recentCustomerTurns })
    .catch(() => undefined);
  if (!understood || d.phase !== 'queued') return;
  if (understood.queueIntent === 'cancel') {
    await stopWaiting(c);
    c.records.add({ type: 'wait_cancelled' });
    c.state.transition('bot');
    d.botSince = c.now();
    await c.out.say({ text: replies.waitCancelled, from: 'system' });
    return;
  }
  if (understood.queueIntent === 'wait_time' && d.place) return placeChanged(c, true);
  if ((understood.risk.high || understood.sentiment.negative) && d.handoff) {
    const priority = understood.risk.high ? c.policy.priority.high_risk : c.policy.priority.negative_sentiment;
    if (priority > d.handoff.priority) {
      d.handoff.priority = priority;
      c.records.add({
        type: 'priority_raised',
        priority,
        why: understood.risk.high ? 'high_risk' : 'negative_sentiment',
      });
      c.state.upsertSearchAttributes();
      d.mirrorDirty = true;
      await joinQueue(c);
      if (understood.risk.high) await c.alertGroupOfRisk();
    }
    return;
  }
  const top = understood.candidates[0];
  if (top && !understood.gibberish && top.confidence >= c.policy.answerConfidence) {
    c.records.add({
      type: 'bot_answer',
      kbEntryId: top.entryId,
      confidence: top.confidence,
      nextBest: false,
      whileQueued: true,
    });
    await c.out.say({ text: `${top.answer}\n${replies.answerWhileQueued}`, from: 'bot', kbEntryId: top.entryId });
  }
}

async function queueWaitBreached(c: Conversation): Promise<void> {
  const queue = c.d.queue!;
  const first = queue.lastAlertAt === undefined;
  queue.lastAlertAt = c.now();
  queue.alerts = (queue.alerts ?? 0) + 1;
  const waited = Math.round((c.now() - queue.queuedAt) / 1000);
  await c.breach('queue_wait', `等待人工已 ${waited} 秒（时限 ${Math.round(c.sla.queueWaitSlaMs / 1000)} 秒）`, !first);
  // Told the truth already (nobody online, or their place): no "many customers" filler on top.
  if (first && queue.toldPosition === undefined && !queue.toldNoAgent) {
    await c.out.say({ text: replies.stillQueued, from: 'system' });
  }
}

/** wecom mode: the session also waits in WeCom's pool (state 2). */
async function enterWecomPool(c: Conversation): Promise<void> {
  const { openKfId, externalUserId } = c.state.id;
  const moved = await wecom.setServiceState({ openKfId, externalUserId, state: 2 });
  if (!moved.ok) {
    c.records.add({ type: 'pool_refused', errcode: moved.errcode });
    return;
  }
  c.d.wecom = { state: 2 };
  c.records.add({ type: 'entered_wecom_pool' });
  if (moved.msgCode) await c.out.say({ code: moved.msgCode, text: replies.inWecomPool(c.sla.queueWaitSlaMs) });
}
