// A human agent (客服): skills, tier, capacity and live status. freeSlots is kept as its own field
// (capacity minus active conversations) because FerretDB has no $expr: the atomic reservation
// filters on freeSlots > 0 and decrements it in the same findOneAndUpdate.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const agentSchema = new Schema(
  {
    agentId: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    /** The WeCom servicer userid (HUMAN_MODE=wecom hands sessions to it). */
    wecomUserId: { type: String },
    skills: { type: [String], default: [] },
    tier: { type: String, enum: ['junior', 'senior', 'supervisor'], default: 'junior' },
    groups: { type: [String], default: [] },
    capacity: { type: Number, default: 3 },
    freeSlots: { type: Number, default: 3 },
    status: { type: String, enum: ['online', 'away', 'offline'], default: 'offline' },
    activeConversations: { type: [String], default: [] },
    lastAssignedAt: { type: Date },
  },
  { collection: 'agents', versionKey: false },
);
agentSchema.index({ status: 1, freeSlots: 1 });

export type Agent = InferSchemaType<typeof agentSchema>;
export const AgentModel = mongoose.model('Agent', agentSchema);
