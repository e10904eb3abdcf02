// Knowledge-base editing at run time: entries live in MongoDB (seeded from KB_FILE), validated
// with the KB file's own schema plus size caps (an answer must fit one WeCom text message); every
// change is a numbered KB version with who and when (bot/kbHistory.ts) that can be rolled back, and
// the worker's engine rebuilds when it sees the change. Hit testing runs a question through the
// same engine and policy, before and after a draft edit. Everyone signed in reads the KB; editing,
// the history, import and hit testing need the KB editor permission (or admin).
import { z } from 'zod';
import { hitTest } from '../../bot/hitTest';
import { currentVersion, importEntries, rollBackTo, saveEntry, setEnabled } from '../../bot/kbHistory';
import { kbEntrySchema, parseKnowledgeBase } from '../../bot/kb';
import { loadKnowledgeBaseFromMongo } from '../../bot/kbStore';
import { KbChangeModel } from '../../db/models/kbChange';
import { KbEntryModel } from '../../db/models/kbEntry';
import { replay } from '../../bot/replay/replay';
import { storedTurns } from '../../bot/replay/storedTurns';
import { defaultPolicyConfig, type PolicyConfig } from '../../domain/policy';
import type { KbEngines } from '../kbEngine';

/** The page waits for the answer: a bounded replay (the CLI reads more). */
const REPLAY_MAX_MESSAGES = 5000;
import { KbSuggester } from '../kbSuggester';
import { wecomMessageText } from '../wecomMessageText';
import { pageQuery } from '../pagination';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';

export const editable = z.strictObject({
  ...kbEntrySchema.omit({ id: true }).shape,
  skill: z.string().min(1).max(64),
  question: z.string().trim().min(1).max(200),
  similar: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
  answer: wecomMessageText,
});

const entryParams = z.object({ entryId: kbEntrySchema.shape.id.max(64) });

const view = ({ _id, ...entry }: { _id: unknown } & Record<string, unknown>) => entry;

