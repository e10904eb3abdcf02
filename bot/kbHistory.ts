// Editing the knowledge base with its history: every change is a numbered KB version (who, when,
// the entry before and after, db/models/kbChange.ts), any version can be restored, and the worker's
// engine picks the result up from the KB stamp (bot/kbStore.ts) without a restart. Edits are rare
// and made by people, so one entry is written at a time; the version number is claimed by an insert.
import { KbChangeModel } from '../db/models/kbChange';
import { KbEntryModel } from '../db/models/kbEntry';
import type { KbEntry } from './kb';

export type EntryFields = Omit<KbEntry, 'id'>;
export type Action = 'create' | 'update' | 'disable' | 'enable' | 'import' | 'rollback';

/** An entry as the history keeps it (what the KB file has). */
export type EntrySnapshot = KbEntry;

const DUPLICATE_KEY = 11000;

export async function currentVersion(): Promise<number> {
  const latest = await KbChangeModel.findOne({}, { _id: 1 }).sort({ _id: -1 }).lean();
  return latest?._id ?? 0;
}

async function snapshotOf(entryId: string): Promise<EntrySnapshot | null> {
  const doc = await KbEntryModel.findOne({ entryId }).lean();
  if (!doc) return null;
  return {
    id: doc.entryId,
    skill: doc.skill,
    question: doc.question,
    similar: doc.similar ?? [],
    answer: doc.answer,
    enabled: doc.enabled ?? true,
  };
}

/** Claims the next version for this change (an insert; a concurrent editor's claim makes it try the next). */
async function appendChange(change: {
  by: string;
  action: Action;
  entryId: string;
  before: EntrySnapshot | null;
  after: EntrySnapshot | null;
  note?: string;
  fixes?: string[];
}): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const version = (await currentVersion()) + 1;
    try {
      await KbChangeModel.create({ _id: version, at: new Date(), ...change });
      return version;
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY || attempt > 20) throw error;
    }
  }
}

async function write(entryId: string, fields: EntryFields | null): Promise<void> {
  if (fields === null) {
    // An entry created after the version being restored did not exist then: it is disabled, never
    // deleted, so its history and its counters keep their meaning.
    await KbEntryModel.updateOne(
      { entryId },
      { $set: { enabled: false, updatedAt: new Date() }, $inc: { version: 1 } },
    );
    return;
  }
  await KbEntryModel.updateOne(
    { entryId },
    {
      $set: { ...fields, similar: fields.similar ?? [], updatedAt: new Date() },
      $inc: { version: 1 },
      $setOnInsert: { entryId, hits: 0, rejects: 0 },
    },
    { upsert: true },
  );
}

const same = (a: EntrySnapshot | null, b: EntrySnapshot | null) => JSON.stringify(a) === JSON.stringify(b);

/** Creates or replaces an entry as one KB version; undefined when nothing changed. */
export async function saveEntry(
  entryId: string,
  fields: EntryFields,
  by: string,
  options: { action?: Action; note?: string; fixes?: string[] } = {},
): Promise<{ version?: number; entry: EntrySnapshot }> {
  const before = await snapshotOf(entryId);
  const after: EntrySnapshot = {
    id: entryId,
    ...fields,
    similar: fields.similar ?? [],
    enabled: fields.enabled ?? true,
  };
  if (same(before, after)) return { entry: after };
  await write(entryId, after);
  const action =
    options.action ??
    (before === null
      ? 'create'
      : before.enabled && !after.enabled
        ? 'disable'
        : !before.enabled && after.enabled
          ? 'enable'
          : 'update');
  const version = await appendChange({ by, action, entryId, before, after, note: options.note, fixes: options.fixes });
  return { version, entry: after };
}

/** Turns an entry off (or on again) as one KB version. */
export async function setEnabled(
  entryId: string,
  enabled: boolean,
  by: string,
): Promise<{ version?: number; entry: EntrySnapshot } | undefined> {
  const before = await snapshotOf(entryId);
  if (!before) return undefined;
  const { id: _, ...fields } = before;
  return saveEntry(entryId, { ...fields, enabled }, by);
}

/**
 * Restores the KB as it was at `version`: every entry changed since goes back to its state then
 * (entries created since are disabled). Each restored entry is a new version: the history only grows.
 */
export async function rollBackTo(version: number, by: string): Promise<{ version: number; restored: string[] }> {
  const later = await KbChangeModel.find({ _id: { $gt: version } })
    .sort({ _id: 1 })
    .lean();
  // The state at `version` of an entry is the `before` of its first change after it.
  const firstAfter = new Map<string, EntrySnapshot | null>();
  for (const change of later) {
    if (!firstAfter.has(change.entryId))
      firstAfter.set(change.entryId, (change.before as EntrySnapshot | null) ?? null);
  }
  const restored: string[] = [];
  for (const [entryId, then] of firstAfter) {
    const before = await snapshotOf(entryId);
    const after = then ?? (before ? { ...before, enabled: false } : null);
    if (same(before, after)) continue;
    if (then) {
      const { id: _, ...fields } = then;
      await write(entryId, fields);
    } else {
      await write(entryId, null);
    }
    await appendChange({ by, action: 'rollback', entryId, before, after, note: `restored version ${version}` });
    restored.push(entryId);
  }
  return { version: await currentVersion(), restored };
}

/** Imports a KB file's entries: each new or different entry is a version of its own. */
export async function importEntries(entries: KbEntry[], by: string): Promise<{ changed: string[]; version: number }> {
  const changed: string[] = [];
  for (const { id, ...fields } of entries) {
    const saved = await saveEntry(id, fields, by, { action: 'import' });
    if (saved.version !== undefined) changed.push(id);
  }
  return { changed, version: await currentVersion() };
}
