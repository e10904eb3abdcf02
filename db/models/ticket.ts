// A ticket (工单): an unresolved problem followed up after the conversation, with its own due time,
// and its history: every change people made (status, assignee, priority, due time, notes) and
// whether the customer could be told of each status change. History entries are appended, never
// edited (FerretDB has no positional updates, MONGODB.md).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const TICKET_STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/**
 * What a history entry records. Entries written before kinds existed have none: the first is the
 * creation, the others status changes (ticketHistoryView reads them so).
 */
export const TICKET_HISTORY_KINDS = [
  'created',
  'status',
  'assignee',
  'priority',
  'due',
  'note',
  'customer_notified',
  'customer_not_notified',
] as const;
export type TicketHistoryKind = (typeof TICKET_HISTORY_KINDS)[number];

const historyEntrySchema = new Schema(
  {
    at: Date,
    kind: { type: String, enum: TICKET_HISTORY_KINDS },
    /** The status it moved to (status), or the one the customer was (not) told of. */
    status: String,
    /** A note: the status change's words to the customer, a reason, or a note of its own. */
    note: String,
    /** Who did it (a user id) and their name then; absent for what the system recorded. */
    by: String,
    byName: String,
    /** assignee, priority and due changes: the old and the new value (due times as ISO 8601). */
    from: String,
    to: String,
    /** customer_not_notified: why the customer could not be told. */
    why: String,
    /** The conversation event an entry the system wrote comes from (appended once however often retried). */
    eventId: String,
  },
  { _id: false },
);

const ticketSchema = new Schema(
  {
    ticketId: { type: String, required: true, unique: true },
    ticketNo: { type: String, required: true, unique: true },
    conversationId: { type: String, required: true },
    openKfId: { type: String, required: true },
    externalUserId: { type: String, required: true },
    title: { type: String, required: true },
    description: { type: String },
    status: { type: String, enum: TICKET_STATUSES, default: 'open' },
    priority: { type: String, default: 'normal' },
    assignee: { type: String },
    dueAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    history: { type: [historyEntrySchema], default: [] },
  },
  { collection: 'tickets', versionKey: false },
);
ticketSchema.index({ assignee: 1, dueAt: 1 });
ticketSchema.index({ status: 1, dueAt: 1 });
ticketSchema.index({ conversationId: 1 });

export type Ticket = InferSchemaType<typeof ticketSchema>;
export type TicketHistoryEntry = InferSchemaType<typeof historyEntrySchema>;
export const TicketModel = mongoose.model('Ticket', ticketSchema);
