// An API token for an integration, acting as the user it belongs to. Stored as the SHA-256 of the
// token (the _id, looked up directly); the token itself is shown once, when it is created.
// Revoking keeps the record (who had access, when) and stops it working at once.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const apiTokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Public id, part of the token's visible prefix, used to list and revoke it. */
    tokenId: { type: String, required: true, unique: true },
    userId: { type: String, required: true },
    name: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    expiresAt: { type: Date },
    revokedAt: { type: Date },
  },
  { collection: 'api_tokens', versionKey: false },
);
apiTokenSchema.index({ userId: 1 });

export type ApiToken = InferSchemaType<typeof apiTokenSchema>;
export const ApiTokenModel = mongoose.model('ApiToken', apiTokenSchema);
