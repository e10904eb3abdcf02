// The rapid-support group (快速支持小组): senior agents and supervisors who help with hard
// conversations. Who belongs (agents with the group among their `groups`, kept by supervisors),
// which open conversations the group should hear of (urgent handoffs: high risk, or ranked urgent
// by the policy; SLA breaches; escalations), and when a consult (an agent asking the group for help
// on a conversation) is over because the conversation has moved on. Pure, table-tested.
import policy from './policy.json';

export const RAPID_SUPPORT = 'rapid-support';

export const isMember = (agent: { groups?: string[] | null } | null | undefined) =>
  Boolean(agent?.groups?.includes(RAPID_SUPPORT));

/** What the group needs to know of an open conversation (a workspace list row has it). */
export interface WatchedConversation {
  conversationId: string;
  state: string;
  agentId?: string;
  priority?: number;
  handoffReason?: string;
  breaches?: Record<string, number>;
  escalated?: boolean;
}

export type NoticeKind = 'high_risk' | 'urgent' | 'sla_breach' | 'escalated';

export interface GroupNotice {
  conversationId: string;
  kinds: NoticeKind[];
  /** The timers past their deadline (queueWaitSla, firstResponseSla, ticketSla…). */
  breached: string[];
}

/** The handoff priority the policy gives a high risk: at or above it a handoff is urgent (紧急). */
export const URGENT_PRIORITY = policy.priority.high_risk;

/** The open conversations the group should hear of, and why. */
export function groupNotices(rows: WatchedConversation[]): GroupNotice[] {
  return rows.flatMap((row) => {
    const kinds: NoticeKind[] = [];
    const waiting = row.state === 'queued' || row.state === 'human';
    if (waiting && row.handoffReason === 'high_risk') kinds.push('high_risk');
    else if (waiting && (row.priority ?? 0) >= URGENT_PRIORITY) kinds.push('urgent');
    const breached = Object.entries(row.breaches ?? {})
      .filter(([, count]) => count > 0)
      .map(([timer]) => timer);
    if (breached.length > 0) kinds.push('sla_breach');
    if (row.escalated) kinds.push('escalated');
    return kinds.length > 0 ? [{ conversationId: row.conversationId, kinds, breached }] : [];
  });
}

export type ConsultOutcome =
  /** One of the helpers has the conversation now. */
  | 'taken_over'
  /** Someone else has it (transferred, reassigned after a lapse). */
  | 'transferred'
  | 'requeued'
  | 'ticket'
  | 'returned_to_bot'
  /** The conversation closed. */
  | 'ended'
  /** The agent (or a helper) said the help is no longer needed. */
  | 'closed';

/** A consult this young is left alone: visibility may not show the conversation with its agent yet. */
export const CONSULT_SETTLING_MS = 10_000;

/**
 * Whether the conversation has moved on from the agent who asked for help, and where to; undefined
 * while it is still theirs (or too new to tell). `row` is the conversation among the open work, if
 * it is there.
 */
export function consultOver(
  consult: { requestedBy: string; helpers: string[]; at: number },
  row: WatchedConversation | undefined,
  now: number,
): ConsultOutcome | undefined {
  if (now - consult.at < CONSULT_SETTLING_MS) return undefined;
  if (!row) return 'ended';
  if (row.state === 'queued') return 'requeued';
  if (row.state === 'ticket') return 'ticket';
  if (row.state === 'bot' || row.state === 'confirming') return 'returned_to_bot';
  if (row.state !== 'human') return 'ended';
  if (row.agentId === consult.requestedBy) return undefined;
  return row.agentId && consult.helpers.includes(row.agentId) ? 'taken_over' : 'transferred';
}
