// Keeps the KPI counters as events happen: each counted event adds to its cell with one $inc
// (upsert), never by re-reading the event log.
//
// Why one document per writer process: FerretDB 1.24 (our local store) applies an update as read,
// modify, write, and loses updates when two land on the same document at once (measured: 200
// concurrent $inc of one document left 14; even a compare-and-set on a revision lost most). So each
// process writes only its own documents (the writer id is in the _id), and one write of them at a
// time: no two updates of one document ever overlap, on FerretDB or MongoDB. Readers sum a cell's
// documents; there are at most as many as processes that wrote that day.
//
// One write is one round trip for every cell it holds (a bulk of updates): a first message counts
// in three cells, which took three round trips before. Increments that arrive while a write
// runs are merged into the one after it, per cell.
//
// Idempotent on the event id: the caller inserts the events first (db/insertOnce.ts, unique
// eventId) and counts only those that were new, so a retried activity never counts twice. A crash
// between that insert and the $inc leaves those events uncounted (an undercount of a few events,
// never a double count): no transaction ties the two together on FerretDB.
import os from 'node:os';
import { cellId, type Cell, type Counts } from '../domain/kpi';
import { KpiCounterModel } from './models/kpiCounter';
import { writeErrorsOf } from './writeErrors';

/** This process's writer id: unique among processes that run at once (host + pid). */
export const counterWriter = `${os.hostname()}-${process.pid}`;

/** A cell's increments waiting for a write, and the callers waiting for them to be written. */
interface CellWrite {
  cell: Cell;
  inc: Counts;
  /** Which try of these increments the next write is (1 until a write of them failed). */
  attempt: number;
  waiters: ((error?: unknown) => void)[];
}

/** The process's one writer: whether a write is running, and the cells the next one holds (by document id). */
const writer: { running: boolean; next?: Map<string, CellWrite> } = { running: false };

/** Tries per cell: once the events are stored, a lost $inc is not retried by anyone else. */
const ATTEMPTS = 4;
const retryDelayMs = (attempt: number) => 200 * 2 ** attempt;

/** One round trip for all the cells; returns those whose update failed, with the error. */
async function writeOnce(cells: Map<string, CellWrite>): Promise<Map<string, unknown>> {
  const ids = [...cells.keys()];
  const updates = ids.map((id) => {
    const { cell, inc } = cells.get(id)!;
    return {
      updateOne: {
        filter: { _id: id as never },
        update: {
          $inc: Object.fromEntries(Object.entries(inc).map(([name, amount]) => [`n.${name}`, amount])),
          $setOnInsert: { ...cell, writer: counterWriter },
        },
        upsert: true,
      },
    };
  });
  try {
    await KpiCounterModel.collection.bulkWrite(updates, { ordered: false });
    return new Map();
  } catch (error) {
    // Unordered: the driver names the updates that failed; the others were applied.
    const writeErrors = writeErrorsOf(error);
    const failedIds = writeErrors.length > 0 ? writeErrors.map((e) => ids[e.index]!) : ids;
    return new Map(failedIds.map((id) => [id, error ?? new Error('KPI counter write failed')]));
  }
}

function addTo(into: Counts, inc: Counts): void {
  for (const [name, amount] of Object.entries(inc)) into[name] = (into[name] ?? 0) + amount;
}

/** Puts a cell's increments into the next write, merged with those already waiting for it. */
function queue(id: string, write: CellWrite): void {
  const next = (writer.next ??= new Map());
  const queued = next.get(id);
  if (queued) {
    addTo(queued.inc, write.inc);
    queued.waiters.push(...write.waiters);
    queued.attempt = Math.max(queued.attempt, write.attempt);
  } else {
    next.set(id, write);
  }
  if (!writer.running) {
    // Started after the current task, so that every cell of one call goes in the same write.
    writer.running = true;
    queueMicrotask(() => void drain());
  }
}

/**
 * Writes the queued cells, one write at a time, until none is left. A cell whose update failed goes
 * back into a later write after a pause, alone with what was added to it meanwhile: the other cells
 * do not wait for it, and the updates that were applied are never sent twice.
 */
async function drain(): Promise<void> {
  while (writer.next) {
    const cells = writer.next;
    writer.next = undefined;
    const failed = await writeOnce(cells);
    for (const [id, write] of cells) {
      if (!failed.has(id)) for (const settle of write.waiters) settle();
      else if (write.attempt >= ATTEMPTS) for (const settle of write.waiters) settle(failed.get(id));
      else setTimeout(() => queue(id, { ...write, attempt: write.attempt + 1 }), retryDelayMs(write.attempt));
    }
  }
  writer.running = false;
}

/** Resolves once a write that includes `inc` is done (or rejects with that cell's failure). */
function enqueue(id: string, cell: Cell, inc: Counts): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown) => (error === undefined ? resolve() : reject(error as Error));
    queue(id, { cell, inc: { ...inc }, attempt: 1, waiters: [settle] });
  });
}

/** Adds every update to its cell: updates of one cell are merged, and no two writes of one document overlap. */
export async function addCounts(updates: { cell: Cell; inc: Counts }[]): Promise<void> {
  await Promise.all(updates.map(({ cell, inc }) => enqueue(`${cellId(cell)}|${counterWriter}`, cell, inc)));
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
