// Keeps the KPI counters as events happen: each counted event adds to its cell with one $inc
// (upsert), never by re-reading the event log.
//
// Why one document per writer process: FerretDB 1.24 (our local store) applies an update as read,
// modify, write, and loses updates when two land on the same document at once (measured: 200
// concurrent $inc of one document left 14; even a compare-and-set on a revision lost most). So each
// process writes only its own documents (the writer id is in the _id) and queues its writes per
// document: no two updates of one document ever overlap, on FerretDB or MongoDB. Readers sum a
// cell's documents; there are at most as many as processes that wrote that day.
//
// Idempotent on the event id: the caller inserts the events first (db/insertOnce.ts, unique
// eventId) and counts only those that were new, so a retried activity never counts twice. A crash
// between that insert and the $inc leaves those events uncounted (an undercount of a few events,
// never a double count): no transaction ties the two together on FerretDB.
import os from 'node:os';
import { cellId, type Cell, type Counts } from '../domain/kpi';
import { KpiCounterModel } from './models/kpiCounter';

/** This process's writer id: unique among processes that run at once (host + pid). */
export const counterWriter = `${os.hostname()}-${process.pid}`;

/** The write in flight per document, so the next one waits for it. */
const tails = new Map<string, Promise<void>>();

/** A failed write is tried again a few times: once the events are stored, a lost $inc is not retried by anyone. */
async function write(id: string, cell: Cell, inc: Counts, attempt = 1): Promise<void> {
  try {
    await writeOnce(id, cell, inc);
  } catch (error) {
    if (attempt >= 4) throw error;
    await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    await write(id, cell, inc, attempt + 1);
  }
}

async function writeOnce(id: string, cell: Cell, inc: Counts): Promise<void> {
  await KpiCounterModel.collection.updateOne(
    { _id: id as never },
    {
      $inc: Object.fromEntries(Object.entries(inc).map(([name, amount]) => [`n.${name}`, amount])),
      $setOnInsert: { ...cell, writer: counterWriter },
    },
    { upsert: true },
  );
}

/** Adds every update to its cell: updates of one cell are merged into one $inc, cells queue per document. */
export async function addCounts(updates: { cell: Cell; inc: Counts }[]): Promise<void> {
  const merged = new Map<string, { cell: Cell; inc: Counts }>();
  for (const { cell, inc } of updates) {
    const id = `${cellId(cell)}|${counterWriter}`;
    const into = merged.get(id) ?? { cell, inc: {} };
    for (const [name, amount] of Object.entries(inc)) into.inc[name] = (into.inc[name] ?? 0) + amount;
    merged.set(id, into);
  }
  await Promise.all(
    [...merged].map(([id, { cell, inc }]) => {
      const previous = tails.get(id) ?? Promise.resolve();
      const mine = previous.catch(() => undefined).then(() => write(id, cell, inc));
      const tail = mine.catch(() => undefined);
      tails.set(id, tail);
      void tail.then(() => {
        if (tails.get(id) === tail) tails.delete(id);
      });
      return mine;
    }),
  );
}

/** The counter documents of the days [first, last], optionally of one account, agent, skill or entry. */
export async function countersOf(
  first: string,
  last: string,
  filter: Partial<Pick<Cell, 'openKfId' | 'agentId' | 'skill' | 'entryId'>> = {},
): Promise<{ cell: Cell; counts: Counts }[]> {
  const docs = await KpiCounterModel.find({ day: { $gte: first, $lte: last }, ...filter }).lean();
  return docs.map((doc) => ({
    cell: {
      day: doc.day,
      openKfId: doc.openKfId,
      agentId: doc.agentId ?? '',
      skill: doc.skill ?? '',
      entryId: doc.entryId ?? '',
    },
    counts: (doc.n ?? {}) as Counts,
  }));
}
