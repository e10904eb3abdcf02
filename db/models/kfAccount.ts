// A WeCom kf account as the inbox sees it: the sync cursor mirrored for visibility (the inbox
// workflow's state is the cursor of record) and sync counters.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const kfAccountSchema = new Schema(
  {
    openKfId: { type: String, required: true, unique: true },
    name: { type: String },
    cursor: { type: String },
    lastSyncAt: { type: Date },
    syncs: { type: Number, default: 0 },
  },
  { collection: 'kf_accounts', versionKey: false },
);

export type KfAccount = InferSchemaType<typeof kfAccountSchema>;
export const KfAccountModel = mongoose.model('KfAccount', kfAccountSchema);
