// The conversation workflow's contract: ids, the inbound signal, agent-action updates, the console
// query and their payload types. Written once here; the workflow, the api and the tests import it.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export type CsState = 'bot' | 'confirming' | 'queued' | 'human' | 'ticket' | 'closed';
export type HumanMode = 'console' | 'wecom';

export const conversationWorkflowId = (openKfId: string, externalUserId: string, session: number) =>
  `conv:${openKfId}:${externalUserId}:${session}`;
export const kfInboxWorkflowId = (openKfId: string) => `kfinbox:${openKfId}`;

/** A WeCom sync_msg item, normalised by the inbox for the conversation. */
export interface InboundMessage {
  msgid: string;
  /** WeCom send_time, seconds since the epoch. */
  sendTime: number;
  /** 'customer' = origin 3, 'servicer' = origin 5 (a human in the WeCom client), 'event' = origin 4. */
  origin: 'customer' | 'servicer' | 'event';
  kind: 'text' | 'menu_click' | 'media' | 'event';
  text?: string;
  /** The msgmenu item id when the customer clicked a menu. */
  menuId?: string;
  servicerUserId?: string;
  event?: InboundEvent;
}

export interface InboundEvent {
  type: string;
  /** session_status_change: 1 taken from pool, 2 transferred, 3 ended, 4 re-opened. */
  changeType?: number;
  oldServicerUserId?: string;
  newServicerUserId?: string;
  msgCode?: string;
  welcomeCode?: string;
  scene?: string;
  sceneParam?: string;
  failMsgid?: string;
  failType?: number;
}

export interface TranscriptEntry {
  msgid: string;
  /** Workflow time in ms since the epoch. */
  at: number;
  from: 'customer' | 'bot' | 'agent' | 'system';
  text: string;
  agentId?: string;
  /** The knowledge-base entry a bot answer came from. */
  kbEntryId?: string;
}

export interface HandoffCard {
  reason: string;
  priority: number;
  summary: string;
  intent?: string;
  skill?: string;
  sentiment?: string;
  customerTier: string;
  customerTags: string[];
  nickname?: string;
  transcript: TranscriptEntry[];
  at: number;
}

export interface ConversationSnapshot {
  conversationId: string;
  openKfId: string;
  externalUserId: string;
  state: CsState;
  humanMode: HumanMode;
  agentId?: string;
  handoff?: HandoffCard;
  ticketNo?: string;
  transcriptTail: TranscriptEntry[];
  /** Timers currently running: name → due time (ms since the epoch). */
  timersDue: Record<string, number>;
  csat?: string;
  closedReason?: string;
}

// ---- the inbound signal (from the kf inbox) ----
export const inboundSignal = defineSignal<[InboundMessage[]]>('inbound');

// ---- ticket status changes (from the ticket API) ----
export interface TicketUpdate {
  ticketNo: string;
  status: 'open' | 'in_progress' | 'resolved' | 'closed';
  note?: string;
}
export const ticketUpdatedSignal = defineSignal<[TicketUpdate]>('ticketUpdated');

// ---- agent actions (updates with validators) ----
/** The signed-in user behind an action (the api sets it; never taken from a request body). */
export interface Actor {
  userId: string;
  role: 'agent' | 'supervisor' | 'admin';
}
/**
 * What every agent action carries: the acting agent, and who acted with which reason. A
 * supervisor or admin may take over a conversation another agent holds, or reassign it; the
 * actor and the reason belong in the conversation's events.
 */
export interface AgentRef {
  agentId: string;
  actor?: Actor;
  reason?: string;
}
export interface AgentReply extends AgentRef {
  text: string;
}
export interface TransferRequest extends AgentRef {
  toAgentId?: string;
  toSkill?: string;
}
export interface TicketRequest extends AgentRef {
  title: string;
  description?: string;
  priority?: 'low' | 'normal' | 'high' | 'urgent';
}

/** sent is false when WeCom's rules (48 h, 5 replies) did not allow the reply; see the events. */
export const agentReplyUpdate = defineUpdate<{ msgid: string; sent: boolean }, [AgentReply]>('agentReply');
export const takeOverUpdate = defineUpdate<ConversationSnapshot, [AgentRef]>('takeOver');
export const transferUpdate = defineUpdate<ConversationSnapshot, [TransferRequest]>('transfer');
export const createTicketUpdate = defineUpdate<{ ticketNo: string }, [TicketRequest]>('createTicket');
export const returnToBotUpdate = defineUpdate<ConversationSnapshot, [AgentRef]>('returnToBot');
export const resolveUpdate = defineUpdate<ConversationSnapshot, [AgentRef]>('resolve');

export const snapshotQuery = defineQuery<ConversationSnapshot>('snapshot');
