// A consult (求助) open now: an agent asked the rapid-support group for help on a conversation they
// hold; who asked and what about, and who joined. One per conversation (its id is the
// conversation's: a second request is a duplicate key, atomic on FerretDB and MongoDB alike). The
// collection holds only open consults, so the workspaces' poll reads a small one; a consult that
// is over is deleted and its story stays in the event log (consult_requested, _joined, _whisper,
// _closed).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const helperSchema = new Schema(
  {
    userId: { type: String, required: true },
    agentId: String,
    name: { type: String, required: true },
    role: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
);

const openConsultSchema = new Schema(
  {
    /** The conversation's id. */
    _id: { type: String, required: true },
    consultId: { type: String, required: true, unique: true },
    requestedBy: {
      userId: { type: String, required: true },
      agentId: { type: String, required: true },
      name: { type: String, required: true },
    },
    question: { type: String, required: true },
    at: { type: Date, required: true },
    helpers: { type: [helperSchema], default: [] },
    whispers: { type: Number, default: 0 },
    lastWhisperAt: Date,
  },
  { collection: 'open_consults', versionKey: false },
);

export type OpenConsult = InferSchemaType<typeof openConsultSchema>;
export type ConsultHelper = InferSchemaType<typeof helperSchema>;
export const OpenConsultModel = mongoose.model('OpenConsult', openConsultSchema);
