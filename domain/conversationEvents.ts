// The conversation's events, typed: what happened, with the fields analytics and metrics read. The
// workflow appends them to the event log (one document each, idempotent by event id); every
// handoff carries its reason, every SLA breach its kind.
import type { CloseReason } from './lifecycle';
import type { HandoffReason } from './policy';
import type { Speaker } from './replyWindow';

export type SlaKind = 'queue_wait' | 'first_response' | 'ticket_due' | 'reply_window';

/** Who did it, when a person did: the agent, or a supervisor acting on someone else's conversation. */
export interface Actor {
  userId: string;
  role: 'agent' | 'supervisor' | 'admin';
}

/**
 * The customer's previous session, as a later one sees it: enough to find the day × kf account ×
 * agent × skill × entry cell its close was counted in (domain/kpi.ts), so a re-contact can be
 * charged to it.
 */
export interface PreviousSession {
  conversationId: string;
  closedAt: number;
  closedReason: string;
  handoffReason?: string;
  /** The agent who served it (none: the bot alone). */
  agentId?: string;
  skill?: string;
  /** What it was about: the KB entry answered last, else the handoff's intent. */
  topic?: string;
  /** The bot answered at least once. */
  answered?: boolean;
  /** It closed while the customer was still waiting in the queue. */
  abandoned?: boolean;
}

export type ConversationEvent =
  /** A new session; `startedWith` says who had it first (a servicer or WeCom's pool may have it). */
  | { type: 'opened'; startedWith: 'bot' | 'queue' | 'agent' }
  /** The customer came back after an earlier session (any topic): charged to that session. */
  | { type: 'recontact'; previous: PreviousSession; minutesSinceClose: number }
  /** …and asks about the same topic again: the earlier session did not settle it. */
  | { type: 'recontact_same_topic'; previous: PreviousSession; minutesSinceClose: number; topic: string }
  | {
      type: 'bot_answer';
      kbEntryId: string;
      confidence: number;
      nextBest: boolean;
      question?: string;
      whileQueued?: boolean;
    }
  /** The customer said an answer did not help ("没解决", or the menu's 未解决). */
  | { type: 'answer_rejected'; kbEntryId: string; msgid?: string; question?: string }
  /** The bot could not place a question (it asked again, or handed off for low confidence). */
  | { type: 'not_understood'; question: string; bestEntryId?: string; confidence: number }
  /** From the conversation's start to the bot's first reply. */
  | { type: 'bot_first_response'; ms: number }
  | { type: 'bot_resolved'; silently: boolean; kbEntryId?: string }
  | {
      type: 'handoff';
      reason: HandoffReason;
      priority: number;
      skill?: string;
      summary: string;
      intent?: string;
      /** The bot had answered before it handed off (a candidate for the review queue). */
      afterAnswer?: boolean;
      question?: string;
    }
  | { type: 'assigned'; agentId: string; waitSeconds: number; by?: Actor; reason?: string; why?: string[] }
  | { type: 'assign_failed'; agentId: string; errcode?: number }
  | { type: 'entered_wecom_pool' }
  | { type: 'pool_refused'; errcode?: number }
  | { type: 'taken_in_wecom'; servicerUserId: string }
  | {
      type: 'transfer';
      from?: string;
      toAgentId?: string;
      toSkill?: string;
      toWecomUserId?: string;
      by?: Actor;
      reason?: string;
    }
  | { type: 'taken_over'; from?: string; to: string; by?: Actor; reason?: string }
  | { type: 'requeued'; from: string; why: 'first_response_lapsed' | 'agent_unavailable' | 'transfer'; by?: Actor }
  | { type: 'escalated'; agentId?: string; lapses: number }
  /** An agent's first reply after assignment; the conversation's first person reply also says how long since the handoff. */
  | { type: 'first_response'; agentId?: string; seconds: number; sinceHandoffSeconds?: number }
  | { type: 'reply_suppressed'; verdict: string; from: Speaker }
  | { type: 'send_refused'; errcode?: number; from: Speaker | 'event' }
  | { type: 'send_failed'; msgid?: string; failType?: number }
  | { type: 'sla_breach'; kind: SlaKind; agentId?: string; repeat: boolean }
  | { type: 'ticket_created'; ticketNo: string; priority: string; agentId?: string; by?: Actor }
  | { type: 'ticket_status'; ticketNo: string; status: string; notified: boolean; openSeconds?: number }
  | { type: 'ticket_revised'; ticketNo: string; priority?: string; dueAt?: number }
  | { type: 'returned_to_bot'; agentId: string; by?: Actor }
  | { type: 'resolved'; by: string; actor?: Actor }
  | {
      type: 'closed';
      reason: CloseReason;
      handoffReason?: HandoffReason;
      agentId?: string;
      durationSeconds: number;
      /** What the conversation was about (domain/kpi.ts counts its close under this entry). */
      topic?: string;
      /** The agent who served this conversation last (agentId may be the customer's earlier agent). */
      servedBy?: string;
      /** Time with agents (from each assignment to leaving the human phase). */
      handlingSeconds?: number;
      /** A queue-wait or first-response SLA was breached at least once. */
      slaBreached?: boolean;
      /** It closed while still waiting in the queue (the customer left). */
      abandoned?: boolean;
      /** The bot answered at least once. */
      answered?: boolean;
    }
  | { type: 'csat'; score: string; agentId?: string }
  | { type: 'end_session_failed'; errcode?: number }
  | { type: 'forwarded_to_next_session'; count: number; conversationId: string }
  | { type: 'stale_menu_click'; menuId: string }
  | { type: 'queue_position'; position: number; expectedWaitMs?: number; noAgentOnline: boolean }
  | { type: 'wait_cancelled' }
  | { type: 'left_message'; ticketNo: string; why: 'outside_hours' | 'no_agent' | 'customer_chose' }
  | { type: 'priority_raised'; priority: number; why: string };

export type ConversationEventType = ConversationEvent['type'];
