// When no person can take the conversation now (outside business hours, or nobody online and the
// customer chooses not to wait), the customer leaves a message: it becomes a ticket for the team,
// and the customer is told when they will hear back. The conversation then follows the ticket.
import { describeOpening, isOpen, nextOpening } from '../../domain/businessHours';
import { replies } from '../../domain/replies';
import { ticketDueAt, type TicketPriority } from '../../domain/sla';
import { tickets } from './activities';
import type { Conversation } from './context';
import { stopWaiting } from './dispatch';

const priorityOf = (handoffPriority: number): TicketPriority =>
  handoffPriority >= 4 ? 'urgent' : handoffPriority >= 3 ? 'high' : 'normal';

export async function leaveMessage(
  c: Conversation,
  why: 'outside_hours' | 'no_agent' | 'customer_chose',
): Promise<void> {
  const d = c.d;
  const { conversationId, openKfId, externalUserId } = c.state.id;
  if (d.phase === 'queued') await stopWaiting(c);
  const priority = priorityOf(d.handoff?.priority ?? 1);
  const dueAt = ticketDueAt(c.now(), priority, c.sla);
  const said = d.transcript.filter((t) => t.from === 'customer').map((t) => t.text);
  const { ticketNo } = await tickets.createTicket({
    ticketId: `${conversationId}:${d.eventSeq + 1}`,
    conversationId,
    openKfId,
    externalUserId,
    title: (d.handoff?.summary || said.at(-1) || '客户留言').slice(0, 100),
    description: said.slice(-5).join('\n'),
    priority,
    dueAt: new Date(dueAt).toISOString(),
  });
  d.ticket = { ticketNo, priority, dueAt, untold: [] };
  c.records.add({ type: 'left_message', ticketNo, why });
  c.records.add({ type: 'ticket_created', ticketNo, priority });
  c.state.transition('ticket');
  const calendar = c.sla.calendar;
  const opening = calendar && !isOpen(c.now(), calendar) ? nextOpening(c.now(), calendar) : undefined;
  await c.out.say({
    text:
      opening !== undefined && calendar
        ? replies.messageLeftOutsideHours(ticketNo, describeOpening(c.now(), opening, calendar))
        : replies.messageLeft(ticketNo, replies.whenAgentOnline),
    from: 'system',
  });
}
