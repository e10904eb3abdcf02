// Knowledge-base editing at run time: entries live in MongoDB (seeded from KB_FILE), validated
// with the KB file's own schema; every edit bumps the version and updatedAt, and the worker's
// engine rebuilds when it sees the change (within its reload interval).
import { Router } from 'express';
import { kbEntrySchema } from '../../bot/kb';
import { KbEntryModel } from '../../db/models/kbEntry';
import { HttpError, parseBody } from '../validate';

const editable = kbEntrySchema.omit({ id: true });

const view = ({ _id, ...entry }: { _id: unknown } & Record<string, unknown>) => entry;

export function knowledgeBaseRoutes(): Router {
  const router = Router();

  router.get('/api/kb/entries', async (_req, res) => {
    res.json((await KbEntryModel.find({}).sort({ entryId: 1 }).lean()).map(view));
  });

  router.get('/api/kb/entries/:entryId', async (req, res) => {
    const entry = await KbEntryModel.findOne({ entryId: req.params.entryId }).lean();
    if (!entry) throw new HttpError(404, `no entry ${req.params.entryId}`);
    res.json(view(entry));
  });

  /** Creates or replaces an entry. */
  router.put('/api/kb/entries/:entryId', async (req, res) => {
    const id = kbEntrySchema.shape.id.safeParse(req.params.entryId);
    if (!id.success) throw new HttpError(400, `invalid entry id: ${id.error.issues[0]?.message}`);
    const entry = parseBody(editable, req.body);
    const saved = await KbEntryModel.findOneAndUpdate(
      { entryId: id.data },
      {
        $set: { ...entry, updatedAt: new Date() },
        $inc: { version: 1 },
        $setOnInsert: { entryId: id.data, hits: 0, rejects: 0 },
      },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    res.json(view(saved!));
  });

  /** Disables an entry: the bot stops answering from it, and its history stays. */
  router.delete('/api/kb/entries/:entryId', async (req, res) => {
    const saved = await KbEntryModel.findOneAndUpdate(
      { entryId: req.params.entryId },
      { $set: { enabled: false, updatedAt: new Date() }, $inc: { version: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (!saved) throw new HttpError(404, `no entry ${req.params.entryId}`);
    res.json(view(saved));
  });

  return router;
}
