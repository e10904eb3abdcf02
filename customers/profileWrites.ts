// People's changes to customer profiles (the workspace, the REST API, an import), written so that
// they are kept. Each part is one operator on the customer's document ($pullAll, then $set and
// $addToSet), and after a moment the documents are read back and what is missing is written again.
// FerretDB 1.24 answers an update by reading the document and writing it back whole, so a concurrent
// update of the same customer undoes the other one (measured: a tier change racing another update of
// the document was lost in 94 of 200 tries). What else writes a customer's document: the inbox when
// the customer writes (the session counter, the tags of where they came in) and WeCom's profile read
// at most once a day. MongoDB keeps both updates; there the read-back finds nothing to write again.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Types } from 'mongoose';
import { CustomerModel } from '../db/models/customer';

export interface ProfileWrite {
  _id: Types.ObjectId;
  tier?: string;
  add: string[];
  remove: string[];
}

/**
 * How long after its write a change is read back: longer than another writer takes between reading
 * the document and writing it (one look-up and one update on FerretDB, a few milliseconds; more
 * under load). A later change of the same field within this moment may be written over by the
 * earlier one's second write.
 */
const SETTLE_MS = 50;
const ROUNDS = 3;

export interface StoredProfile {
  tier?: string | null;
  tags?: string[];
}

/**
 * Writes each change, then again what did not stay. Returns the count of second writes, of changes
 * still missing, and each customer's tier and tags as last read back.
 */
export async function writeProfiles(
  writes: ProfileWrite[],
  options: { settleMs?: number } = {},
): Promise<{ rewritten: number; missing: number; stored: Map<string, StoredProfile> }> {
  let pending = writes.filter((w) => w.tier !== undefined || w.add.length > 0 || w.remove.length > 0);
  let rewritten = 0;
  const stored = new Map<string, StoredProfile>();
  for (let round = 0; round < ROUNDS && pending.length > 0; round++) {
    if (round > 0) rewritten += pending.length;
    for (const write of pending) await writeOne(write);
    await sleep(options.settleMs ?? SETTLE_MS);
    const docs = await CustomerModel.find({ _id: { $in: pending.map((w) => w._id) } }, { tier: 1, tags: 1 }).lean();
    for (const doc of docs) stored.set(String(doc._id), doc);
    pending = pending.flatMap((write) => {
      const left = notKept(write, stored.get(String(write._id)));
      return left ? [left] : [];
    });
  }
  return { rewritten, missing: pending.length, stored };
}

/** The part of a change the stored document does not show; undefined when it shows all of it (or is gone). */
function notKept(write: ProfileWrite, doc: StoredProfile | undefined) {
  if (!doc) return undefined;
  const tags = doc.tags ?? [];
  const left: ProfileWrite = {
    _id: write._id,
    ...(write.tier !== undefined && doc.tier !== write.tier ? { tier: write.tier } : {}),
    add: write.add.filter((tag) => !tags.includes(tag)),
    remove: write.remove.filter((tag) => tags.includes(tag)),
  };
  return left.tier !== undefined || left.add.length > 0 || left.remove.length > 0 ? left : undefined;
}

// One update at a time, by _id, not bulkWrite: on FerretDB 1.24 a bulkWrite of 20 updates took 0.6 s
// and one of 50 over 90 s, where single updates by _id take about 4 ms each (measured for the import;
// _id is the cheapest look-up, MONGODB.md). $pullAll with the exact tags, not $pull with
// an $in condition, which FerretDB 1.24 left undone here. $pullAll and $addToSet on one path cannot
// share an update, so a removal goes first.
async function writeOne(write: ProfileWrite): Promise<void> {
  const byId = { _id: write._id };
  if (write.remove.length > 0) await CustomerModel.updateOne(byId, { $pullAll: { tags: write.remove } });
  if (write.add.length > 0 || write.tier !== undefined)
    await CustomerModel.updateOne(byId, {
      ...(write.tier !== undefined ? { $set: { tier: write.tier } } : {}),
      ...(write.add.length > 0 ? { $addToSet: { tags: { $each: write.add } } } : {}),
    });
}
