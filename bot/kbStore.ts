// The knowledge base in MongoDB: seeded once from the KB file, edited at run time, read back as
// the same KnowledgeBase shape the engine is built from.
import { KbEntryModel } from '../db/models/kbEntry';
import type { KnowledgeBase } from './kb';

/** Inserts the file's entries when the collection is empty; an existing KB is never overwritten. */
export async function seedKnowledgeBase(kb: KnowledgeBase): Promise<number> {
  if ((await KbEntryModel.countDocuments()) > 0) return 0;
  const now = new Date();
  const result = await KbEntryModel.bulkWrite(
    kb.entries.map((entry) => ({
      updateOne: {
        filter: { entryId: entry.id },
        update: {
          $setOnInsert: {
            entryId: entry.id,
            skill: entry.skill,
            question: entry.question,
            similar: entry.similar,
            answer: entry.answer,
            enabled: entry.enabled,
            version: 1,
            hits: 0,
            rejects: 0,
            updatedAt: now,
          },
        },
        upsert: true,
      },
    })),
    { ordered: false },
  );
  return result.upsertedCount;
}

export async function loadKnowledgeBaseFromMongo(base: Pick<KnowledgeBase, 'name' | 'skills'>): Promise<KnowledgeBase> {
  const docs = await KbEntryModel.find({}).sort({ entryId: 1 }).lean();
  return {
    ...base,
    entries: docs.map((doc) => ({
      id: doc.entryId,
      skill: doc.skill,
      question: doc.question,
      similar: doc.similar ?? [], // FerretDB 1.24 drops an empty array written by an upsert
      answer: doc.answer,
      enabled: doc.enabled,
    })),
  };
}

/** Changes whenever an entry is added, removed or edited: the engine rebuilds when it does. */
export async function knowledgeBaseStamp(): Promise<string> {
  const [count, latest] = await Promise.all([
    KbEntryModel.countDocuments(),
    KbEntryModel.findOne({}, { updatedAt: 1 }).sort({ updatedAt: -1 }).lean(),
  ]);
  return `${count}:${latest?.updatedAt?.toISOString() ?? ''}`;
}
