// A human agent (客服): skills, tier, capacity and live status. The conversations an agent holds
// are slots in agent_slots (agentSlot.ts), so the load is derived, never a counter to keep right.
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
    status: { type: String, enum: ['online', 'away', 'offline'], default: 'offline' },
    lastAssignedAt: { type: Date },
  },
  { collection: 'agents', versionKey: false },
);
agentSchema.index({ status: 1 });

export type Agent = InferSchemaType<typeof agentSchema>;
export const AgentModel = mongoose.model('Agent', agentSchema);
