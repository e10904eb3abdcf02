// What reaches the conversation: messages from the kf inbox (deduplicated by msgid: WeCom delivers
// at least once), ticket status changes and revisions, agents becoming unavailable, routing news. Signal handlers
// only record; the phases take customer turns, and absorb() handles the rest in order: customer
// messages into the transcript, what servicers do in the WeCom client, session events.
import { setHandler } from '@temporalio/workflow';
import { sessionAfter } from '../../domain/wecomSession';
import { replies } from '../../domain/replies';
import {
  agentUnavailableSignal,
  inboundSignal,
  routingChangedSignal,
  snapshotQuery,
  ticketRevisedSignal,
  ticketUpdatedSignal,
  type InboundMessage,
} from '../conversationContract';
import { agentOfferedSignal, queuePlaceSignal } from '../dispatcherContract';
import type { Conversation } from './context';
import { firstResponseEvent } from './facts';
import { takenInWecom } from './assignment';
import { currentTrace } from '../traces';
import { versions } from './versions';

const SEEN_LIMIT = 500;

export function registerSignals(c: Conversation): void {
  const d = () => c.d;
  setHandler(inboundSignal, (messages) => {
    for (const message of messages) {
      if (d().seenMsgids.includes(message.msgid)) continue;
      d().seenMsgids.push(message.msgid);
      d().inbox.push(message);
      const trace = message.origin === 'customer' ? currentTrace() : undefined;
      if (trace) c.messageTraces.set(message, trace);
    }
    if (d().seenMsgids.length > SEEN_LIMIT) d().seenMsgids = d().seenMsgids.slice(-SEEN_LIMIT);
  });
  setHandler(ticketUpdatedSignal, (update) => {
    d().ticketUpdates.push(update);
  });
  setHandler(ticketRevisedSignal, (revision) => {
    if (!versions.ticketRevisions()) return;
    (d().ticketRevisions ??= []).push(revision);
  });
  setHandler(agentUnavailableSignal, ({ agentId }) => {
    if (!d().unavailableAgents.includes(agentId)) d().unavailableAgents.push(agentId);
  });
  setHandler(routingChangedSignal, () => {
    d().routingChanged = true;
  });
  setHandler(agentOfferedSignal, (offer) => {
    // Only a conversation still waiting takes the offer; otherwise the reserved slot goes back.
    if (d().phase === 'queued' && !d().closing && !d().offer) d().offer = offer;
    else d().staleOffers.push(offer.agent);
  });
  setHandler(queuePlaceSignal, (place) => {
    if (d().phase === 'queued') d().place = { ...place, news: true };
  });
  setHandler(snapshotQuery, () => c.state.snapshot());
}

export const hasCustomerInput = (c: Conversation) => c.d.inbox.some((m) => m.origin === 'customer');

/** A customer message: the reply window and budget start again, the transcript grows. */
export function noteCustomerMessage(c: Conversation, message: InboundMessage): void {
  const d = c.d;
  d.lastCustomerAt = message.sendTime * 1000;
  d.repliesSinceCustomer = 0;
  d.wecom = sessionAfter(d.wecom, { kind: 'customer_wrote' });
  if (d.human) d.human.lastActivityAt = c.now();
  c.state.record({
    msgid: message.msgid,
    at: message.sendTime * 1000,
    from: 'customer',
    text: message.text ?? `[${message.kind}]`,
  });
}

/**
 * Takes everything waiting in the inbox: customer messages are recorded and returned, the rest is
 * acted on here.
 */
export async function absorb(c: Conversation): Promise<InboundMessage[]> {
  const batch = c.d.inbox;
  c.d.inbox = [];
  const customer: InboundMessage[] = [];
  for (const message of batch) {
    if (message.origin === 'customer') {
      if (answeredBefore(c, message)) continue;
      noteCustomerMessage(c, message);
      customer.push(message);
    } else {
      await handleNonCustomer(c, message);
    }
  }
  return customer;
}

/**
 * WeCom delivers at least once: a message the session before this one already handled can come
 * again after the customer moved on, and would be answered here. That session names the last ones
 * it took; an older one was written well before it closed (the margin covers the difference between
 * WeCom's clock and ours: losing a new message would be worse than answering an old one twice).
 * A message that session handed on itself is this one's.
 */
const CLOCK_MARGIN_MS = 2 * 60_000;

function answeredBefore(c: Conversation, message: InboundMessage): boolean {
  const last = c.d.customer.lastSession;
  if (message.forwarded || !last) return false;
  return last.msgids?.includes(message.msgid) === true || message.sendTime * 1000 < last.closedAt - CLOCK_MARGIN_MS;
}

async function handleNonCustomer(c: Conversation, message: InboundMessage): Promise<void> {
  const d = c.d;
  if (message.origin === 'servicer') {
    // A servicer wrote from the WeCom client: the session is theirs, and it is the human reply.
    if (message.servicerUserId) {
      d.wecom = sessionAfter(d.wecom, { kind: 'servicer_wrote', servicer: message.servicerUserId });
      await takenInWecom(c, message.servicerUserId);
    }
    c.state.record({
      msgid: message.msgid,
      at: message.sendTime * 1000,
      from: 'agent',
      text: message.text ?? `[${message.kind}]`,
      ...(d.agent ? { agentId: d.agent.agentId } : {}),
    });
    if (d.human && d.human.agentRepliedAt === undefined) {
      d.human.agentRepliedAt = c.now();
      c.records.add(firstResponseEvent(c, d.agent?.agentId, d.human.assignedAt));
    }
    if (d.human) d.human.lastActivityAt = c.now();
    return;
  }
  const ev = message.event;
  if (!ev) return;
  if (ev.type === 'session_status_change') {
    d.wecom = sessionAfter(d.wecom, {
      kind: 'status_change',
      changeType: ev.changeType,
      newServicer: ev.newServicerUserId,
    });
    if (ev.changeType === 3) {
      d.endMsgCode = ev.msgCode;
      if (!c.state.closingOrClosed) d.closing = 'ended_in_wecom';
    } else if (ev.changeType === 2 && ev.newServicerUserId) {
      c.records.add({ type: 'transfer', toWecomUserId: ev.newServicerUserId });
      if (d.agent) d.agent = { ...d.agent, wecomUserId: ev.newServicerUserId };
    } else if ((ev.changeType === 1 || ev.changeType === 4) && ev.newServicerUserId) {
      await takenInWecom(c, ev.newServicerUserId, ev.msgCode);
    }
  } else if (ev.type === 'msg_send_fail') {
    c.records.add({ type: 'send_failed', msgid: ev.failMsgid, failType: ev.failType });
  } else if (ev.type === 'enter_session' && ev.welcomeCode && d.transcript.length === 0) {
    await c.out.say({ code: ev.welcomeCode, text: replies.welcome });
  }
}
