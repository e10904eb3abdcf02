// A WeCom customer of one kf account: profile from kf/customer/batchget, our tier and tags, and the
// session counter that gives each new conversation its own workflow id. What a session leaves for the
// next one is kept apart (db/models/sessionContext.ts): people change this document while conversations run.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { closedSessionFields } from './sessionContext';

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
    /**
     * Written by conversations before each kept its own (db/models/sessionContext.ts); read only as
     * the fallback for a customer whose previous session closed before that.
     */
    lastAgentId: { type: String },
    lastSession: closedSessionFields,
    profileFetchedAt: { type: Date },
  },
  { collection: 'customers', versionKey: false },
);
customerSchema.index({ openKfId: 1, externalUserId: 1 }, { unique: true });

export type Customer = InferSchemaType<typeof customerSchema>;
export const CustomerModel = mongoose.model('Customer', customerSchema);