export function knowledgeBaseRoutes(engines: KbEngines): Route[] {
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
      summary: 'Create or replace an entry (a new KB version)',
      access: 'kbEditor',
      params: entryParams,
      body: editable,
      async handle({ params, body, caller }) {
        const { version } = await saveEntry(params.entryId, body, caller.userId);
        const saved = await KbEntryModel.findOne({ entryId: params.entryId }).lean();
        return { ...view(saved!), kbVersion: version ?? (await currentVersion()) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/kb/entries/:entryId',
      tag: 'knowledge base',
      summary: 'Disable an entry (the bot stops answering from it; its history stays)',
      access: 'kbEditor',
      params: entryParams,
      async handle({ params, caller }) {
        const saved = await setEnabled(params.entryId, false, caller.userId);
        if (!saved) throw new HttpError(404, `no entry ${params.entryId}`);
        return { ...view((await KbEntryModel.findOne({ entryId: params.entryId }).lean())!), kbVersion: saved.version };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/kb/entries/:entryId/enable',
      tag: 'knowledge base',
      summary: 'Enable a disabled entry again',
      access: 'kbEditor',
      params: entryParams,
      async handle({ params, caller }) {
        const saved = await setEnabled(params.entryId, true, caller.userId);
        if (!saved) throw new HttpError(404, `no entry ${params.entryId}`);
        return { ...view((await KbEntryModel.findOne({ entryId: params.entryId }).lean())!), kbVersion: saved.version };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/kb/changes',
      tag: 'knowledge base',
      summary: 'The KB history, newest first: each version with who changed which entry, when, before and after',
      access: 'kbEditor',
      query: z.object({ ...pageQuery(50, 500), entryId: entryParams.shape.entryId.optional() }),
      async handle({ query }) {
        const changes = await KbChangeModel.find(query.entryId ? { entryId: query.entryId } : {})
          .sort({ _id: -1 })
          .skip(query.offset)
          .limit(query.limit)
          .lean();
        return {
          version: await currentVersion(),
          changes: changes.map(({ _id, ...change }) => ({ version: _id, ...change })),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/kb/rollback',
      tag: 'knowledge base',
      summary: 'Restore the KB as it was at a version (recorded as new versions; the bot serves it without a restart)',
      access: 'kbEditor',
      body: z.strictObject({ version: z.number().int().min(0) }),
      async handle({ body, caller }) {
        if (body.version > (await currentVersion())) throw new HttpError(400, `no version ${body.version} yet`);
        return rollBackTo(body.version, caller.userId);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/kb/export',
      tag: 'knowledge base',
      summary: 'The KB in the KB file format (kb/demo-faq.json), disabled entries included',
      access: 'kbEditor',
      async handle({ res }) {
        const { kb } = await engines.current();
        const all = await loadKnowledgeBaseFromMongo(kb);
        res.setHeader('content-disposition', 'attachment; filename="knowledge-base.json"');
        return { ...all, version: await currentVersion() };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/kb/import',
      tag: 'knowledge base',
      summary: 'Import a KB file: new and changed entries become versions; entries not in the file stay',
      access: 'kbEditor',
      body: z
        .strictObject({
          name: z.string().optional(),
          skills: z.record(z.string(), z.string()).optional(),
          entries: z.array(z.record(z.string(), z.unknown())).min(1),
          version: z.number().int().optional().describe('The version an export was taken at (ignored)'),
        })
        .describe('A knowledge base in the KB file format (what GET /api/kb/export returns).'),
      async handle({ body, caller }) {
        let file;
        try {
          file = parseKnowledgeBase(body, 'the imported file');
        } catch (error) {
          throw new HttpError(400, (error as Error).message);
        }
        for (const { id, ...entry } of file.entries) {
          const checked = editable.safeParse(entry);
          if (!checked.success) throw new HttpError(400, `entry ${id}: ${checked.error.issues[0]!.message}`);
        }
        return importEntries(file.entries, caller.userId);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/kb/hit-test',
      tag: 'knowledge base',
      summary: 'Hit testing (命中测试): candidates with lexical, semantic and fused scores and the policy’s decision',
      description:
        'With `draft`, the same question also runs against the KB with that entry added or replaced (not saved).',
      access: 'kbEditor',
      body: z.strictObject({
        question: z.string().trim().min(1).max(500),
        draft: editable.extend({ id: entryParams.shape.entryId }).optional(),
      }),
      async handle({ body }) {
        const current = await hitTest((await engines.current()).understander, body.question);
        if (!body.draft) return { current };
        const draft = await hitTest((await engines.withDraft([body.draft])).understander, body.question);
        return { current, draft };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/kb/replay',
      tag: 'knowledge base',
      summary: 'What-if replay: stored conversations through a candidate policy and/or draft entries',
      description:
        'The same as `npm run replay`: customer turns since `since` through today’s policy and KB and through the candidate; how answers, questions not understood and handoffs by reason change, and the conversations that flip. At most 5,000 messages.',
      access: 'kbEditor',
      body: z.strictObject({
        since: z.iso.datetime({ offset: true }),
        policy: z.record(z.string(), z.unknown()).optional().describe('Keys of domain/policy.json to change.'),
        draft: z
          .array(editable.extend({ id: entryParams.shape.entryId }))
          .max(50)
          .optional(),
      }),
      async handle({ body }) {
        const started = performance.now();
        const current = (await engines.current()).understander;
        const candidate = body.draft?.length ? (await engines.withDraft(body.draft)).understander : current;
        const { turns, truncated } = await storedTurns(new Date(body.since), REPLAY_MAX_MESSAGES);
        const report = await replay(
          turns,
          { understand: (t, r) => current.understand(t, r), policy: defaultPolicyConfig },
          {
            understand: (t, r) => candidate.understand(t, r),
            policy: { ...defaultPolicyConfig, ...(body.policy as Partial<PolicyConfig>) },
          },
        );
        return { ...report, truncated, seconds: Math.round(performance.now() - started) / 1000 };
      },
    }),
  ];
}
