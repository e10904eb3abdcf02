// The append-only event log analytics are computed from: handoffs with their reason, SLA breaches
// with their kind, answers, resolutions, CSAT. eventId is deterministic (workflow id + sequence),
// so a retried activity appends once.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const eventSchema = new Schema(
  {
    eventId: { type: String, required: true, unique: true },
    type: { type: String, required: true },
    conversationId: { type: String },
    openKfId: { type: String },
    agentId: { type: String },
    skill: { type: String },
    at: { type: Date, required: true },
    data: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'events', versionKey: false },
);
eventSchema.index({ type: 1, at: 1 });
eventSchema.index({ conversationId: 1, at: 1 });

export type CsEvent = InferSchemaType<typeof eventSchema>;
export const EventModel = mongoose.model('Event', eventSchema);
