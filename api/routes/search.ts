// Search across conversations: by the words said in them, the customer's nickname or id, the
// conversation id or a ticket number. Agents find the conversations they served (and the queue);
// supervisors every one. Only when someone searches, never on a timer, and always with a limit:
// FerretDB answers a regular expression by scanning the whole collection (MONGODB.md), and the
// messages grow with every turn, so each query here reads a bounded number of results.
import { z } from 'zod';
import { ConversationModel } from '../../db/models/conversation';
import { MessageModel } from '../../db/models/message';
import { mayAccess } from '../conversationAccess';
import { literalPattern } from '../literalPattern';
import { defineRoute, type Route } from '../route';

/** Matching messages read per search; their conversations are then cut to the caller's limit. */
const MESSAGES_READ = 200;
const SNIPPET_CHARS = 60;

/** The part of the text around the match. */
export function snippet(text: string, words: string): string {
  const at = text.toLowerCase().indexOf(words.toLowerCase());
  const start = Math.max(0, Math.min(at - 15, text.length - SNIPPET_CHARS));
  const cut = text.slice(start, start + SNIPPET_CHARS);
  return `${start > 0 ? '…' : ''}${cut}${start + SNIPPET_CHARS < text.length ? '…' : ''}`;
}

export function searchRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/search/conversations',
      tag: 'conversations',
      summary: 'Find conversations by what was said, the customer, the conversation id or a ticket number',
      description: 'Agents find the conversations they served and the queue; supervisors and admins every one.',
      access: 'user',
      query: z.object({
        q: z.string().trim().min(2).max(50).describe('At least two characters, taken literally.'),
        limit: z.coerce.number().int().min(1).max(50).default(20),
      }),
      async handle({ query, caller }) {
        const words = literalPattern(query.q);
        const [said, named] = await Promise.all([
          MessageModel.find({ text: words }).sort({ sentAt: -1 }).limit(MESSAGES_READ).lean(),
          ConversationModel.find({
            $or: [{ nickname: words }, { externalUserId: query.q }, { conversationId: query.q }, { ticketNo: query.q }],
          })
            .sort({ updatedAt: -1 })
            .limit(query.limit)
            .lean(),
        ]);
        const firstSaid = new Map<string, (typeof said)[number]>();
        for (const message of said)
          if (!firstSaid.has(message.conversationId)) firstSaid.set(message.conversationId, message);
        const extra = [...firstSaid.keys()].filter((id) => !named.some((c) => c.conversationId === id));
        const spoken = extra.length
          ? await ConversationModel.find({ conversationId: { $in: extra.slice(0, MESSAGES_READ) } }).lean()
          : [];
        const found = [...named, ...spoken]
          // The mirror says who held it; a ticket-stage conversation shows to its assignee in the lists.
          .filter((c) => mayAccess(caller, { state: c.state, agentId: c.agentId ?? undefined }) === 'yes')
          .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
          .slice(0, query.limit);
        return found.map((c) => {
          const message = firstSaid.get(c.conversationId);
          return {
            conversationId: c.conversationId,
            externalUserId: c.externalUserId,
            nickname: c.nickname,
            state: c.state,
            agentId: c.agentId,
            startedAt: c.startedAt,
            updatedAt: c.updatedAt,
            ticketNo: c.ticketNo,
            match: message
              ? { from: message.from, text: snippet(message.text ?? '', query.q), at: message.sentAt }
              : undefined,
          };
        });
      },
    }),
  ];
}
