// The knowledge base's history: one document per change (create, edit, disable, enable, import,
// roll back), numbered by the KB version it made, with who, when, and the entry before and after,
// so any version can be shown and restored. Append-only: the version is the document's _id, and
// claiming the next one is an insert the unique _id refuses twice (no transaction needed).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const kbChangeSchema = new Schema(
  {
    _id: { type: Number, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    action: { type: String, enum: ['create', 'update', 'disable', 'enable', 'import', 'rollback'], required: true },
    entryId: { type: String, required: true },
    /** The entry as it was (null: it did not exist) and as it became. */
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
    note: { type: String },
    /** The review items this change fixed. */
    fixes: { type: [String], default: undefined },
  },
  { collection: 'kb_changes', versionKey: false },
);

export type KbChange = InferSchemaType<typeof kbChangeSchema>;
export const KbChangeModel = mongoose.model('KbChange', kbChangeSchema);
