// An agent's verdict on a bot answer in a conversation they may see: right or wrong, why
// (incorrect, outdated, incomplete, should have handed off) and optionally the right entry or
// answer. A wrong mark goes to the review queue; both count in the KPI counters (the misjudgement
// rate, in the answer's own day and entry), once per answer: marking again replaces the verdict.
import type { Client } from '@temporalio/client';
import { Counter } from 'prom-client';
import { z } from 'zod';
import { addCounts } from '../../db/kpiCounters';
import { AnswerMarkModel } from '../../db/models/answerMark';
import { MessageModel } from '../../db/models/message';
import { markReasons, ReviewItemModel } from '../../db/models/reviewItem';
import { countMark } from '../../domain/kpi';
import { requireConversationAccess } from '../conversationAccess';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';

const agentMarks = new Counter({
  name: 'cs_answer_marks_total',
  help: 'Agents’ verdicts on bot answers (wrong ones are misjudgements unless the customer had already rejected the answer)',
  labelNames: ['verdict'] as const,
});

const markBody = z.strictObject({
  conversationId: z.string().min(1).max(200),
  msgid: z.string().min(1).max(200).describe('The bot answer’s msgid (transcript entries carry it).'),
  verdict: z.enum(['right', 'wrong']),
  reason: z.enum(markReasons).optional().describe('Why it was wrong.'),
  correctEntryId: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .max(64)
    .optional(),
  correctAnswer: z.string().trim().min(1).max(2000).optional(),
});

export function feedbackRoutes(temporal: Client): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/feedback',
      tag: 'feedback',
      summary: 'Mark a bot answer right or wrong (with a reason and an optional correction)',
      access: 'user',
      body: markBody.refine((b) => b.verdict === 'right' || b.reason, 'a wrong answer needs a reason'),
      async handle({ body, caller }) {
        await requireConversationAccess(temporal, caller, body.conversationId);
        const answer = await MessageModel.findOne({ msgid: body.msgid, conversationId: body.conversationId }).lean();
        if (!answer || answer.from !== 'bot' || !answer.kbEntryId)
          throw new HttpError(404, 'no bot answer from the knowledge base with that msgid in this conversation');
        // The customer already turned this answer down: it is one misjudgement, counted once.
        const rejected = await ReviewItemModel.exists({ source: 'customer_rejected', answerMsgid: body.msgid });
        const before = await AnswerMarkModel.findById(body.msgid).lean();
        const now = new Date();
        const mark = {
          conversationId: body.conversationId,
          openKfId: answer.openKfId,
          entryId: answer.kbEntryId,
          answeredAt: answer.sentAt,
          verdict: body.verdict,
          reason: body.verdict === 'wrong' ? body.reason : undefined,
          correctEntryId: body.correctEntryId,
          correctAnswer: body.correctAnswer,
          counted: !rejected,
          by: caller.userId,
          at: now,
        };
        await AnswerMarkModel.replaceOne({ _id: body.msgid }, mark, { upsert: true });
        const counts = countMark(
          { at: answer.sentAt.getTime(), openKfId: answer.openKfId, entryId: answer.kbEntryId },
          before ? { verdict: before.verdict, counted: before.counted } : undefined,
          { verdict: mark.verdict, counted: mark.counted },
        );
        if (counts) await addCounts([counts]);
        if (!before || before.verdict !== mark.verdict) agentMarks.inc({ verdict: mark.verdict });

        const itemId = `mark:${body.msgid}`;
        if (body.verdict === 'wrong') {
          const question = answer.question ?? '';
          await ReviewItemModel.updateOne(
            { _id: itemId },
            {
              $set: {
                reason: body.reason,
                correctEntryId: body.correctEntryId,
                correctAnswer: body.correctAnswer,
                markedBy: caller.userId,
                updatedAt: now,
              },
              $setOnInsert: {
                source: 'agent_marked',
                status: 'new',
                conversationId: body.conversationId,
                openKfId: answer.openKfId,
                question,
                entryId: answer.kbEntryId,
                answerMsgid: body.msgid,
                at: now,
              },
            },
            { upsert: true },
          );
        } else {
          // Marked right after all: no longer a question for the editors (unless one already fixed it).
          await ReviewItemModel.updateOne(
            { _id: itemId, status: { $ne: 'fixed' } },
            { $set: { status: 'dismissed', updatedAt: now } },
          );
        }
        return { msgid: body.msgid, ...mark, reviewItem: body.verdict === 'wrong' ? itemId : undefined };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/feedback',
      tag: 'feedback',
      summary: 'The marks on a conversation’s bot answers',
      access: 'user',
      query: z.object({ conversationId: z.string().min(1).max(200) }),
      async handle({ query, caller }) {
        await requireConversationAccess(temporal, caller, query.conversationId);
        const marks = await AnswerMarkModel.find({ conversationId: query.conversationId }).lean();
        return marks.map(({ _id, ...mark }) => ({ msgid: _id, ...mark }));
      },
    }),
  ];
}
