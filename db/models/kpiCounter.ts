// KPI counters: one document per cell (day × kf account × agent × skill × KB entry) and writer
// process, holding counter name → amount under `n` (domain/kpi.ts names them). The analytics API
// sums the documents of a range of days; the collection grows with days × cells, never with traffic.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const kpiCounterSchema = new Schema(
  {
    /** The cell's id (domain/kpi.ts cellId) and the writer's, joined with '|'. */
    _id: { type: String, required: true },
    day: { type: String, required: true },
    openKfId: { type: String, required: true },
    agentId: { type: String, default: '' },
    skill: { type: String, default: '' },
    entryId: { type: String, default: '' },
    writer: { type: String, required: true },
    n: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'kpi_counters', versionKey: false, minimize: false },
);
kpiCounterSchema.index({ day: 1 });

export type KpiCounter = InferSchemaType<typeof kpiCounterSchema>;
export const KpiCounterModel = mongoose.model('KpiCounter', kpiCounterSchema);
