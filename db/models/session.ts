// A signed-in browser. The _id is the SHA-256 of the cookie's random value, so the database never
// holds a usable session and a look-up is by _id (the cheapest on FerretDB). FerretDB has no TTL
// indexes: expiry is checked on every look-up and old sessions are swept at sign-in.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const sessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    via: { type: String, enum: ['password', 'wecom'], required: true },
  },
  { collection: 'sessions', versionKey: false },
);
sessionSchema.index({ userId: 1 });

export type Session = InferSchemaType<typeof sessionSchema>;
export const SessionModel = mongoose.model('Session', sessionSchema);
