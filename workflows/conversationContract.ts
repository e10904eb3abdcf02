// The conversation workflow's contract: ids, the inbound signal, agent-action updates, the console
// query and their payload types. Written once here; the workflow, the api and the tests import it.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/conversationEvents';
export type { Actor } from '../domain/conversationEvents';
import type { ConversationState } from '../domain/lifecycle';

export type CsState = ConversationState;
export type HumanMode = 'console' | 'wecom';

/**
 * The workflow type of new conversations (workflows/conversation/). Conversations started before it
 * run `conversationWorkflow` (workflows/legacy/) until they move over at their next wait.
 */
export const CONVERSATION_WORKFLOW = 'conversation';

export const conversationWorkflowId = (openKfId: string, externalUserId: string, session: number) =>
  `conv:${openKfId}:${externalUserId}:${session}`;
/** The customer a conversation id names (conversationWorkflowId read back), if it is one. */
export function conversationCustomer(conversationId: string): { openKfId: string; externalUserId: string } | undefined {
  const match = /^conv:([^:]+):([^:]+):\d+$/.exec(conversationId);
  return match ? { openKfId: match[1]!, externalUserId: match[2]! } : undefined;
}
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
  /** Handed on by the session before, which closed while it was written (answer it here). */
  forwarded?: boolean;
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
  /** The intent's KB question (readable), when the knowledge base still has the entry. */
  intentQuestion?: string;
  skill?: string;
  /** The customer's mood that led to the handoff: negative, anxious, neutral, unknown (domain/handoffSummary.ts). */
  sentiment?: string;
  /** The customer's words behind that mood. */
  sentimentTerms?: string[];
  customerTier: string;
  customerTags: string[];
  nickname?: string;
  transcript: TranscriptEntry[];
  at: number;
  /** How hard it looks (0–5) and why (domain/complexity.ts). */
  complexity?: { score: number; reasons: string[] };
  /** Why routing chose the agent who has it (domain/routing.ts whyChosen). */
  assignedWhy?: string[];
  /** The summary was written by a language model (shown as such). */
  modelWritten?: boolean;
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
  /** When the conversation started waiting for a person (queued) and when its agent got it. */
  queuedAt?: number;
  assignedAt?: number;
  /** WeCom's session state as the conversation knows it (0 new … 4 ended), and its servicer. */
  wecomState?: number;
  wecomServicer?: string;
  /** After the last allowed reassignment the conversation stays with its agent and is escalated. */
  escalated?: boolean;
  /** Agents who let this conversation's first response lapse: never offered it again. */
  lapsedAgents?: string[];
  /** While queued: its place in the queue and the expected wait, as the dispatcher last said. */
  queuePlace?: { position: number; total: number; expectedWaitMs?: number; noAgentOnline: boolean };
  /**
   * Alerts already raised for a running timer (by its name in timersDue): when above 0 its due
   * time is the next reminder, no longer the deadline itself.
   */
  breaches?: Record<string, number>;
  /** While the agent has not answered: what the first-response deadline does (takes it away, or escalates). */
  firstResponseLapse?: 'reassign' | 'escalate';
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

/** The ticket's priority or due time changed: its overdue alerts follow (the customer is not told). */
export interface TicketRevision {
  ticketNo: string;
  priority?: 'low' | 'normal' | 'high' | 'urgent';
  /** ms since the epoch */
  dueAt?: number;
}
export const ticketRevisedSignal = defineSignal<[TicketRevision]>('ticketRevised');

// ---- agent availability and routing (from the api when agents change status) ----
export interface AgentAvailability {
  agentId: string;
  status: 'online' | 'away' | 'offline';
}
/** The agent is away or offline: a conversation they hold goes back to the queue and is re-routed. */
export const agentUnavailableSignal = defineSignal<[AgentAvailability]>('agentUnavailable');
/** Runs from before the dispatcher only: capacity appeared, ask routing again at once. */
export const routingChangedSignal = defineSignal<[]>('routingChanged');

// ---- agent actions (updates with validators) ----
/**
 * Every action names the agent it is for (`agentId`: the conversation's agent, or who takes it
 * over); `actor` is who asked when that is not the agent themselves (a supervisor), and `reason`
 * is recorded with the action in the conversation's events.
 */
export interface ActionBase {
  agentId: string;
  actor?: Actor;
  reason?: string;
}
export interface AgentReply extends ActionBase {
  text: string;
}
export type AgentRef = ActionBase;
export interface TransferRequest extends ActionBase {
  toAgentId?: string;
  toSkill?: string;
}
export interface TicketRequest extends ActionBase {
  title: string;
  description?: string;
  priority?: 'low' | 'normal' | 'high' | 'urgent';
  /** When it is due (ms since the epoch); by default the priority's due time (settings.ticketDueHours). */
  dueAt?: number;
}

/** How far ahead an agent may set a ticket's due time. */
export const TICKET_DUE_MAX_MS = 90 * 24 * 3600_000;

/**
 * Why an action was refused: the ApplicationFailure type of a rejected or failed update. The api
 * maps them to HTTP: invalid_request and unknown_agent 400, the rest 409.
 */
export const actionFailureTypes = {
  /** The request itself is wrong (empty text, transfer to yourself, over WeCom's size). */
  invalidRequest: 'invalid_request',
  /** The conversation is not in a state where this can be done. */
  wrongState: 'wrong_state',
  /** The conversation is another agent's (and the caller is no supervisor). */
  notYours: 'not_yours',
  /** No such agent. */
  unknownAgent: 'unknown_agent',
  /** The agent cannot take it now: offline, away, full, or not serving in WeCom. */
  agentUnavailable: 'agent_unavailable',
  /** Another action on this conversation is being applied; try again. */
  busy: 'busy',
  /** The conversation is closing. */
  closing: 'closing',
} as const;
export type ActionFailureType = (typeof actionFailureTypes)[keyof typeof actionFailureTypes];

/** sent is false when WeCom's rules (48 h, 5 replies) did not allow the reply; see the events. */
export const agentReplyUpdate = defineUpdate<{ msgid: string; sent: boolean }, [AgentReply]>('agentReply');
export const takeOverUpdate = defineUpdate<ConversationSnapshot, [AgentRef]>('takeOver');
export const transferUpdate = defineUpdate<ConversationSnapshot, [TransferRequest]>('transfer');
export const createTicketUpdate = defineUpdate<{ ticketNo: string }, [TicketRequest]>('createTicket');
export const returnToBotUpdate = defineUpdate<ConversationSnapshot, [AgentRef]>('returnToBot');
export const resolveUpdate = defineUpdate<ConversationSnapshot, [AgentRef]>('resolve');

export const snapshotQuery = defineQuery<ConversationSnapshot>('snapshot');
