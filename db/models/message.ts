// The transcript: every customer, bot, agent and system message, unique by msgid so a retried
// write (or a message synced twice) is stored once. sync_msg never returns what we sent, so our
// outbound messages are only known from here.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const messageSchema = new Schema(
  {
    msgid: { type: String, required: true, unique: true },
    conversationId: { type: String, required: true },
    openKfId: { type: String, required: true },
    externalUserId: { type: String, required: true },
    direction: { type: String, enum: ['in', 'out'], required: true },
    from: { type: String, enum: ['customer', 'bot', 'agent', 'system'], required: true },
    msgtype: { type: String, required: true },
    text: { type: String },
    menuId: { type: String },
    agentId: { type: String },
    kbEntryId: { type: String },
    /** A bot answer: the customer's question it answered. */
    question: { type: String },
    sentAt: { type: Date, required: true },
  },
  { collection: 'messages', versionKey: false },
);
messageSchema.index({ conversationId: 1, sentAt: 1 });

export type Message = InferSchemaType<typeof messageSchema>;
export const MessageModel = mongoose.model('Message', messageSchema);
