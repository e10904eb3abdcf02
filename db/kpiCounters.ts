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

/**
 * Per document: whether a write is running, and the increments that arrived meanwhile, merged into
 * the one write that follows it. Under load a busy cell (the day's account, skill, entry) costs one
 * update per round trip rather than one per event; alone, an increment is written at once.
 */
interface Queue {
  running: boolean;
  next?: { cell: Cell; inc: Counts; written: Promise<void>; settle(error?: unknown): void };
}
const queues = new Map<string, Queue>();

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

function addTo(into: Counts, inc: Counts): void {
  for (const [name, amount] of Object.entries(inc)) into[name] = (into[name] ?? 0) + amount;
}

/** Resolves once a write that includes `inc` is done (or rejects with that write's failure). */
function enqueue(id: string, cell: Cell, inc: Counts): Promise<void> {
  let queue = queues.get(id);
  if (!queue) {
    queue = { running: false };
    queues.set(id, queue);
  }
  if (queue.next) {
    addTo(queue.next.inc, inc);
    return queue.next.written;
  }
  let settle!: (error?: unknown) => void;
  const written = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error as Error));
  });
  queue.next = { cell, inc: { ...inc }, written, settle };
  if (!queue.running) void drain(id, queue);
  return written;
}

/** Writes the queued increments of one document, one update at a time, until none is left. */
async function drain(id: string, queue: Queue): Promise<void> {
  queue.running = true;
  while (queue.next) {
    const batch = queue.next;
    queue.next = undefined;
    try {
      await write(id, batch.cell, batch.inc);
      batch.settle();
    } catch (error) {
      batch.settle(error ?? new Error('KPI counter write failed'));
    }
  }
  queue.running = false;
  queues.delete(id);
}

/** Adds every update to its cell: updates of one cell are merged, and no two writes of one document overlap. */
export async function addCounts(updates: { cell: Cell; inc: Counts }[]): Promise<void> {
  const merged = new Map<string, { cell: Cell; inc: Counts }>();
  for (const { cell, inc } of updates) {
    const id = `${cellId(cell)}|${counterWriter}`;
    const into = merged.get(id) ?? { cell, inc: {} };
    addTo(into.inc, inc);
    merged.set(id, into);
  }
  await Promise.all([...merged].map(([id, { cell, inc }]) => enqueue(id, cell, inc)));
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
