// Appends documents that carry their own unique key (msgid, eventId): a retried write inserts
// nothing twice. An insert is the one write whose cost does not grow with the collection on
// FerretDB (MONGODB.md: every filter scans), so the hot path appends instead of upserting.

const DUPLICATE_KEY = 11000;

interface BulkWriteFailure {
  code?: number;
  writeErrors?: { index: number; code: number }[] | { index: number; code: number };
}

/** Inserts every document it can; returns the indexes of those that were new (not duplicates). */
/** Any mongoose model (only its insertMany is used). */
interface Appendable {
  insertMany(docs: object[], options: { ordered: boolean }): Promise<unknown>;
}

export async function insertOnce(model: Appendable, docs: object[]): Promise<number[]> {
  if (docs.length === 0) return [];
  try {
    // mongoose casts and applies defaults; the driver reports duplicates per document.
    await model.insertMany(docs, { ordered: false });
    return docs.map((_, i) => i);
  } catch (error) {
    const failure = error as BulkWriteFailure;
    const writeErrors = failure.writeErrors === undefined ? [] : [failure.writeErrors].flat();
    if (writeErrors.length === 0 && failure.code === DUPLICATE_KEY && docs.length === 1) return [];
    if (writeErrors.length === 0 || writeErrors.some((e) => e.code !== DUPLICATE_KEY)) throw error;
    const duplicates = new Set(writeErrors.map((e) => e.index));
    return docs.map((_, i) => i).filter((i) => !duplicates.has(i));
  }
}
