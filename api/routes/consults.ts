// Asking the rapid-support group for help (求助): the agent serving a conversation asks; members of
// the group and supervisors see the request live in their workspace (api/workspace/hub.ts), join,
// read the conversation, whisper to the agent (an internal note for them: stored here, never handed
// to the workflow, so it cannot reach the customer) or take the conversation over (supervisors with
// the workflow's takeOver update; an agent of the group by the asking agent's transfer to them).
// Consult state lives outside the conversation workflow (db/models/consult.ts, the event log).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { OpenConsultModel } from '../../db/models/consult';
import { takeOverUpdate, transferUpdate } from '../../workflows/conversationContract';
import { actingAgentId, seesEverything, type Principal } from '../auth/principal';
import { conversationHolder } from '../conversationAccess';
import { runAction } from '../conversationActions';
import {
  closeConsult,
  consultsFor,
  consultView,
  helps,
  mayHelp,
  recordConsult,
  type StoredConsult,
  openConsults,
} from '../consults';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';
import type { WorkspaceHub } from '../workspace/hub';
import { addNote, MAX_NOTE_CHARS } from './notes';

const MAX_QUESTION_CHARS = 500;
const consultParams = z.object({ consultId: z.string().regex(/^consult_[0-9a-f]{32}$/, 'must be a consult id') });
const reason = z.string().trim().min(1).max(500).optional().describe('Why (recorded in the conversation events).');

async function consultFor(consultId: string): Promise<StoredConsult> {
  const consult = (await OpenConsultModel.findOne({ consultId }).lean()) as unknown as StoredConsult | null;
  if (!consult) throw new HttpError(404, 'no open consult with that id (it may be over)');
  return consult;
}

function requireHelper(consult: StoredConsult, caller: Principal): void {
  if (!helps(consultView(consult), caller)) throw new HttpError(403, 'join the consult first');
}

const actor = (caller: Principal) => ({ userId: caller.userId, role: caller.role });

