// The customer and their WeCom session at the start of a conversation, and the session moves
// (kf/service_state/trans) the conversation makes later. WeCom's answer is the truth: a session a
// servicer already holds stays theirs, and a refused move is reported, never thrown.
import { CustomerModel, type Customer } from '../db/models/customer';
import type { WecomServiceState, WecomSession } from '../domain/wecomSession';
import type { SessionContext } from './outbound';
import { errcodeOf, type KfApi } from './kfApi';
import { readWecomError } from './wecomOutcome';

export interface CustomerProfile {
  tier: string;
  tags: string[];
  nickname?: string;
  lastAgentId?: string;
  /** The session before this one, when it closed. */
  lastSession?: SessionContext;
  /** WeCom's profile (nickname…) has been fetched once (kf/customer/batchget). */
  profileFetched?: boolean;
}

/** What the conversation needs of a customer document (the inbox hands it over when it has one). */
export function profileOf(doc: Partial<Customer> | null | undefined): CustomerProfile {
  const last = doc?.lastSession;
  return {
    tier: doc?.tier ?? 'normal',
    tags: doc?.tags ?? [],
    nickname: doc?.nickname ?? undefined,
    lastAgentId: doc?.lastAgentId ?? undefined,
    lastSession: last?.conversationId
      ? {
          conversationId: last.conversationId,
          closedAt: last.closedAt ?? 0,
          closedReason: last.closedReason ?? '',
          recentCustomerTurns: last.recentCustomerTurns ?? [],
          lastAnsweredEntryId: last.lastAnsweredEntryId ?? undefined,
          handoffReason: last.handoffReason ?? undefined,
          agentId: last.agentId ?? undefined,
          csat: last.csat ?? undefined,
          servedBy: last.servedBy ?? undefined,
          skill: last.skill ?? undefined,
          topic: last.topic ?? undefined,
          answered: last.answered ?? undefined,
          abandoned: last.abandoned ?? undefined,
          msgids: last.msgids?.length ? last.msgids : undefined,
        }
      : undefined,
    profileFetched: Boolean(doc?.profileFetchedAt),
  };
}

export function createSessionActivities({ kf }: { kf: KfApi }) {
  async function loadCustomer(req: {
    openKfId: string;
    externalUserId: string;
    known?: CustomerProfile;
  }): Promise<CustomerProfile> {
    // The inbox read the customer a moment ago: no second look-up of a collection that grows.
    const existing = req.known
      ? undefined
      : await CustomerModel.findOne({ openKfId: req.openKfId, externalUserId: req.externalUserId }).lean();
    const profile = req.known ?? profileOf(existing);
    let nickname = profile.nickname;
    if (!profile.profileFetched) {
      try {
        const [profile] = await kf.batchGetCustomers([req.externalUserId]);
        if (profile) {
          nickname = profile.nickname;
          await CustomerModel.updateOne(
            { openKfId: req.openKfId, externalUserId: req.externalUserId },
            {
              $set: {
                nickname: profile.nickname,
                avatar: profile.avatar,
                gender: profile.gender,
                unionid: profile.unionid,
                profileFetchedAt: new Date(),
              },
            },
            { upsert: true },
          );
        }
      } catch {
        // The profile is a nicety: a conversation never waits on it.
      }
    }
    return { ...profile, nickname: nickname ?? undefined, profileFetched: true };
  }

  /** Moves the WeCom session; a refused move (95016 …) is reported with the errcode, not thrown. */
  async function setServiceState(req: {
    openKfId: string;
    externalUserId: string;
    state: 1 | 2 | 3 | 4;
    servicerUserId?: string;
  }): Promise<{ ok: boolean; msgCode?: string; errcode?: number }> {
    try {
      const res = await kf.transServiceState({
        open_kfid: req.openKfId,
        external_userid: req.externalUserId,
        service_state: req.state,
        servicer_userid: req.servicerUserId,
      });
      return { ok: true, msgCode: res.msg_code || undefined };
    } catch (error) {
      const reading = readWecomError(error);
      if (reading.kind === 'refused') return { ok: false, errcode: reading.errcode };
      throw error;
    }
  }

  /**
   * The session taken to 1 (our API) so the bot may answer. A new session is in state 0 (the
   * customer just wrote), so the move is tried first; when WeCom refuses it (a servicer holds the
   * session, it waits in the pool, it is already ours) the state is read instead of guessed.
   */
  async function claimSession(req: { openKfId: string; externalUserId: string }): Promise<WecomSession> {
    const moved = await setServiceState({ ...req, state: 1 });
    if (moved.ok) return { state: 1 };
    const now = await kf.getServiceState({ open_kfid: req.openKfId, external_userid: req.externalUserId });
    const state = now.service_state as WecomServiceState;
    return state === 3 ? { state, servicer: now.servicer_userid } : { state };
  }

  return {
    loadCustomer,
    setServiceState,
    claimSession,

    /** A new conversation: who the customer is, and who holds their WeCom session now. */
    async openConversation(req: { openKfId: string; externalUserId: string; known?: CustomerProfile }) {
      const [customer, wecom] = await Promise.all([loadCustomer(req), claimSession(req)]);
      return { customer, wecom };
    },

    /**
     * The account's servicers who receive sessions now (wecom mode routes only to them). undefined
     * when WeCom does not answer: routing then tries its own roster and WeCom's refusal decides.
     */
    async listServingServicers(req: { openKfId: string }): Promise<string[] | undefined> {
      try {
        const servicers = await kf.listServicers(req.openKfId);
        return servicers.filter((x) => x.userid && (x.status ?? 0) === 0).map((x) => x.userid!);
      } catch {
        return undefined; // a hand-off never waits on the directory
      }
    },

    /** Conversations started before claimSession kept only the number (legacy workflow). */
    async ensureBotServiceState(req: { openKfId: string; externalUserId: string }): Promise<number> {
      const current = await kf.getServiceState({ open_kfid: req.openKfId, external_userid: req.externalUserId });
      if (current.service_state !== 0 && current.service_state !== 4) return current.service_state;
      try {
        await kf.transServiceState({ open_kfid: req.openKfId, external_userid: req.externalUserId, service_state: 1 });
        return 1;
      } catch (error) {
        if (errcodeOf(error) !== undefined && readWecomError(error).kind !== 'transient') return current.service_state;
        throw error;
      }
    },
  };
}

export type SessionActivities = ReturnType<typeof createSessionActivities>;
