// An internal note on a conversation: written by agents and supervisors for each other, kept
// here and never sent to the customer; a whisper is one a rapid-support helper wrote to the agent
// who asked for help. Appended, never edited; read by conversation when one is
// opened (not on a timer: the collection grows with traffic and FerretDB scans it, MONGODB.md).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const conversationNoteSchema = new Schema(
  {
    noteId: { type: String, required: true, unique: true },
    conversationId: { type: String, required: true },
    authorId: { type: String, required: true },
    authorName: { type: String, required: true },
    text: { type: String, required: true },
    at: { type: Date, required: true },
    kind: { type: String, enum: ['note', 'whisper'], default: 'note' },
    /** A whisper: the agent it is for, and the consult it belongs to. */
    to: String,
    consultId: String,
  },
  { collection: 'conversation_notes', versionKey: false },
);
conversationNoteSchema.index({ conversationId: 1, at: 1 });

export type ConversationNote = InferSchemaType<typeof conversationNoteSchema>;
export const ConversationNoteModel = mongoose.model('ConversationNote', conversationNoteSchema);
