// Appends documents that carry their own unique key (msgid, eventId): a retried write inserts
// nothing twice. An insert is the one write whose cost does not grow with the collection on
// FerretDB (MONGODB.md: every filter scans), so the hot path appends instead of upserting.

import { writeErrorsOf } from './writeErrors';

const DUPLICATE_KEY = 11000;

/** Any mongoose model (only its insertMany is used). */
interface Appendable {
  insertMany(docs: object[], options: { ordered: boolean }): Promise<unknown>;
}

/** Inserts every document it can; returns the indexes of those that were new (not duplicates). */
export async function insertOnce(model: Appendable, docs: object[]): Promise<number[]> {
  if (docs.length === 0) return [];
  try {
    // mongoose casts and applies defaults; the driver reports duplicates per document.
    await model.insertMany(docs, { ordered: false });
    return docs.map((_, i) => i);
  } catch (error) {
    const writeErrors = writeErrorsOf(error);
    if (writeErrors.length === 0 && (error as { code?: number }).code === DUPLICATE_KEY && docs.length === 1) return [];
    if (writeErrors.length === 0 || writeErrors.some((e) => e.code !== DUPLICATE_KEY)) throw error;
    const duplicates = new Set(writeErrors.map((e) => e.index));
    return docs.map((_, i) => i).filter((i) => !duplicates.has(i));
  }
}
