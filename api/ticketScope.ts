// Which tickets a signed-in user sees and may change, and what the ticket list's filters mean.
// Agents: their own tickets and their team's (the agents who share a skill with them, and tickets
// nobody follows yet); supervisors and admins every ticket. Overdue: past the due time and not yet
// resolved or closed. Pure, from the roster (a small collection) and the clock.
import { seesEverything, type Principal } from './auth/principal';

export const TICKET_SCOPES = ['mine', 'team', 'all'] as const;
export type TicketScope = (typeof TICKET_SCOPES)[number];

/** Statuses in which a ticket is still being worked on (and may be overdue). */
export const UNFINISHED = ['open', 'in_progress'];

export interface TeamMember {
  agentId: string;
  skills?: string[] | null;
}

/** The agent and everyone who shares a skill with them (their team). */
export function teamOf(agentId: string | undefined, roster: TeamMember[]): string[] {
  if (!agentId) return [];
  const mine = new Set(roster.find((a) => a.agentId === agentId)?.skills ?? []);
  return [
    ...new Set([agentId, ...roster.filter((a) => (a.skills ?? []).some((s) => mine.has(s))).map((a) => a.agentId)]),
  ];
}

export function mayHandleTicket(
  caller: Principal,
  ticket: { assignee?: string | null },
  team: string[],
): 'yes' | 'not_team' {
  if (seesEverything(caller)) return 'yes';
  if (!ticket.assignee || team.includes(ticket.assignee)) return 'yes';
  return 'not_team';
}

export interface TicketListQuery {
  scope: TicketScope;
  overdue?: boolean;
  status?: string;
  conversationId?: string;
  assignee?: string;
}

/**
 * The MongoDB filter of the list, or the reason it is refused. Agents may ask for `mine` and
 * `team` (`all` is for supervisors); a supervisor's team is everyone.
 */
export function ticketListFilter(
  caller: Principal,
  query: TicketListQuery,
  team: string[],
  now: Date,
): { filter: Record<string, unknown> } | { refused: string } {
  const all = seesEverything(caller);
  const me = caller.agentId ?? caller.userId;
  const parts: Record<string, unknown>[] = [];
  if (query.scope === 'all' && !all) return { refused: 'agents list their own and their team’s tickets' };
  if (query.scope === 'mine') parts.push({ assignee: me });
  if (query.scope === 'team' && !all)
    parts.push({ $or: [{ assignee: { $in: team } }, { assignee: { $exists: false } }, { assignee: null }] });
  if (query.assignee) {
    if (!all && !team.includes(query.assignee)) return { refused: 'that agent is not in your team' };
    parts.push({ assignee: query.assignee });
  }
  if (query.status) parts.push({ status: query.status });
  if (query.conversationId) parts.push({ conversationId: query.conversationId });
  if (query.overdue) parts.push({ dueAt: { $lt: now }, status: { $in: UNFINISHED } });
  return { filter: parts.length === 0 ? {} : parts.length === 1 ? parts[0]! : { $and: parts } };
}

export const isOverdue = (ticket: { dueAt: Date; status?: string | null }, now: Date) =>
  ticket.dueAt.getTime() < now.getTime() && UNFINISHED.includes(ticket.status ?? 'open');
