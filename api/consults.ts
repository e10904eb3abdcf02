// Consults (求助) as the api keeps them: the open ones (a small collection the workspaces' poll
// reads), what each looks like to whom, who may help, and how one ends: deleted once, by whoever
// gets there first (a take-over, the agent, or a workspace poll seeing that the conversation has
// moved on), each step an event in the log.
import { insertOnce } from '../db/insertOnce';
import { AgentModel } from '../db/models/agent';
import { OpenConsultModel } from '../db/models/consult';
import { EventModel } from '../db/models/event';
import { isMember, RAPID_SUPPORT, type ConsultOutcome } from '../domain/rapidSupport';
import { seesEverything, type Principal } from './auth/principal';

/** An open consult as stored (db/models/consult.ts), its id the conversation's. */
export interface StoredConsult {
  _id: string;
  consultId: string;
  requestedBy: { userId: string; agentId: string; name: string };
  question: string;
  at: Date;
  helpers: { userId: string; agentId?: string | null; name: string; role: string; at: Date }[];
  whispers?: number | null;
  lastWhisperAt?: Date | null;
}

export interface ConsultView {
  consultId: string;
  conversationId: string;
  requestedBy: { userId: string; agentId: string; name: string };
  question: string;
  at: number;
  helpers: { userId: string; agentId?: string; name: string; role: string; at: number }[];
  whispers: number;
  lastWhisperAt?: number;
}

export function consultView(consult: StoredConsult): ConsultView {
  return {
    consultId: consult.consultId,
    conversationId: consult._id,
    requestedBy: consult.requestedBy,
    question: consult.question,
    at: consult.at.getTime(),
    helpers: consult.helpers.map((h) => ({
      userId: h.userId,
      ...(h.agentId ? { agentId: h.agentId } : {}),
      name: h.name,
      role: h.role,
      at: h.at.getTime(),
    })),
    whispers: consult.whispers ?? 0,
    ...(consult.lastWhisperAt ? { lastWhisperAt: consult.lastWhisperAt.getTime() } : {}),
  };
}

export async function openConsults(): Promise<StoredConsult[]> {
  return (await OpenConsultModel.find({}).sort({ at: 1 }).lean()) as unknown as StoredConsult[];
}

export const helps = (consult: Pick<ConsultView, 'helpers'>, caller: Principal) =>
  consult.helpers.some((h) => h.userId === caller.userId);

/** Members of the group and supervisors see every consult; anyone else those they asked for or help with. */
export function consultsFor(caller: Principal, member: boolean, consults: ConsultView[]): ConsultView[] {
  if (member || seesEverything(caller)) return consults;
  return consults.filter((c) => c.requestedBy.userId === caller.userId || helps(c, caller));
}

/** Whether the caller may answer the group's requests: a supervisor, or an agent of the group. */
export async function mayHelp(caller: Principal): Promise<boolean> {
  if (seesEverything(caller)) return true;
  if (!caller.agentId) return false;
  return isMember(await AgentModel.findOne({ agentId: caller.agentId }, { groups: 1 }).lean());
}

/** One step of a consult in the event log; `step` makes its id (a retry appends nothing twice). */
export async function recordConsult(
  consult: Pick<StoredConsult, '_id' | 'consultId'>,
  type: 'consult_requested' | 'consult_joined' | 'consult_whisper' | 'consult_closed',
  step: string,
  data: Record<string, unknown>,
  agentId?: string,
): Promise<void> {
  await insertOnce(EventModel, [
    {
      eventId: `consult:${consult.consultId}:${step}`,
      type,
      conversationId: consult._id,
      ...(agentId ? { agentId } : {}),
      at: new Date(),
      data: { consultId: consult.consultId, group: RAPID_SUPPORT, ...data },
    },
  ]);
}

/** Ends the consult unless someone else already has; true when this call ended it. */
export async function closeConsult(
  consult: Pick<StoredConsult, '_id' | 'consultId' | 'requestedBy'>,
  outcome: ConsultOutcome,
  by?: Principal,
): Promise<boolean> {
  const removed = await OpenConsultModel.deleteOne({ _id: consult._id, consultId: consult.consultId });
  if (removed.deletedCount !== 1) return false;
  await recordConsult(
    consult,
    'consult_closed',
    'closed',
    { outcome, ...(by ? { by: by.userId, role: by.role } : {}) },
    consult.requestedBy.agentId,
  );
  return true;
}
