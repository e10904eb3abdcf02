// The customer and their WeCom session at the start of a conversation, and the session moves
// (kf/service_state/trans) the conversation makes later. WeCom's answer is the truth: a session a
// servicer already holds stays theirs, and a refused move is reported, never thrown.
import { CustomerModel } from '../db/models/customer';
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
}

export function createSessionActivities({ kf }: { kf: KfApi }) {
  async function loadCustomer(req: { openKfId: string; externalUserId: string }): Promise<CustomerProfile> {
    const existing = await CustomerModel.findOne({ openKfId: req.openKfId, externalUserId: req.externalUserId }).lean();
    let nickname = existing?.nickname ?? undefined;
    if (!existing?.profileFetchedAt) {
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
    const last = existing?.lastSession;
    return {
      tier: existing?.tier ?? 'normal',
      tags: existing?.tags ?? [],
      nickname: nickname ?? undefined,
      lastAgentId: existing?.lastAgentId ?? undefined,
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
          }
        : undefined,
    };
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

  /** The session as WeCom has it, taken to 1 (our API) when it is new or ended, so the bot may answer. */
  async function claimSession(req: { openKfId: string; externalUserId: string }): Promise<WecomSession> {
    const current = await kf.getServiceState({ open_kfid: req.openKfId, external_userid: req.externalUserId });
    const state = current.service_state as WecomServiceState;
    if (state === 2 || state === 3 || state === 1) {
      return state === 3 ? { state, servicer: current.servicer_userid } : { state };
    }
    const moved = await setServiceState({ ...req, state: 1 });
    if (moved.ok) return { state: 1 };
    // Someone moved it first (a servicer took it): read again rather than guess.
    const now = await kf.getServiceState({ open_kfid: req.openKfId, external_userid: req.externalUserId });
    return now.service_state === 3
      ? { state: 3, servicer: now.servicer_userid }
      : { state: now.service_state as WecomServiceState };
  }

  return {
    loadCustomer,
    setServiceState,
    claimSession,

    /** A new conversation: who the customer is, and who holds their WeCom session now. */
    async openConversation(req: { openKfId: string; externalUserId: string }) {
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
