// What the workspace's lists show of a conversation, and which lists a signed-in user gets. Pure:
// built from what visibility says (state, agent, priority) and the workflow's own snapshot (who
// the customer is, how long they have waited, their latest lines for the unread badges).
import type { ConversationSnapshot, TranscriptEntry } from '../../workflows/conversationContract';
import { seesEverything, type Principal } from '../auth/principal';
import type { OpenConversation } from '../conversationVisibility';

/** How many of the customer's latest message times a row carries (the unread badge counts them). */
const CUSTOMER_TIMES_KEPT = 20;
const PREVIEW_CHARS = 40;

export interface ConversationRow extends OpenConversation {
  externalUserId?: string;
  nickname?: string;
  queuedAt?: number;
  assignedAt?: number;
  /** Since when the customer has been waiting for a person (queued, or unanswered by the agent). */
  waitingSince?: number;
  lastMessage?: { from: TranscriptEntry['from']; text: string; at: number };
  /** When the customer's latest messages arrived, oldest first. */
  customerAts: number[];
  timersDue: Record<string, number>;
  breaches?: Record<string, number>;
  escalated?: boolean;
  ticketNo?: string;
  /** Who follows the ticket up (ticket stage). */
  ticketAssignee?: string;
}

/**
 * Since when the customer has waited for a person: in the queue since it was queued; with an agent
 * since their first line the agent has not answered yet (since the handoff while the agent has not
 * spoken at all). Bot and notice lines answer nothing.
 */
export function waitingSince(snapshot: ConversationSnapshot): number | undefined {
  if (snapshot.state === 'queued') return snapshot.queuedAt;
  if (snapshot.state !== 'human') return undefined;
  const lines = snapshot.transcriptTail;
  const lastAgent = lines.findLastIndex((line) => line.from === 'agent');
  if (lastAgent < 0) return snapshot.handoff?.at ?? snapshot.assignedAt;
  return lines.slice(lastAgent + 1).find((line) => line.from === 'customer')?.at;
}

export function conversationRow(
  open: OpenConversation,
  snapshot: ConversationSnapshot | undefined,
  ticketAssignee?: string,
): ConversationRow {
  if (!snapshot) return { ...open, customerAts: [], timersDue: {} };
  const last = snapshot.transcriptTail.at(-1);
  return {
    ...open,
    // The workflow is newer than visibility, which follows it by a moment.
    state: snapshot.state,
    agentId: snapshot.agentId,
    externalUserId: snapshot.externalUserId,
    nickname: snapshot.handoff?.nickname,
    queuedAt: snapshot.queuedAt,
    assignedAt: snapshot.assignedAt,
    waitingSince: waitingSince(snapshot),
    lastMessage: last && {
      from: last.from,
      text: last.text.length > PREVIEW_CHARS ? `${last.text.slice(0, PREVIEW_CHARS)}…` : last.text,
      at: last.at,
    },
    customerAts: snapshot.transcriptTail
      .filter((line) => line.from === 'customer')
      .map((line) => line.at)
      .slice(-CUSTOMER_TIMES_KEPT),
    timersDue: snapshot.timersDue,
    breaches: snapshot.breaches,
    escalated: snapshot.escalated,
    ticketNo: snapshot.ticketNo,
    ticketAssignee,
  };
}

export interface WorkspaceLists {
  /** With the viewer now. */
  mine: ConversationRow[];
  /** Waiting for anyone: highest priority first, then who has waited longest. */
  queue: ConversationRow[];
  /** Tickets the viewer follows up (supervisors: every ticket-stage conversation). */
  tickets: ConversationRow[];
  /** Supervisors only: with other agents, and with the bot. */
  others?: ConversationRow[];
  bot?: ConversationRow[];
}

const byQueueOrder = (a: ConversationRow, b: ConversationRow) =>
  (b.priority ?? 0) - (a.priority ?? 0) || (a.queuedAt ?? a.startedAt) - (b.queuedAt ?? b.startedAt);
const byWaiting = (a: ConversationRow, b: ConversationRow) =>
  (a.waitingSince ?? Infinity) - (b.waitingSince ?? Infinity) || (a.assignedAt ?? 0) - (b.assignedAt ?? 0);
const byDue = (a: ConversationRow, b: ConversationRow) =>
  (a.timersDue.ticketSla ?? Infinity) - (b.timersDue.ticketSla ?? Infinity);

/** The lists this user may see: agents their own and the queue, supervisors everything. */
export function listsFor(viewer: Principal, rows: ConversationRow[]): WorkspaceLists {
  const me = viewer.agentId;
  const all = seesEverything(viewer);
  const lists: WorkspaceLists = {
    mine: rows.filter((r) => r.state === 'human' && me !== undefined && r.agentId === me).sort(byWaiting),
    queue: rows.filter((r) => r.state === 'queued').sort(byQueueOrder),
    tickets: rows
      .filter((r) => r.state === 'ticket' && (all || (me !== undefined && r.ticketAssignee === me)))
      .sort(byDue),
  };
  if (all) {
    lists.others = rows.filter((r) => r.state === 'human' && r.agentId !== me).sort(byWaiting);
    lists.bot = rows
      .filter((r) => r.state === 'bot' || r.state === 'confirming')
      .sort((a, b) => b.startedAt - a.startedAt);
  }
  return lists;
}
