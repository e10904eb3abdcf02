// Tickets (工单): created from a conversation, idempotent by the caller's ticketId, numbered for
// people (T + date + sequence).
import { TicketModel } from '../db/models/ticket';

export function createTicketActivities() {
  return {
    async createTicket(req: {
      ticketId: string;
      conversationId: string;
      openKfId: string;
      externalUserId: string;
      title: string;
      description?: string;
      priority: string;
      assignee?: string;
      dueAt: string;
    }): Promise<{ ticketNo: string }> {
      const existing = await TicketModel.findOne({ ticketId: req.ticketId }).lean();
      if (existing) return { ticketNo: existing.ticketNo };
      const now = new Date();
      const day = now.toISOString().slice(0, 10).replace(/-/g, '');
      for (let attempt = 0; ; attempt++) {
        const sequence = (await TicketModel.countDocuments({ ticketNo: { $regex: `^T${day}-` } })) + 1 + attempt;
        const ticketNo = `T${day}-${String(sequence).padStart(4, '0')}`;
        try {
          await TicketModel.create({
            ...req,
            ticketNo,
            dueAt: new Date(req.dueAt),
            createdAt: now,
            status: 'open',
            history: [{ at: now, kind: 'created', status: 'open', note: req.title, by: req.assignee }],
          });
          return { ticketNo };
        } catch (error) {
          if ((error as { code?: number }).code !== 11000 || attempt > 20) throw error;
          const raced = await TicketModel.findOne({ ticketId: req.ticketId }).lean();
          if (raced) return { ticketNo: raced.ticketNo };
        }
      }
    },
  };
}

export type TicketActivities = ReturnType<typeof createTicketActivities>;
