// Tickets (工单) for the people who follow them up: the list with its filters (mine, team, overdue,
// status), one ticket with its history, and the changes: status (told to the customer through the
// conversation while WeCom allows it; the ticket records when it could not), assignee, priority and
// due time (the conversation's overdue alerts follow), and notes. Agents handle their own and their
// team's tickets, supervisors and admins every one (api/ticketScope.ts). Every change is appended to
// the ticket's history with who made it (the caller, never a name in the body).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { AgentModel } from '../../db/models/agent';
import { CustomerModel } from '../../db/models/customer';
import {
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TicketModel,
  type Ticket,
  type TicketHistoryEntry,
} from '../../db/models/ticket';
import {
  TICKET_DUE_MAX_MS,
  ticketRevisedSignal,
  ticketUpdatedSignal,
  type TicketRevision,
} from '../../workflows/conversationContract';
import { seesEverything, type Principal } from '../auth/principal';
import { conversationHolder } from '../conversationAccess';
import { pageQuery } from '../pagination';
import { defineRoute, type Route } from '../route';
import { isOverdue, mayHandleTicket, teamOf, TICKET_SCOPES, ticketListFilter } from '../ticketScope';
import { HttpError } from '../validate';
import type { WorkspaceHub } from '../workspace/hub';

/** A ticket's history is bounded: past this many changes it should be a new ticket. */
export const MAX_TICKET_HISTORY = 100;
export const MAX_TICKET_NOTE = 500;
/** A due time set by hand is at least this far ahead (as the workspace's ticket form asks). */
const DUE_MIN_AHEAD_MS = 60_000;

const ticketParams = z.object({
  ticketNo: z.string().regex(/^T\d{8}-\d{4,}$/, 'must be a ticket number like T20261124-0001'),
});
const agentId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);

type StoredTicket = Ticket & { _id?: unknown };

async function teamOfCaller(caller: Principal): Promise<string[]> {
  if (seesEverything(caller)) return [];
  return teamOf(caller.agentId, await AgentModel.find({}, { agentId: 1, skills: 1 }).lean());
}

/** The ticket, if the caller may see and change it (404 or 403 otherwise). */
async function ticketFor(caller: Principal, ticketNo: string): Promise<StoredTicket> {
  const ticket = await TicketModel.findOne({ ticketNo }).lean();
  if (!ticket) throw new HttpError(404, `no ticket ${ticketNo}`);
  if (mayHandleTicket(caller, ticket, await teamOfCaller(caller)) !== 'yes')
    throw new HttpError(403, 'not your ticket (agents handle their own and their team’s tickets)');
  return ticket;
}

/** Entries written before kinds existed: the first is the creation, the rest status changes. */
const kindOf = (entry: TicketHistoryEntry, index: number) => entry.kind ?? (index === 0 ? 'created' : 'status');

function ticketView({ _id, history, ...ticket }: StoredTicket, now: Date, nickname?: string | null) {
  return {
    ...ticket,
    nickname: nickname ?? undefined,
    overdue: isOverdue(ticket, now),
    history: history.map(({ eventId: _eventId, ...entry }, index) => ({ ...entry, kind: kindOf(entry, index) })),
  };
}

/** The conversation can tell the customer only while it follows the ticket up (its ticket stage). */
async function followsTicket(temporal: Client, conversationId: string): Promise<boolean> {
  try {
    return (await conversationHolder(temporal, conversationId)).state === 'ticket';
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return false;
    throw error;
  }
}

