// A ticket (工单): an unresolved problem followed up after the conversation, with its own due time.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const ticketSchema = new Schema(
  {
    ticketId: { type: String, required: true, unique: true },
    ticketNo: { type: String, required: true, unique: true },
    conversationId: { type: String, required: true },
    openKfId: { type: String, required: true },
    externalUserId: { type: String, required: true },
    title: { type: String, required: true },
    description: { type: String },
    status: { type: String, enum: ['open', 'in_progress', 'resolved', 'closed'], default: 'open' },
    priority: { type: String, default: 'normal' },
    assignee: { type: String },
    dueAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    history: { type: [{ at: Date, status: String, note: String, by: String, _id: false }], default: [] },
  },
  { collection: 'tickets', versionKey: false },
);

export type Ticket = InferSchemaType<typeof ticketSchema>;
export const TicketModel = mongoose.model('Ticket', ticketSchema);
