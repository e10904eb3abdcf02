// Knowledge-base editing at run time: entries live in MongoDB (seeded from KB_FILE), validated
// with the KB file's own schema plus size caps (an answer must fit one WeCom text message); every
// edit bumps the version and updatedAt, and the worker's engine rebuilds when it sees the change.
// Everyone signed in reads the KB and gets its answers as suggestions; editing needs the KB editor
// permission (or admin).
import { z } from 'zod';
import { kbEntrySchema } from '../../bot/kb';
import { KbEntryModel } from '../../db/models/kbEntry';
import { KbSuggester } from '../kbSuggester';
import { wecomMessageText } from '../wecomMessageText';
import { pageQuery } from '../pagination';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';

const editable = z.strictObject({
  ...kbEntrySchema.omit({ id: true }).shape,
  skill: z.string().min(1).max(64),
  question: z.string().trim().min(1).max(200),
  similar: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
  answer: wecomMessageText,
});

const entryParams = z.object({ entryId: kbEntrySchema.shape.id.max(64) });

const view = ({ _id, ...entry }: { _id: unknown } & Record<string, unknown>) => entry;

export function knowledgeBaseRoutes(): Route[] {
  const suggester = new KbSuggester();
  return [
    defineRoute({
      method: 'get',
      path: '/api/kb/suggestions',
      tag: 'knowledge base',
      summary: 'Knowledge-base answers for a customer’s question (suggestions for the agent)',
      access: 'user',
      query: z.object({
        text: z.string().trim().min(1).max(500),
        limit: z.coerce.number().int().min(1).max(3).default(3),
      }),
      handle: ({ query }) => suggester.suggest(query.text, query.limit),
    }),
    defineRoute({
      method: 'get',
      path: '/api/kb/entries',
      tag: 'knowledge base',
      summary: 'List knowledge-base entries',
      access: 'user',
      query: z.object(pageQuery(100, 500)),
      async handle({ query }) {
        const entries = await KbEntryModel.find({}).sort({ entryId: 1 }).skip(query.offset).limit(query.limit).lean();
        return entries.map(view);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/kb/entries/:entryId',
      tag: 'knowledge base',
      summary: 'One knowledge-base entry',
      access: 'user',
      params: entryParams,
      async handle({ params }) {
        const entry = await KbEntryModel.findOne({ entryId: params.entryId }).lean();
        if (!entry) throw new HttpError(404, `no entry ${params.entryId}`);
        return view(entry);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/kb/entries/:entryId',
      tag: 'knowledge base',
      summary: 'Create or replace an entry',
      access: 'kbEditor',
      params: entryParams,
      body: editable,
      async handle({ params, body }) {
        const saved = await KbEntryModel.findOneAndUpdate(
          { entryId: params.entryId },
          {
            $set: { ...body, updatedAt: new Date() },
            $inc: { version: 1 },
            $setOnInsert: { entryId: params.entryId, hits: 0, rejects: 0 },
          },
          { upsert: true, returnDocument: 'after' },
        ).lean();
        return view(saved!);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/kb/entries/:entryId',
      tag: 'knowledge base',
      summary: 'Disable an entry (the bot stops answering from it; its history stays)',
      access: 'kbEditor',
      params: entryParams,
      async handle({ params }) {
        const saved = await KbEntryModel.findOneAndUpdate(
          { entryId: params.entryId },
          { $set: { enabled: false, updatedAt: new Date() }, $inc: { version: 1 } },
          { returnDocument: 'after' },
        ).lean();
        if (!saved) throw new HttpError(404, `no entry ${params.entryId}`);
        return view(saved);
      },
    }),
  ];
}
