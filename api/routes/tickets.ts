// Tickets (工单) for the people who follow them up: list, read, and move through their statuses.
// A status change is recorded on the ticket and signalled to its conversation, which tells the
// customer (while WeCom's 48-hour window allows) and closes when the ticket is resolved or closed.
import { Router } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { TicketModel } from '../../db/models/ticket';
import { ticketUpdatedSignal } from '../../workflows/conversationContract';
import { HttpError, parseBody } from '../validate';

const statuses = ['open', 'in_progress', 'resolved', 'closed'] as const;
const statusChange = z.object({
  status: z.enum(statuses),
  note: z.string().max(500).optional(),
  by: z.string().max(64).optional(),
});

export function ticketRoutes(temporal: Client): Router {
  const router = Router();

  router.get('/api/tickets', async (req, res) => {
    const query = z
      .object({ status: z.enum(statuses).optional(), conversationId: z.string().optional() })
      .safeParse(req.query);
    if (!query.success) throw new HttpError(400, `invalid query: ${query.error.issues[0]?.message}`);
    const filter = Object.fromEntries(Object.entries(query.data).filter(([, value]) => value !== undefined));
    const tickets = await TicketModel.find(filter).sort({ dueAt: 1 }).limit(200).lean();
    res.json(tickets.map(({ _id, ...ticket }) => ticket));
  });

  router.get('/api/tickets/:ticketNo', async (req, res) => {
    const ticket = await TicketModel.findOne({ ticketNo: req.params.ticketNo }).lean();
    if (!ticket) throw new HttpError(404, `no ticket ${req.params.ticketNo}`);
    const { _id, ...rest } = ticket;
    res.json(rest);
  });

  router.post('/api/tickets/:ticketNo/status', async (req, res) => {
    const change = parseBody(statusChange, req.body);
    const ticket = await TicketModel.findOneAndUpdate(
      { ticketNo: req.params.ticketNo },
      {
        $set: { status: change.status },
        $push: { history: { at: new Date(), status: change.status, note: change.note, by: change.by } },
      },
      { returnDocument: 'after' },
    ).lean();
    if (!ticket) throw new HttpError(404, `no ticket ${req.params.ticketNo}`);
    let conversationNotified = true;
    try {
      await temporal.workflow
        .getHandle(ticket.conversationId)
        .signal(ticketUpdatedSignal, { ticketNo: ticket.ticketNo, status: change.status, note: change.note });
    } catch (error) {
      // The conversation has ended (closed by an agent, or by time): the ticket lives on alone.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      conversationNotified = false;
    }
    const { _id, ...rest } = ticket;
    res.json({ ...rest, conversationNotified });
  });

  return router;
}
