// An alert raised when an SLA breaks; delivered to the WeCom group robot when one is configured.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const alertSchema = new Schema(
  {
    alertId: { type: String, required: true, unique: true },
    kind: { type: String, required: true },
    conversationId: { type: String },
    message: { type: String, required: true },
    priority: { type: Number },
    at: { type: Date, required: true },
    delivered: { type: Boolean, default: false },
    error: { type: String },
  },
  { collection: 'alerts', versionKey: false },
);

export type Alert = InferSchemaType<typeof alertSchema>;
export const AlertModel = mongoose.model('Alert', alertSchema);
