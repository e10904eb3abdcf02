// A sync_msg page between reading and delivering it: kept in MongoDB (read back by _id), so a page
// of a thousand long messages never travels as one Temporal payload (2 MB limit) and a delivery
// that fails half-way resumes from its heartbeat instead of from the start.
import mongoose, { Schema } from 'mongoose';

const kfInboxPageSchema = new Schema(
  {
    _id: { type: String, required: true },
    openKfId: { type: String, required: true },
    /** Normalised messages: { externalUserId, message }. */
    messages: { type: [Schema.Types.Mixed], default: [] },
    createdAt: { type: Date, required: true },
  },
  { collection: 'kf_inbox_pages', versionKey: false },
);

export const KfInboxPageModel = mongoose.model('KfInboxPage', kfInboxPageSchema);
