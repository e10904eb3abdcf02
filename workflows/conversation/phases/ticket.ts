// ticket: the problem is followed up as a ticket (工单) with a due time by its priority. Status
// changes are told to the customer while WeCom allows it; what cannot be told now (the session
// ended, 48 h passed) is told when the customer next writes. Overdue alerts repeat once per due
// period of the ticket's own priority, which people may change, or its due time, while it is open
// (revisions). A resolved or closed ticket closes the conversation.
import { replies } from '../../../domain/replies';
import { ticketDeadline } from '../../../domain/sla';
import type { TicketUpdate } from '../../conversationContract';
import type { Conversation } from '../context';
import { absorb } from '../inbound';
import { inTrace } from '../../traces';

export async function ticketPhase(c: Conversation): Promise<void> {
  const d = c.d;
  while (d.phase === 'ticket' && !d.closing && d.ticket) {
    if (c.continueAsNewDue()) return;
    const due = ticketDeadline(d.ticket, c.sla);
    await c.wait(
      'ticket',
      due.at,
      () => d.ticketUpdates.length > 0 || d.inbox.length > 0 || (d.ticketRevisions?.length ?? 0) > 0,
    );
    if (c.interrupted('ticket') || !d.ticket) return;
    const said = d.inbox.length > 0 ? await absorb(c) : [];
    if (said.length > 0) await inTrace(c.traceOf(said), () => customerWrote(c));
    revise(c);
    const updates = d.ticketUpdates;
    d.ticketUpdates = [];
    for (const update of updates) await statusChanged(c, update);
    if (d.closing) return;
    if (c.now() >= ticketDeadline(d.ticket, c.sla).at) {
      const repeat = d.ticket.lastAlertAt !== undefined;
      d.ticket.lastAlertAt = c.now();
      await c.breach('ticket_due', `工单 ${d.ticket.ticketNo}（${d.ticket.priority}）已超过处理时限`, repeat);
    }
  }
}

/** New priority or due time: the alerts follow; a due time moved starts its alerts afresh. */
function revise(c: Conversation): void {
  const ticket = c.d.ticket!;
  const revisions = c.d.ticketRevisions ?? [];
  if (revisions.length === 0) return;
  c.d.ticketRevisions = [];
  for (const revision of revisions) {
    if (revision.ticketNo !== ticket.ticketNo) continue;
    if (revision.priority) ticket.priority = revision.priority;
    if (revision.dueAt !== undefined && revision.dueAt !== ticket.dueAt) {
      ticket.dueAt = revision.dueAt;
      ticket.lastAlertAt = undefined;
    }
    c.records.add({ type: 'ticket_revised', ...revision });
  }
}

/** The customer wrote while the ticket is open: what they have not heard yet, or where it stands. */
async function customerWrote(c: Conversation): Promise<void> {
  const ticket = c.d.ticket!;
  const untold = ticket.untold;
  ticket.untold = [];
  if (untold.length === 0) {
    await c.out.say({ text: replies.ticketPending(ticket.ticketNo), from: 'system' });
    return;
  }
  for (const update of untold) await statusChanged(c, update, true);
}

async function statusChanged(c: Conversation, update: TicketUpdate, again = false): Promise<void> {
  const ticket = c.d.ticket!;
  const [said] = await c.out.say({
    text: replies.ticketStatus(update.ticketNo, update.status, update.note),
    from: 'system',
  });
  const notified = said === 'sent';
  if (!notified) ticket.untold.push(update);
  const createdAt = c.state.facts.ticketCreatedAt;
  const openSeconds = createdAt === undefined ? {} : { openSeconds: Math.round((c.now() - createdAt) / 1000) };
  if (!again || notified)
    c.records.add({
      type: 'ticket_status',
      ticketNo: update.ticketNo,
      status: update.status,
      notified,
      ...openSeconds,
    });
  if (update.status === 'resolved' || update.status === 'closed') c.d.closing = 'ticket_closed';
}
