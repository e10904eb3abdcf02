// A WeCom kf account as the inbox sees it: the sync cursor of record (saved only after the page it
// ends has been delivered, so a restarted inbox resumes where delivery stopped), the send time of
// the newest message delivered (a replay after a lost cursor skips what is older), and the health
// of syncing that /healthz reports.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const kfAccountSchema = new Schema(
  {
    openKfId: { type: String, required: true, unique: true },
    name: { type: String },
    cursor: { type: String },
    /** WeCom send_time (seconds) of the newest message delivered. */
    deliveredUpTo: { type: Number },
    lastSyncAt: { type: Date },
    lastSyncOkAt: { type: Date },
    /** Set while syncing fails; cleared by the next successful sync. */
    syncFailingSince: { type: Date },
    lastSyncError: { type: String },
    /** How often WeCom refused the saved cursor and the inbox re-read the last three days. */
    cursorResets: { type: Number, default: 0 },
    syncs: { type: Number, default: 0 },
  },
  { collection: 'kf_accounts', versionKey: false },
);

export type KfAccount = InferSchemaType<typeof kfAccountSchema>;
export const KfAccountModel = mongoose.model('KfAccount', kfAccountSchema);
