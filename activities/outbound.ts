// The conversation's one write path: what it says to the customer (kf/send_msg and
// send_msg_on_event, in order, each with its deterministic msgid) and what it records (the outbound
// transcript, its events, its mirror), in one activity per turn. Idempotent: a retry re-sends with
// the same msgids (WeCom refuses the duplicate, which counts as sent) and appends nothing twice.
import { Context } from '@temporalio/activity';
import { ConversationModel } from '../db/models/conversation';
import { EventModel } from '../db/models/event';
import { MessageModel } from '../db/models/message';
import { insertOnce } from '../db/insertOnce';
import type { KfApi, MenuItem } from './kfApi';
import { countEvents } from './kpi';
import { queueForReview } from './reviewQueue';
import { keepSessionContext, type SessionContextUpdate } from './sessionContexts';
import { observeEvent } from './metrics';
import { writeTicketNotices } from './ticketNotices';
import { isDuplicateSend, readWecomError } from './wecomOutcome';

export interface OutboundMessage {
  msgid: string;
  from: 'bot' | 'agent' | 'system';
  /** text or menu through send_msg; `code` through send_msg_on_event (welcome, pool, end codes). */
  text?: string;
  menu?: { head: string; items: MenuItem[]; tail?: string };
  code?: string;
  agentId?: string;
  kbEntryId?: string;
  /** A bot answer: the customer's question it answers (agents' marks and the review queue show it). */
  question?: string;
}

export type SendOutcome = { status: 'sent' | 'duplicate' | 'skipped' } | { status: 'refused'; errcode: number };

export interface EventRecord {
  eventId: string;
  type: string;
  at: number;
  agentId?: string;
  skill?: string;
  data: Record<string, unknown>;
}

/** The conversation mirror the lists read: one document per conversation, newest revision wins. */
export interface MirrorRecord {
  conversationId: string;
  openKfId: string;
  externalUserId: string;
  session: number;
  state: string;
  humanMode: string;
  agentId?: string;
  handoffReason?: string;
  handoffSummary?: string;
  priority?: number;
  skill?: string;
  customerTier: string;
  nickname?: string;
  ticketNo?: string;
  csat?: string;
  closedReason?: string;
  startedAt: number;
  queuedAt?: number;
  assignedAt?: number;
  at: number;
  revision: number;
}

/** What a closed session leaves for the customer's next one (a message right after close). */
export interface SessionContext {
  conversationId: string;
  closedAt: number;
  closedReason: string;
  recentCustomerTurns: string[];
  lastAnsweredEntryId?: string;
  handoffReason?: string;
  agentId?: string;
  csat?: string;
  servedBy?: string;
  skill?: string;
  topic?: string;
  answered?: boolean;
  abandoned?: boolean;
  /** The customer messages it took (the last few): WeCom delivering one of them again opens nothing. */
  msgids?: string[];
}

export interface DeliverRequest {
  conversationId: string;
  openKfId: string;
  externalUserId: string;
  messages: OutboundMessage[];
  events: EventRecord[];
  mirror?: MirrorRecord;
  /** What this conversation leaves for the customer's next one (kept in its own document). */
  customer?: SessionContextUpdate;
  /**
   * This delivery carries the conversation's first bot reply: when a bot message of it reaches the
   * customer, its `bot_first_response` event (the id the workflow gave it, timed from the
   * conversation's start to the send) is written with the others, instead of by a record of its own.
   */
  firstBotReply?: FirstBotReply;
}

export interface FirstBotReply {
  eventId: string;
  /** When the conversation started (epoch ms). */
  startedAt: number;
  skill?: string;
}

/** The `bot_first_response` event of a delivery whose bot message was sent at `sentAt`. */
export function firstBotResponseEvent(reply: FirstBotReply, sentAt: number): EventRecord {
  return {
    eventId: reply.eventId,
    type: 'bot_first_response',
    at: sentAt,
    ...(reply.skill ? { skill: reply.skill } : {}),
    data: { ms: Math.max(0, sentAt - reply.startedAt) },
  };
}

export interface OutboundDeps {
  kf: KfApi;
  /** Raised when WeCom says the deployment is wrong (bad secret, untrusted IP, unknown account…). */
  alert(req: { alertId: string; kind: string; message: string; conversationId?: string }): Promise<void>;
}

/** Heartbeats when running as an activity (a lost worker is noticed within the heartbeat timeout). */
function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // called outside an activity (tests): nothing to report to
  }
}