/** Signals the conversation; false when it has ended meanwhile. */
async function tellConversation(send: () => Promise<void>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

const notTold = (at: Date, status: string): TicketHistoryEntry => ({
  at,
  kind: 'customer_not_notified',
  status,
  why: 'conversation_ended',
});

export function ticketRoutes(temporal: Client, hub: WorkspaceHub): Route[] {
  /** Appends entries (and sets fields) while the ticket is as it was read; 409 when it changed meanwhile. */
  async function change(
    current: StoredTicket,
    entries: TicketHistoryEntry[],
    set: Record<string, unknown> = {},
  ): Promise<void> {
    if (current.history.length + entries.length > MAX_TICKET_HISTORY)
      throw new HttpError(409, `ticket has ${MAX_TICKET_HISTORY} changes already: open a new ticket`);
    // A one-document update, guarded by the status read when it changes the status (FerretDB's
    // findOneAndUpdate is not atomic, MONGODB.md): of two changes at once, one is refused.
    const written = await TicketModel.updateOne(
      { ticketNo: current.ticketNo, ...('status' in set ? { status: current.status } : {}) },
      { $set: set, $push: { history: { $each: entries } } },
    );
    if (written.matchedCount === 0) throw new HttpError(409, 'the ticket changed meanwhile: reload it and try again');
  }

  async function answer(ticketNo: string, extra: Record<string, unknown> = {}) {
    const ticket = (await TicketModel.findOne({ ticketNo }).lean())!;
    const customer = await CustomerModel.findOne(
      { openKfId: ticket.openKfId, externalUserId: ticket.externalUserId },
      { nickname: 1 },
    ).lean();
    return { ...ticketView(ticket, new Date(), customer?.nickname), ...extra };
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/tickets',
      tag: 'tickets',
      summary: 'List tickets, soonest due first',
      description: [
        'Filters: `scope` mine (assigned to the caller), team (the caller’s team: agents sharing a skill, and',
        'tickets nobody follows yet; for supervisors everyone), all (supervisors and admins); `overdue` (past',
        'the due time, not resolved or closed); `status`. Agents default to mine, supervisors to all.',
      ].join(' '),
      access: 'user',
      query: z.object({
        scope: z.enum(TICKET_SCOPES).optional(),
        overdue: z
          .enum(['true', 'false'])
          .transform((v) => v === 'true')
          .optional(),
        status: z.enum(TICKET_STATUSES).optional(),
        conversationId: z.string().max(200).optional(),
        assignee: agentId.optional(),
        ...pageQuery(100, 200),
      }),
      async handle({ query, caller }) {
        const { limit, offset, scope, ...rest } = query;
        const now = new Date();
        const listed = ticketListFilter(
          caller,
          { ...rest, scope: scope ?? (seesEverything(caller) ? 'all' : 'mine') },
          await teamOfCaller(caller),
          now,
        );
        if ('refused' in listed) throw new HttpError(403, listed.refused);
        const tickets = await TicketModel.find(listed.filter).sort({ dueAt: 1 }).skip(offset).limit(limit).lean();
        // Nicknames in one look-up for the page (on demand only: customers grow with traffic).
        const customers =
          tickets.length === 0
            ? []
            : await CustomerModel.find(
                { $or: tickets.map((t) => ({ openKfId: t.openKfId, externalUserId: t.externalUserId })) },
                { openKfId: 1, externalUserId: 1, nickname: 1 },
              ).lean();
        const nickname = (t: StoredTicket) =>
          customers.find((c) => c.openKfId === t.openKfId && c.externalUserId === t.externalUserId)?.nickname;
        return tickets.map((ticket) => ticketView(ticket, now, nickname(ticket)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/tickets/:ticketNo',
      tag: 'tickets',
      summary: 'One ticket with its history',
      access: 'user',
      params: ticketParams,
      async handle({ params, caller }) {
        await ticketFor(caller, params.ticketNo);
        return answer(params.ticketNo);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tickets/:ticketNo/status',
      tag: 'tickets',
      summary: 'Change a ticket’s status (tells the customer while WeCom allows it)',
      description: [
        'The note goes to the customer with the status. While the conversation follows the ticket up it',
        'tells the customer and the ticket’s history records whether WeCom let it (`customer_notified`,',
        '`customer_not_notified` with why); after the conversation has ended the history says so at once.',
        'A resolved or closed ticket closes its conversation.',
      ].join(' '),
      access: 'user',
      params: ticketParams,
      body: z.strictObject({
        status: z.enum(TICKET_STATUSES),
        note: z.string().trim().max(MAX_TICKET_NOTE).optional(),
      }),
      async handle({ params, body, caller }) {
        const current = await ticketFor(caller, params.ticketNo);
        if (current.status === body.status) throw new HttpError(409, `the ticket is ${body.status} already`);
        const at = new Date();
        const following = await followsTicket(temporal, current.conversationId);
        const note = body.note || undefined;
        await change(
          current,
          [
            { at, kind: 'status', status: body.status, note, by: caller.userId, byName: caller.name },
            ...(following ? [] : [notTold(at, body.status)]),
          ],
          { status: body.status },
        );
        const conversationNotified =
          following &&
          (await tellConversation(() =>
            temporal.workflow
              .getHandle(current.conversationId)
              .signal(ticketUpdatedSignal, { ticketNo: current.ticketNo, status: body.status, note }),
          ));
        if (following && !conversationNotified) {
          await TicketModel.updateOne({ ticketNo: current.ticketNo }, { $push: { history: notTold(at, body.status) } });
        }
        hub.ticketChanged(current.ticketNo);
        return answer(current.ticketNo, { conversationNotified });
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/tickets/:ticketNo',
      tag: 'tickets',
      summary: 'Change who follows a ticket up, its priority or its due time',
      description:
        'The conversation’s overdue alerts follow a new priority or due time while it follows the ticket up. The customer is not told.',
      access: 'user',
      params: ticketParams,
      body: z
        .strictObject({
          assignee: agentId.optional().describe('The agent who follows it up from now on.'),
          priority: z.enum(TICKET_PRIORITIES).optional(),
          dueAt: z.iso
            .datetime({ offset: true })
            .optional()
            .describe(`When it is due (ISO 8601), at most ${TICKET_DUE_MAX_MS / 86_400_000} days ahead.`),
          reason: z.string().trim().min(1).max(MAX_TICKET_NOTE).optional().describe('Why (kept in the history).'),
        })
        .refine((b) => b.assignee || b.priority || b.dueAt, 'give assignee, priority or dueAt'),
      async handle({ params, body, caller }) {
        const current = await ticketFor(caller, params.ticketNo);
        const at = new Date();
        const by = { by: caller.userId, byName: caller.name, note: body.reason };
        const entries: TicketHistoryEntry[] = [];
        const set: Record<string, unknown> = {};
        const revision: TicketRevision = { ticketNo: current.ticketNo };
        if (body.assignee && body.assignee !== current.assignee) {
          if (!(await AgentModel.exists({ agentId: body.assignee })))
            throw new HttpError(400, `there is no agent ${body.assignee}`);
          set.assignee = body.assignee;
          entries.push({ at, kind: 'assignee', from: current.assignee ?? undefined, to: body.assignee, ...by });
        }
        if (body.priority && body.priority !== current.priority) {
          set.priority = revision.priority = body.priority;
          entries.push({ at, kind: 'priority', from: current.priority ?? undefined, to: body.priority, ...by });
        }
        if (body.dueAt) {
          const dueAt = new Date(body.dueAt);
          if (dueAt.getTime() < at.getTime() + DUE_MIN_AHEAD_MS)
            throw new HttpError(400, 'the due time must be at least a minute ahead');
          if (dueAt.getTime() > at.getTime() + TICKET_DUE_MAX_MS)
            throw new HttpError(400, `the due time is more than ${TICKET_DUE_MAX_MS / 86_400_000} days ahead`);
          if (dueAt.getTime() !== current.dueAt.getTime()) {
            set.dueAt = dueAt;
            revision.dueAt = dueAt.getTime();
            entries.push({ at, kind: 'due', from: current.dueAt.toISOString(), to: dueAt.toISOString(), ...by });
          }
        }
        if (entries.length === 0) return answer(current.ticketNo);
        await change(current, entries, set);
        if ((revision.priority || revision.dueAt) && (await followsTicket(temporal, current.conversationId))) {
          await tellConversation(() =>
            temporal.workflow.getHandle(current.conversationId).signal(ticketRevisedSignal, revision),
          );
        }
        hub.ticketChanged(current.ticketNo);
        return answer(current.ticketNo);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tickets/:ticketNo/notes',
      tag: 'tickets',
      summary: 'Add a note to a ticket (for colleagues; the customer never receives it)',
      access: 'user',
      params: ticketParams,
      body: z.strictObject({ text: z.string().trim().min(1).max(MAX_TICKET_NOTE) }),
      async handle({ params, body, caller, res }) {
        const current = await ticketFor(caller, params.ticketNo);
        await change(current, [
          { at: new Date(), kind: 'note', note: body.text, by: caller.userId, byName: caller.name },
        ]);
        res.status(201);
        return answer(current.ticketNo);
      },
    }),
  ];
}
