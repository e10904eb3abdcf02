// The misjudgement review queue for KB editors: items (answers turned down or marked wrong,
// questions not understood, handoffs after an answer) grouped by entry and wording; a group is
// triaged (reviewed, dismissed) or fixed by a KB change — a new entry made of its questions, or its
// questions added to an entry as similar questions — that the items then link to (fixed, version).
import { z } from 'zod';
import { saveEntry } from '../../bot/kbHistory';
import { groupReviewItems } from '../../bot/reviewGroups';
import { KbEntryModel } from '../../db/models/kbEntry';
import { ReviewItemModel, reviewStatuses } from '../../db/models/reviewItem';
import { pageQuery } from '../pagination';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';
import { editable } from './knowledgeBase';

const itemIds = z.array(z.string().min(1).max(300)).min(1).max(500);
const entryId = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/)
  .max(64);
const MAX_SIMILAR = 50;

export function reviewRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/review/groups',
      tag: 'review queue',
      summary: 'The review queue, similar questions grouped (largest group first)',
      access: 'kbEditor',
      query: z.object({ status: z.enum(reviewStatuses).default('new'), ...pageQuery(300, 1000) }),
      async handle({ query }) {
        const items = await ReviewItemModel.find({ status: query.status })
          .sort({ at: -1 })
          .skip(query.offset)
          .limit(query.limit)
          .lean();
        const groups = groupReviewItems(
          items.map(({ _id, ...item }) => ({
            id: _id,
            ...item,
            question: item.question ?? '',
            entryId: item.entryId ?? undefined,
          })),
        );
        const entries = await KbEntryModel.find(
          { entryId: { $in: groups.flatMap((g) => (g.entryId ? [g.entryId] : [])) } },
          { entryId: 1, question: 1, answer: 1 },
        ).lean();
        const byId = new Map(entries.map((e) => [e.entryId, e]));
        return groups.map((g) => ({
          ...g,
          entry: g.entryId
            ? { question: byId.get(g.entryId)?.question, answer: byId.get(g.entryId)?.answer }
            : undefined,
          sources: Object.fromEntries(
            [...new Set(g.items.map((i) => i.source))].map((s) => [s, g.items.filter((i) => i.source === s).length]),
          ),
        }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/review/items/status',
      tag: 'review queue',
      summary: 'Triage items: reviewed, dismissed, or back to new',
      access: 'kbEditor',
      body: z.strictObject({ ids: itemIds, status: z.enum(['new', 'reviewed', 'dismissed']) }),
      async handle({ body, caller }) {
        const result = await ReviewItemModel.updateMany(
          { _id: { $in: body.ids } },
          { $set: { status: body.status, updatedAt: new Date(), updatedBy: caller.userId } },
        );
        return { updated: result.modifiedCount };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/review/fix',
      tag: 'review queue',
      summary: 'Fix a group with a KB change: a new entry, or the questions as similar questions of an entry',
      description:
        '`newEntry` creates (or replaces) an entry; `addSimilarTo` adds `questions` to an existing entry. The items become fixed, linked to the KB version.',
      access: 'kbEditor',
      body: z.strictObject({
        ids: itemIds,
        newEntry: editable.extend({ id: entryId }).optional(),
        addSimilarTo: entryId.optional(),
        questions: z.array(z.string().trim().min(1).max(200)).max(MAX_SIMILAR).default([]),
      }),
      async handle({ body, caller }) {
        if (Boolean(body.newEntry) === Boolean(body.addSimilarTo))
          throw new HttpError(400, 'give newEntry or addSimilarTo');
        let saved;
        if (body.newEntry) {
          const { id, ...fields } = body.newEntry;
          saved = await saveEntry(id, fields, caller.userId, { note: 'from the review queue', fixes: body.ids });
        } else {
          const entry = await KbEntryModel.findOne({ entryId: body.addSimilarTo }).lean();
          if (!entry) throw new HttpError(404, `no entry ${body.addSimilarTo}`);
          const similar = [...new Set([...(entry.similar ?? []), ...body.questions])].filter(
            (q) => q !== entry.question,
          );
          if (similar.length > MAX_SIMILAR)
            throw new HttpError(400, `an entry holds at most ${MAX_SIMILAR} similar questions`);
          saved = await saveEntry(
            entry.entryId,
            {
              skill: entry.skill,
              question: entry.question,
              similar,
              answer: entry.answer,
              enabled: entry.enabled ?? true,
            },
            caller.userId,
            { note: 'similar questions from the review queue', fixes: body.ids },
          );
        }
        await ReviewItemModel.updateMany(
          { _id: { $in: body.ids } },
          { $set: { status: 'fixed', fixedBy: saved.version, updatedAt: new Date(), updatedBy: caller.userId } },
        );
        return { kbVersion: saved.version, entryId: saved.entry.id, fixed: body.ids.length };
      },
    }),
  ];
}