export function consultRoutes(temporal: Client, hub: WorkspaceHub, answerWithinMs?: number): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/conversations/:conversationId/consult',
      tag: 'rapid support',
      summary: 'Ask the rapid-support group for help on a conversation you serve',
      description:
        'Members of the group and supervisors see the request live in their workspace. One open request per conversation (409 for a second).',
      access: 'user',
      params: z.object({ conversationId: z.string().min(1).max(200) }),
      body: z.strictObject({ question: z.string().trim().min(1).max(MAX_QUESTION_CHARS) }),
      async handle({ params, body, caller, res }) {
        const holder = await conversationHolder(temporal, params.conversationId);
        if (!caller.agentId || holder.agentId !== caller.agentId)
          throw new HttpError(403, 'only the agent serving the conversation asks for help on it');
        if (holder.state !== 'human') throw new HttpError(409, 'the conversation is not with an agent');
        const consult = {
          _id: params.conversationId,
          consultId: `consult_${randomUUID().replace(/-/g, '')}`,
          requestedBy: { userId: caller.userId, agentId: caller.agentId, name: caller.name },
          question: body.question,
          at: new Date(),
          helpers: [] as StoredConsult['helpers'],
          whispers: 0,
        };
        try {
          await OpenConsultModel.create(consult);
        } catch (error) {
          if ((error as { code?: number }).code === 11000)
            throw new HttpError(409, 'help is already asked for on this conversation');
          throw error;
        }
        await recordConsult(consult, 'consult_requested', 'requested', { question: body.question }, caller.agentId);
        hub.consultsChanged();
        res.status(201);
        return consultView(consult);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/consults',
      tag: 'rapid support',
      summary: 'Open requests for help',
      description:
        'Members of the rapid-support group and supervisors get every one; other agents those they asked for or help with.',
      access: 'user',
      async handle({ caller }) {
        return consultsFor(caller, await mayHelp(caller), (await openConsults()).map(consultView));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/consults/:consultId/join',
      tag: 'rapid support',
      summary: 'Join a request for help (members of the rapid-support group and supervisors)',
      description: 'The helper then reads the conversation, whispers to its agent and may take it over.',
      access: 'user',
      params: consultParams,
      async handle({ params, caller }) {
        const consult = await consultFor(params.consultId);
        if (!(await mayHelp(caller)))
          throw new HttpError(403, 'only members of the rapid-support group and supervisors join');
        if (consult.requestedBy.userId === caller.userId) throw new HttpError(409, 'you asked for this help yourself');
        const helper = {
          userId: caller.userId,
          ...(caller.agentId ? { agentId: caller.agentId } : {}),
          name: caller.name,
          role: caller.role,
          at: new Date(),
        };
        const joined = await OpenConsultModel.updateOne(
          { consultId: consult.consultId, 'helpers.userId': { $ne: caller.userId } },
          { $push: { helpers: helper } },
        );
        if (joined.modifiedCount === 1) {
          await recordConsult(consult, 'consult_joined', `joined:${caller.userId}`, {
            by: caller.userId,
            role: caller.role,
          });
          hub.consultsChanged();
        }
        return consultView(await consultFor(consult.consultId));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/consults/:consultId/whispers',
      tag: 'rapid support',
      summary: 'Whisper to the agent who asked for help (the customer never receives it)',
      access: 'user',
      params: consultParams,
      body: z.strictObject({ text: z.string().trim().min(1).max(MAX_NOTE_CHARS) }),
      async handle({ params, body, caller, res }) {
        const consult = await consultFor(params.consultId);
        requireHelper(consult, caller);
        const note = await addNote(hub, consult._id, caller, body.text, {
          to: consult.requestedBy.agentId,
          consultId: consult.consultId,
        });
        await OpenConsultModel.updateOne(
          { consultId: consult.consultId },
          { $inc: { whispers: 1 }, $set: { lastWhisperAt: note.at } },
        );
        await recordConsult(consult, 'consult_whisper', `whisper:${note.noteId}`, { by: caller.userId });
        hub.consultsChanged();
        res.status(201);
        return note;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/consults/:consultId/take-over',
      tag: 'rapid support',
      summary: 'Take over the conversation you are helping with',
      description: [
        'A supervisor takes it over (the workflow’s takeOver update, with the actor and the reason); an',
        'agent of the group has it transferred to them by the agent who asked. The consult is then over.',
      ].join(' '),
      access: 'user',
      params: consultParams,
      body: z.strictObject({ reason }),
      async handle({ params, body, caller, res }) {
        const consult = await consultFor(params.consultId);
        requireHelper(consult, caller);
        const why = body.reason ?? `应 ${consult.requestedBy.name} 的求助接手`;
        let result: unknown;
        if (seesEverything(caller)) {
          result = await runAction(
            temporal,
            consult._id,
            takeOverUpdate,
            { agentId: actingAgentId(caller), actor: actor(caller), reason: why },
            res,
            answerWithinMs,
          );
        } else {
          if (!caller.agentId) throw new HttpError(403, 'you serve no conversations');
          result = await runAction(
            temporal,
            consult._id,
            transferUpdate,
            { agentId: consult.requestedBy.agentId, toAgentId: caller.agentId, actor: actor(caller), reason: why },
            res,
            answerWithinMs,
          );
        }
        // Still being carried out (202): the workspaces' poll ends the consult when it is done.
        if (res.statusCode !== 202) {
          await closeConsult(consult, 'taken_over', caller);
          hub.consultsChanged();
        }
        return result;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/consults/:consultId/close',
      tag: 'rapid support',
      summary: 'End a request for help (the agent who asked, a helper, or a supervisor)',
      access: 'user',
      params: consultParams,
      async handle({ params, caller }) {
        const consult = await consultFor(params.consultId);
        const mine = consult.requestedBy.userId === caller.userId;
        if (!mine && !helps(consultView(consult), caller) && !seesEverything(caller))
          throw new HttpError(403, 'only the agent who asked, a helper or a supervisor ends it');
        const ended = await closeConsult(consult, 'closed', caller);
        hub.consultsChanged();
        return { consultId: consult.consultId, ended };
      },
    }),
  ];
}
