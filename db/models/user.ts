// A person (or an integration) who may use the workspace and the REST API: a role, the knowledge-
// base editor permission, the agent record they act as, their WeCom userid for signing in with
// WeCom, and a password hash (scrypt, api/auth/passwords.ts) when they sign in with a password.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const userSchema = new Schema(
  {
    userId: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    /** May edit the knowledge base (admins always may). */
    kbEditor: { type: Boolean, default: false },
    /** The agent (agents collection) whose conversations this user serves. */
    agentId: { type: String },
    wecomUserId: { type: String },
    passwordHash: { type: String },
    disabled: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'users', versionKey: false },
);
userSchema.index({ wecomUserId: 1 });

export type User = InferSchemaType<typeof userSchema>;
export const UserModel = mongoose.model('User', userSchema);
