// A knowledge-base entry as operators edit it at run time. Seeded from KB_FILE when the collection
// is empty; the worker's engine reloads when the entries change (version / updatedAt).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const kbEntrySchema = new Schema(
  {
    entryId: { type: String, required: true, unique: true },
    skill: { type: String, required: true },
    question: { type: String, required: true },
    similar: { type: [String], default: [] },
    answer: { type: String, required: true },
    enabled: { type: Boolean, default: true },
    version: { type: Number, default: 1 },
    hits: { type: Number, default: 0 },
    rejects: { type: Number, default: 0 },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'kb_entries', versionKey: false },
);

export type KbEntryDoc = InferSchemaType<typeof kbEntrySchema>;
export const KbEntryModel = mongoose.model('KbEntry', kbEntrySchema);
