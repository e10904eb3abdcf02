// Whether the customer heard of a ticket's status change, written on the ticket: the conversation
// records each status change it told, or could not tell, as a `ticket_status` event (and what
// stopped it as the event just before: WeCom's 48-hour window, its five replies, a session the
// API does not hold, a refusal). When those events are written their outcome is appended to the
// ticket's history, once per event however often the write is retried.
import type { TicketHistoryEntry } from '../db/models/ticket';
import { TicketModel } from '../db/models/ticket';
import type { EventRecord } from './outbound';

/** Why a status change could not be told: a reply verdict (window_expired, reply_limit…), wecom_state_N, errcode_N, send_failed. */
function whyNotTold(events: EventRecord[], index: number): string | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.type === 'ticket_status') return undefined;
    if (event.type === 'reply_suppressed') return String(event.data.verdict);
    if (event.type === 'send_refused') return `errcode_${String(event.data.errcode)}`;
    if (event.type === 'send_failed') return 'send_failed';
  }
  return undefined;
}

export interface TicketNotice {
  ticketNo: string;
  entry: TicketHistoryEntry;
}

/** The ticket history entries a batch of conversation events makes. */
export function ticketNotices(events: EventRecord[]): TicketNotice[] {
  return events.flatMap((event, index) => {
    if (event.type !== 'ticket_status') return [];
    const notified = event.data.notified === true;
    const why = notified ? undefined : whyNotTold(events, index);
    return [
      {
        ticketNo: String(event.data.ticketNo),
        entry: {
          at: new Date(event.at),
          kind: notified ? 'customer_notified' : 'customer_not_notified',
          status: String(event.data.status),
          ...(why ? { why } : {}),
          eventId: event.eventId,
        },
      },
    ];
  });
}

/** Appends each notice to its ticket unless an entry from the same event is there already. */
export async function writeTicketNotices(events: EventRecord[]): Promise<void> {
  for (const { ticketNo, entry } of ticketNotices(events)) {
    await TicketModel.updateOne({ ticketNo, 'history.eventId': { $ne: entry.eventId } }, { $push: { history: entry } });
  }
}
