// The misjudgement review queue: bot answers the customer turned down or an agent marked wrong,
// questions the bot did not understand, and handoffs right after a bot answer. Created as the
// events are stored (the event id is the item's id, so a retry adds nothing) or by an agent's
// mark; triaged new → reviewed → fixed (linked to the KB version that fixed it) or dismissed.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const reviewSources = ['customer_rejected', 'agent_marked', 'not_understood', 'handoff_after_answer'] as const;
export const reviewStatuses = ['new', 'reviewed', 'fixed', 'dismissed'] as const;
export const markReasons = ['incorrect', 'outdated', 'incomplete', 'should_have_handed_off'] as const;

const reviewItemSchema = new Schema(
  {
    _id: { type: String, required: true },
    source: { type: String, enum: reviewSources, required: true },
    status: { type: String, enum: reviewStatuses, default: 'new' },
    conversationId: { type: String, required: true },
    openKfId: { type: String },
    question: { type: String, default: '' },
    /** The entry the bot answered from (or its best guess), and that answer's msgid. */
    entryId: { type: String },
    answerMsgid: { type: String },
    /** An agent's mark: why, and what would have been right. */
    reason: { type: String, enum: markReasons },
    correctEntryId: { type: String },
    correctAnswer: { type: String },
    markedBy: { type: String },
    handoffReason: { type: String },
    at: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String },
    /** The KB version that fixed it. */
    fixedBy: { type: Number },
  },
  { collection: 'review_items', versionKey: false },
);
reviewItemSchema.index({ status: 1, at: -1 });

export type ReviewItem = InferSchemaType<typeof reviewItemSchema>;
export const ReviewItemModel = mongoose.model('ReviewItem', reviewItemSchema);
