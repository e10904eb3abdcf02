// What one conversation leaves for the customer's next one: the agent who served them last, and once
// it closed its context (turns, the last answer, KPI facts, the msgids it took). One document per
// conversation, _id = its conversation id, written only by that conversation's record activity and
// read by the next session by _id (the cheapest look-up on FerretDB). It is not kept on the customer
// document because people change that one (tier, tags) while the conversation runs, and FerretDB 1.24
// loses one of two concurrent updates of a document (measured: a tier change racing the assignment's
// write was lost in 94 of 200 tries).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/** The closed session's context (activities/outbound.ts SessionContext), as stored. */
export const closedSessionFields = {
  conversationId: String,
  closedAt: Number,
  closedReason: String,
  recentCustomerTurns: [String],
  lastAnsweredEntryId: String,
  handoffReason: String,
  agentId: String,
  csat: String,
  /** For the KPIs' re-contact rules (domain/kpi.ts): the skill, the topic, whether the bot answered. */
  servedBy: String,
  skill: String,
  topic: String,
  answered: Boolean,
  abandoned: Boolean,
  msgids: [String],
};

const sessionContextSchema = new Schema(
  {
    _id: { type: String, required: true },
    openKfId: { type: String, required: true },
    externalUserId: { type: String, required: true },
    lastAgentId: { type: String },
    lastSession: closedSessionFields,
  },
  { collection: 'session_contexts', versionKey: false },
);

export type SessionContextDoc = InferSchemaType<typeof sessionContextSchema>;
export const SessionContextModel = mongoose.model('SessionContext', sessionContextSchema);
