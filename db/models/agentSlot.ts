// One conversation held by one agent: a slot of the agent's capacity. The unique _id
// (<agentId>#<slot number>) and the unique conversationId make a reservation a single insert,
// which is atomic on MongoDB and on FerretDB alike; FerretDB 1.24's findOneAndUpdate is not
// atomic against a concurrent one, so a counter on the agent could be overdrawn.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const agentSlotSchema = new Schema(
  {
    _id: { type: String, required: true },
    agentId: { type: String, required: true },
    conversationId: { type: String, required: true, unique: true },
    at: { type: Date, required: true },
  },
  { collection: 'agent_slots', versionKey: false },
);
agentSlotSchema.index({ agentId: 1 });

export type AgentSlot = InferSchemaType<typeof agentSlotSchema>;
export const AgentSlotModel = mongoose.model('AgentSlot', agentSlotSchema);

/** The conversations each of these agents holds. */
export async function heldConversations(agentIds: string[]): Promise<Map<string, string[]>> {
  const held = new Map<string, string[]>(agentIds.map((id) => [id, []]));
  for (const slot of await AgentSlotModel.find({ agentId: { $in: agentIds } }).lean()) {
    held.get(slot.agentId)?.push(slot.conversationId);
  }
  return held;
}
