// Internal notes on a conversation (内部备注): for the people who serve it, stored here and never
// handed to the workflow, so nothing of them can reach the customer. Whoever may see the
// conversation reads and writes its notes; workspaces that show it hear of a new one at once.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ConversationNoteModel, type ConversationNote } from '../../db/models/conversationNote';
import type { Principal } from '../auth/principal';
import { requireConversationAccess } from '../conversationAccess';
import { pageQuery } from '../pagination';
import { defineRoute, type Route } from '../route';
import type { WorkspaceHub } from '../workspace/hub';

export const MAX_NOTE_CHARS = 1000;

const conversationParams = z.object({ conversationId: z.string().min(1).max(200) });
const view = ({ _id, ...note }: ConversationNote & { _id?: unknown }) => note;

/**
 * Stores a note by the caller (or a whisper, addressed to the agent a helper helps) and tells the
 * workspaces showing the conversation.
 */
export async function addNote(
  hub: WorkspaceHub,
  conversationId: string,
  author: Principal,
  text: string,
  whisper?: { to: string; consultId: string },
) {
  const note = await ConversationNoteModel.create({
    noteId: `note_${randomUUID().replace(/-/g, '')}`,
    conversationId,
    authorId: author.userId,
    authorName: author.name,
    text,
    at: new Date(),
    ...(whisper ? { kind: 'whisper', ...whisper } : {}),
  });
  hub.conversationChanged(conversationId, 'notes');
  return view(note.toObject());
}

export function noteRoutes(temporal: Client, hub: WorkspaceHub): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/conversations/:conversationId/notes',
      tag: 'conversations',
      summary: 'Internal notes on the conversation, oldest first (never sent to the customer)',
      access: 'user',
      params: conversationParams,
      query: z.object(pageQuery(100, 500)),
      async handle({ params, query, caller }) {
        await requireConversationAccess(temporal, caller, params.conversationId);
        const notes = await ConversationNoteModel.find({ conversationId: params.conversationId })
          .sort({ at: 1 })
          .skip(query.offset)
          .limit(query.limit)
          .lean();
        return notes.map(view);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/conversations/:conversationId/notes',
      tag: 'conversations',
      summary: 'Add an internal note (for colleagues; the customer never receives it)',
      access: 'user',
      params: conversationParams,
      body: z.strictObject({ text: z.string().trim().min(1).max(MAX_NOTE_CHARS) }),
      async handle({ params, body, caller, res }) {
        await requireConversationAccess(temporal, caller, params.conversationId);
        res.status(201);
        return addNote(hub, params.conversationId, caller, body.text);
      },
    }),
  ];
}
