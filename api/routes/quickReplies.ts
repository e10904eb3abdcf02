// Quick replies (快捷回复): everyone reads the shared ones and their own; anyone keeps personal
// ones; supervisors and admins keep the shared ones. The shared starter set (kb/quick-replies.json)
// is written when there are none.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { insertOnce } from '../../db/insertOnce';
import { QuickReplyModel, type QuickReply } from '../../db/models/quickReply';
import { seesEverything, type Principal } from '../auth/principal';
import { pageQuery } from '../pagination';
import { literalPattern } from '../literalPattern';
import { defineRoute, type Route } from '../route';
import { wecomMessageText } from '../wecomMessageText';
import { HttpError } from '../validate';

const STARTER_FILE = path.resolve(__dirname, '..', '..', 'kb', 'quick-replies.json');
const starterSchema = z.object({
  replies: z.array(z.object({ title: z.string().min(1).max(40), text: z.string().min(1).max(1000) })),
});

const replyParams = z.object({ replyId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
const content = {
  title: z.string().trim().min(1).max(40),
  text: wecomMessageText,
};

const view = ({ _id, ...reply }: QuickReply & { _id?: unknown }) => reply;

let starterWritten: Promise<void> | undefined;
function writeStarterSet(): Promise<void> {
  starterWritten ??= (async () => {
    if ((await QuickReplyModel.exists({ scope: 'shared' })) || !fs.existsSync(STARTER_FILE)) return;
    const { replies } = starterSchema.parse(JSON.parse(fs.readFileSync(STARTER_FILE, 'utf8')));
    const now = new Date();
    // Fixed ids: two api processes starting together write the set once.
    await insertOnce(
      QuickReplyModel,
      replies.map((reply, i) => ({
        replyId: `shared-${i + 1}`,
        scope: 'shared',
        ...reply,
        updatedBy: 'starter',
        updatedAt: now,
      })),
    );
  })().catch((error: unknown) => {
    starterWritten = undefined;
    throw error;
  });
  return starterWritten;
}

/** Personal replies are their owner's; shared ones are kept by supervisors and admins. */
function requireKeeper(caller: Principal, reply: Pick<QuickReply, 'scope' | 'ownerId'>): void {
  if (reply.scope === 'personal' && reply.ownerId !== caller.userId) throw new HttpError(403, 'not your quick reply');
  if (reply.scope === 'shared' && !seesEverything(caller))
    throw new HttpError(403, 'shared quick replies are kept by supervisors');
}

export function quickReplyRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/quick-replies',
      tag: 'workspace',
      summary: 'Quick replies: the shared ones and your own, optionally matching words',
      access: 'user',
      query: z.object({ q: z.string().trim().max(50).optional(), ...pageQuery(200, 500) }),
      async handle({ query, caller }) {
        await writeStarterSet();
        const mine = { $or: [{ scope: 'shared' as const }, { scope: 'personal' as const, ownerId: caller.userId }] };
        const words = query.q ? { $or: [{ title: literalPattern(query.q) }, { text: literalPattern(query.q) }] } : {};
        const replies = await QuickReplyModel.find({ $and: [mine, words] })
          .sort({ scope: -1, title: 1 })
          .skip(query.offset)
          .limit(query.limit)
          .lean();
        return replies.map(view);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/quick-replies',
      tag: 'workspace',
      summary: 'Add a quick reply (personal; shared for supervisors and admins)',
      access: 'user',
      body: z.strictObject({ ...content, shared: z.boolean().default(false) }),
      async handle({ body, caller, res }) {
        const scope = body.shared ? 'shared' : 'personal';
        requireKeeper(caller, { scope, ownerId: caller.userId });
        const created = await QuickReplyModel.create({
          replyId: `qr_${randomUUID().replace(/-/g, '')}`,
          scope,
          ...(scope === 'personal' ? { ownerId: caller.userId } : {}),
          title: body.title,
          text: body.text,
          updatedBy: caller.userId,
          updatedAt: new Date(),
        });
        res.status(201);
        return view(created.toObject());
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/quick-replies/:replyId',
      tag: 'workspace',
      summary: 'Change a quick reply (yours, or a shared one as a supervisor)',
      access: 'user',
      params: replyParams,
      body: z.strictObject(content),
      async handle({ params, body, caller }) {
        const reply = await QuickReplyModel.findOne({ replyId: params.replyId }).lean();
        if (!reply) throw new HttpError(404, `no quick reply ${params.replyId}`);
        requireKeeper(caller, reply);
        const saved = await QuickReplyModel.findOneAndUpdate(
          { replyId: params.replyId },
          { $set: { ...body, updatedBy: caller.userId, updatedAt: new Date() } },
          { returnDocument: 'after' },
        ).lean();
        return view(saved!);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/quick-replies/:replyId',
      tag: 'workspace',
      summary: 'Remove a quick reply (yours, or a shared one as a supervisor)',
      access: 'user',
      params: replyParams,
      async handle({ params, caller }) {
        const reply = await QuickReplyModel.findOne({ replyId: params.replyId }).lean();
        if (!reply) throw new HttpError(404, `no quick reply ${params.replyId}`);
        requireKeeper(caller, reply);
        await QuickReplyModel.deleteOne({ replyId: params.replyId });
        return { replyId: params.replyId, deleted: true };
      },
    }),
  ];
}
