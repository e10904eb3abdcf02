// The conversation mirror: one document per conversation workflow, upserted by the workflow's
// activity on every state change, so lists and analytics need not query Temporal.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const conversationSchema = new Schema(
  {
    conversationId: { type: String, required: true, unique: true },
    openKfId: { type: String, required: true },
    externalUserId: { type: String, required: true },
    session: { type: Number, required: true },
    state: { type: String, required: true },
    humanMode: { type: String, required: true },
    agentId: { type: String },
    handoffReason: { type: String },
    /** The handoff card's summary (LLM-written when configured, else the customer's last words). */
    handoffSummary: { type: String },
    priority: { type: Number },
    skill: { type: String },
    customerTier: { type: String },
    nickname: { type: String },
    ticketNo: { type: String },
    csat: { type: String },
    closedReason: { type: String },
    startedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    queuedAt: { type: Date },
    assignedAt: { type: Date },
    closedAt: { type: Date },
    /** The workflow's own sequence number of this mirror write: older writes never win. */
    revision: { type: Number, required: true },
  },
  { collection: 'conversations', versionKey: false },
);
conversationSchema.index({ state: 1, priority: -1, queuedAt: 1 });
conversationSchema.index({ openKfId: 1, externalUserId: 1, session: -1 });

export type Conversation = InferSchemaType<typeof conversationSchema>;
export const ConversationModel = mongoose.model('Conversation', conversationSchema);
