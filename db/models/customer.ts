// A WeCom customer of one kf account: profile from kf/customer/batchget, our tier and tags, and the
// session counter that gives each new conversation its own workflow id.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const customerSchema = new Schema(
  {
    openKfId: { type: String, required: true },
    externalUserId: { type: String, required: true },
    nickname: { type: String },
    avatar: { type: String },
    gender: { type: Number },
    unionid: { type: String },
    tier: { type: String, default: 'normal' },
    tags: { type: [String], default: [] },
    /** The current (or last) session number; bumped only once the previous session has closed. */
    session: { type: Number, default: 1 },
    lastAgentId: { type: String },
    /** What the last closed session leaves for the next one: a message right after close is understood with it. */
    lastSession: {
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
    },
    profileFetchedAt: { type: Date },
  },
  { collection: 'customers', versionKey: false },
);
customerSchema.index({ openKfId: 1, externalUserId: 1 }, { unique: true });

export type Customer = InferSchemaType<typeof customerSchema>;
export const CustomerModel = mongoose.model('Customer', customerSchema);
