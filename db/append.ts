// Appending to a collection that grows with traffic (the transcript, the event log) without reading
// it: a plain insert, with the unique key (msgid, eventId) making a retried write a no-op. On
// FerretDB an insert stays flat however large the collection, while an upsert by the same key scans
// it (docs/PERFORMANCE.md); on MongoDB both use the index, and the insert is still the cheaper one.
import type { Model } from 'mongoose';

const DUPLICATE_KEY = 11000;

interface BulkWriteFailure {
  code?: number;
  writeErrors?: { code?: number }[];
  insertedCount?: number;
  result?: { insertedCount?: number };
}

/** Inserts every document whose unique key is new; returns how many were new. */
export async function appendOnce(model: Pick<Model<never>, 'collection'>, docs: object[]): Promise<number> {
  if (docs.length === 0) return 0;
  try {
    const result = await model.collection.insertMany(docs as never[], { ordered: false });
    return result.insertedCount;
  } catch (error) {
    const failure = error as BulkWriteFailure;
    const errors = failure.writeErrors ?? (failure.code === undefined ? [] : [{ code: failure.code }]);
    if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw error;
    return failure.insertedCount ?? failure.result?.insertedCount ?? docs.length - errors.length;
  }
}