export function createOutboundActivities(deps: OutboundDeps) {
  async function send(to: DeliverRequest, message: OutboundMessage): Promise<SendOutcome> {
    try {
      if (message.code) {
        await deps.kf.sendOnEvent({
          code: message.code,
          msgid: message.msgid,
          content: message.text,
          menu: message.menu ? { head_content: message.menu.head, items: message.menu.items } : undefined,
        });
      } else if (message.menu) {
        await deps.kf.sendMenu({
          touser: to.externalUserId,
          open_kfid: to.openKfId,
          msgid: message.msgid,
          head_content: message.menu.head,
          items: message.menu.items,
          tail_content: message.menu.tail,
        });
      } else {
        await deps.kf.sendText({
          touser: to.externalUserId,
          open_kfid: to.openKfId,
          msgid: message.msgid,
          content: message.text ?? '',
        });
      }
      return { status: 'sent' };
    } catch (error) {
      if (isDuplicateSend(error)) return { status: 'duplicate' };
      const reading = readWecomError(error);
      if (reading.kind === 'refused') return { status: 'refused', errcode: reading.errcode };
      if (reading.kind === 'deployment') await alertDeployment(reading.errcode, to.conversationId, error);
      throw error;
    }
  }

  async function alertDeployment(errcode: number, conversationId: string, error: unknown): Promise<void> {
    const hour = new Date().toISOString().slice(0, 13);
    await deps
      .alert({
        alertId: `wecom:${errcode}:${hour}`,
        kind: 'wecom_error',
        conversationId,
        message: `WeCom 拒绝了请求（errcode ${errcode}）：${(error as Error).message}。消息会在修复后重试发送。`,
      })
      .catch(() => undefined);
  }

  async function record(
    req: Pick<DeliverRequest, 'conversationId' | 'openKfId' | 'events' | 'mirror' | 'customer' | 'externalUserId'>,
  ) {
    const inserted = await insertOnce(
      EventModel,
      req.events.map((e) => ({ ...e, conversationId: req.conversationId, openKfId: req.openKfId, at: new Date(e.at) })),
    );
    // Only the events that were new are counted: a retry counts nothing twice (db/kpiCounters.ts).
    const fresh = inserted.map((i) => req.events[i]!);
    for (const event of fresh) observeEvent(event.type, event.data);
    await countEvents(req.openKfId, fresh);
    await queueForReview({ conversationId: req.conversationId, openKfId: req.openKfId }, fresh);
    await writeTicketNotices(req.events);
    if (req.mirror) await writeMirror(req.mirror);
    if (req.customer) await keepSessionContext(req.conversationId, req, req.customer);
  }

  return {
    /** Sends in order, stopping at the first refusal; then records what was said and what happened. */
    async deliver(req: DeliverRequest): Promise<SendOutcome[]> {
      const outcomes: SendOutcome[] = [];
      let botSentAt: number | undefined;
      for (const message of req.messages) {
        heartbeat();
        const outcome = outcomes.some((o) => o.status === 'refused')
          ? { status: 'skipped' as const }
          : await send(req, message);
        outcomes.push(outcome);
        if (message.from === 'bot' && (outcome.status === 'sent' || outcome.status === 'duplicate'))
          botSentAt ??= Date.now();
      }
      const said = req.messages.filter((_, i) => outcomes[i]!.status === 'sent' || outcomes[i]!.status === 'duplicate');
      await insertOnce(
        MessageModel,
        said.map((m) => ({
          msgid: m.msgid,
          conversationId: req.conversationId,
          openKfId: req.openKfId,
          externalUserId: req.externalUserId,
          direction: 'out',
          from: m.from,
          msgtype: m.menu ? 'msgmenu' : 'text',
          text: m.menu ? `${m.menu.head} [${m.menu.items.map((i) => i.content).join(' / ')}]` : (m.text ?? ''),
          agentId: m.agentId,
          kbEntryId: m.kbEntryId,
          question: m.question,
          sentAt: new Date(),
        })),
      );
      const firstResponse =
        req.firstBotReply && botSentAt !== undefined ? [firstBotResponseEvent(req.firstBotReply, botSentAt)] : [];
      await record({ ...req, events: [...req.events, ...firstResponse] });
      return outcomes;
    },

    /** Records only (no message): events, the mirror, the customer. */
    async record(req: Omit<DeliverRequest, 'messages'>): Promise<void> {
      await record(req);
    },
  };
}

/** Upserts the mirror; an older revision (a late retry) never overwrites a newer one. */
export async function writeMirror(mirror: MirrorRecord): Promise<void> {
  const { at, startedAt, queuedAt, assignedAt, ...fields } = mirror;
  const set = {
    ...fields,
    startedAt: new Date(startedAt),
    updatedAt: new Date(at),
    ...(queuedAt === undefined ? {} : { queuedAt: new Date(queuedAt) }),
    ...(assignedAt === undefined ? {} : { assignedAt: new Date(assignedAt) }),
    ...(fields.state === 'closed' ? { closedAt: new Date(at) } : {}),
  };
  await ConversationModel.updateOne(
    { conversationId: mirror.conversationId, revision: { $lt: mirror.revision } },
    { $set: set },
    { upsert: true },
  ).catch((error: { code?: number }) => {
    // The upsert lost to a newer revision already stored: nothing to do.
    if (error.code !== 11000) throw error;
  });
}
