// An agent's verdict on one bot answer (its msgid): right or wrong, why, and the correction. One
// per answer: marking it again replaces the verdict (and the KPI counters follow, domain/kpi.ts).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { markReasons } from './reviewItem';

const answerMarkSchema = new Schema(
  {
    /** The bot answer's msgid. */
    _id: { type: String, required: true },
    conversationId: { type: String, required: true },
    openKfId: { type: String, required: true },
    entryId: { type: String, required: true },
    answeredAt: { type: Date, required: true },
    verdict: { type: String, enum: ['right', 'wrong'], required: true },
    reason: { type: String, enum: markReasons },
    correctEntryId: { type: String },
    correctAnswer: { type: String },
    /** Whether it counts as a misjudgement of its own (not when the customer had already turned the answer down). */
    counted: { type: Boolean, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'answer_marks', versionKey: false },
);

export type AnswerMark = InferSchemaType<typeof answerMarkSchema>;
export const AnswerMarkModel = mongoose.model('AnswerMark', answerMarkSchema);
