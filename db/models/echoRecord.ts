// The record written by the development echo workflow: proves api → Temporal → activity → MongoDB.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const echoRecordSchema = new Schema(
  {
    echoId: { type: String, required: true, unique: true },
    text: { type: String, required: true },
    workflowId: { type: String, required: true },
    storedAt: { type: Date, required: true },
  },
  { collection: 'echo_records', versionKey: false },
);

export type EchoRecord = InferSchemaType<typeof echoRecordSchema>;
export const EchoRecordModel = mongoose.model('EchoRecord', echoRecordSchema);
