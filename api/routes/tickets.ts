// Tickets (工单) for the people who follow them up: list, read, and move through their statuses.
// Agents see and move the tickets assigned to them; supervisors and admins every ticket. A status
// change is recorded on the ticket (by the caller, never by a name in the body) and signalled to
// its conversation, which tells the customer and closes when the ticket is resolved or closed.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { TicketModel, type Ticket } from '../../db/models/ticket';
import { ticketUpdatedSignal } from '../../workflows/conversationContract';
import { seesEverything, type Principal } from '../auth/principal';
import { pageQuery } from '../pagination';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';

const STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const;
/** A ticket's history is bounded: past this many changes it should be a new ticket. */
export const MAX_TICKET_HISTORY = 100;
export const MAX_TICKET_NOTE = 500;

const ticketParams = z.object({
  ticketNo: z.string().regex(/^T\d{8}-\d{4,}$/, 'must be a ticket number like T20261124-0001'),
});

function requireTicketAccess(caller: Principal, ticket: Pick<Ticket, 'assignee'>): void {
  if (seesEverything(caller)) return;
  if (!caller.agentId || ticket.assignee !== caller.agentId) throw new HttpError(403, 'not your ticket');
}

export function ticketRoutes(temporal: Client): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/tickets',
      tag: 'tickets',
      summary: 'List tickets, soonest due first',
      description: 'Agents get the tickets assigned to them; supervisors and admins every ticket.',
      access: 'user',
      query: z.object({
        status: z.enum(STATUSES).optional(),
        conversationId: z.string().max(200).optional(),
        assignee: z.string().max(64).optional(),
        ...pageQuery(100, 200),
      }),
      async handle({ query, caller }) {
        const { limit, offset, ...rest } = query;
        const filter: Record<string, unknown> = Object.fromEntries(
          Object.entries(rest).filter(([, value]) => value !== undefined),
        );
        if (!seesEverything(caller)) {
          if (filter.assignee && filter.assignee !== caller.agentId)
            throw new HttpError(403, 'agents list only their own tickets');
          filter.assignee = caller.agentId ?? caller.userId;
        }
        const tickets = await TicketModel.find(filter).sort({ dueAt: 1 }).skip(offset).limit(limit).lean();
        return tickets.map(({ _id, ...ticket }) => ticket);
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
        const ticket = await TicketModel.findOne({ ticketNo: params.ticketNo }).lean();
        if (!ticket) throw new HttpError(404, `no ticket ${params.ticketNo}`);
        requireTicketAccess(caller, ticket);
        const { _id, ...rest } = ticket;
        return rest;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tickets/:ticketNo/status',
      tag: 'tickets',
      summary: 'Change a ticket’s status (tells the customer)',
      access: 'user',
      params: ticketParams,
      body: z.strictObject({
        status: z.enum(STATUSES),
        note: z.string().trim().max(MAX_TICKET_NOTE).optional(),
      }),
      async handle({ params, body, caller }) {
        const current = await TicketModel.findOne({ ticketNo: params.ticketNo }).lean();
        if (!current) throw new HttpError(404, `no ticket ${params.ticketNo}`);
        requireTicketAccess(caller, current);
        if (current.history.length >= MAX_TICKET_HISTORY)
          throw new HttpError(409, `ticket has ${MAX_TICKET_HISTORY} changes already: open a new ticket`);
        const ticket = await TicketModel.findOneAndUpdate(
          { ticketNo: params.ticketNo },
          {
            $set: { status: body.status },
            $push: { history: { at: new Date(), status: body.status, note: body.note, by: caller.userId } },
          },
          { returnDocument: 'after' },
        ).lean();
        let conversationNotified = true;
        try {
          await temporal.workflow
            .getHandle(ticket!.conversationId)
            .signal(ticketUpdatedSignal, { ticketNo: ticket!.ticketNo, status: body.status, note: body.note });
        } catch (error) {
          // The conversation has ended (closed by an agent, or by time): the ticket lives on alone.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          conversationNotified = false;
        }
        const { _id, ...rest } = ticket!;
        return { ...rest, conversationNotified };
      },
    }),
  ];
}
