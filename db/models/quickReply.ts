// A quick reply (快捷回复): a text an agent sends often. Shared ones are kept by supervisors for
// everyone; personal ones belong to their user. A small collection: the workspace reads it whole.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const quickReplySchema = new Schema(
  {
    replyId: { type: String, required: true, unique: true },
    scope: { type: String, enum: ['shared', 'personal'], required: true },
    /** The user a personal reply belongs to. */
    ownerId: { type: String },
    title: { type: String, required: true },
    text: { type: String, required: true },
    updatedBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'quick_replies', versionKey: false },
);
quickReplySchema.index({ scope: 1, ownerId: 1 });

export type QuickReply = InferSchemaType<typeof quickReplySchema>;
export const QuickReplyModel = mongoose.model('QuickReply', quickReplySchema);
