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

export type ConversationEvent =
  | { type: 'bot_answer'; kbEntryId: string; confidence: number; nextBest: boolean; whileQueued?: boolean }
  | { type: 'bot_resolved'; silently: boolean; kbEntryId?: string }
  | { type: 'handoff'; reason: HandoffReason; priority: number; skill?: string; summary: string; intent?: string }
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
  | { type: 'first_response'; agentId?: string; seconds: number }
  | { type: 'reply_suppressed'; verdict: string; from: Speaker }
  | { type: 'send_refused'; errcode?: number; from: Speaker | 'event' }
  | { type: 'send_failed'; msgid?: string; failType?: number }
  | { type: 'sla_breach'; kind: SlaKind; agentId?: string; repeat: boolean }
  | { type: 'ticket_created'; ticketNo: string; priority: string; agentId?: string; by?: Actor }
  | { type: 'ticket_status'; ticketNo: string; status: string; notified: boolean }
  | { type: 'returned_to_bot'; agentId: string; by?: Actor }
  | { type: 'resolved'; by: string; actor?: Actor }
  | { type: 'closed'; reason: CloseReason; handoffReason?: HandoffReason; agentId?: string; durationSeconds: number }
  | { type: 'csat'; score: string; agentId?: string }
  | { type: 'end_session_failed'; errcode?: number }
  | { type: 'forwarded_to_next_session'; count: number; conversationId: string }
  | { type: 'stale_menu_click'; menuId: string }
  | { type: 'queue_position'; position: number; expectedWaitMs?: number; noAgentOnline: boolean }
  | { type: 'wait_cancelled' }
  | { type: 'left_message'; ticketNo: string; why: 'outside_hours' | 'no_agent' | 'customer_chose' }
  | { type: 'priority_raised'; priority: number; why: string };

export type ConversationEventType = ConversationEvent['type'];
