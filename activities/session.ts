// The customer and their WeCom session at the start of a conversation, and the session moves
// (kf/service_state/trans) the conversation makes later. WeCom's answer is the truth: a session a
// servicer already holds stays theirs, and a refused move is reported, never thrown.
import { CustomerModel, type Customer } from '../db/models/customer';
import { CONTACT_TAG_PREFIX, changedTags, contactTags, sceneTags, withinTagLimit } from '../domain/customerProfile';
import type { WecomServiceState, WecomSession } from '../domain/wecomSession';
import type { SessionContext } from './outbound';
import { closedSessionOf, handedOver, previousSessionContext } from './sessionContexts';
import { errcodeOf, type KfApi } from './kfApi';
import { readWecomError } from './wecomOutcome';
import { WecomErrcode } from '../wecom/errors';

export interface CustomerProfile {
  tier: string;
  tags: string[];
  nickname?: string;
  lastAgentId?: string;
  /** The session before this one, when it closed. */
  lastSession?: SessionContext;
  /** WeCom's profile (nickname, the corp's tags…) was read within PROFILE_REFRESH_MS. */
  profileFetched?: boolean;
}

/** What the conversation needs of a customer document (the inbox hands it over when it has one). */
export function profileOf(doc: Partial<Customer> | null | undefined): CustomerProfile {
  return {
    tier: doc?.tier ?? 'normal',
    tags: doc?.tags ?? [],
    nickname: doc?.nickname ?? undefined,
    lastAgentId: doc?.lastAgentId ?? undefined,
    lastSession: closedSessionOf(doc?.lastSession),
    profileFetched: Boolean(doc?.profileFetchedAt && Date.now() - doc.profileFetchedAt.getTime() < PROFILE_REFRESH_MS),
  };
}

/** WeCom's profile of a customer is read again after this long (nickname, the corp's tags). */
export const PROFILE_REFRESH_MS = 24 * 3600_000;
/** After WeCom says the app may not read external contacts, it is asked again after this long. */
const CONTACT_TAGS_RETRY_MS = 3600_000;

export function createSessionActivities({ kf }: { kf: KfApi }) {
  let contactTagsRefusedUntil = 0;

  /** The corp's tags on the customer; [] when they are no one's contact; undefined when unknown. */
  async function readContactTags(externalUserId: string): Promise<string[] | undefined> {
    if (Date.now() < contactTagsRefusedUntil) return undefined;
    try {
      return contactTags(await kf.externalContactTags(externalUserId));
    } catch (error) {
      const code = errcodeOf(error);
      if (code === WecomErrcode.notExternalContact) return [];
      // The corp does not let this app read external contacts: a new customer costs no call for a while.
      if (code === WecomErrcode.apiForbidden) contactTagsRefusedUntil = Date.now() + CONTACT_TAGS_RETRY_MS;
      return undefined;
    }
  }

  /**
   * WeCom's side of the profile, read once a day at most: kf/customer/batchget (nickname, unionid,
   * where the customer last came in) and the external contact's tags. Tags from WeCom join the
   * customer's; contact tags the corp has since removed go. The conversation never waits on it.
   */
  async function fetchFromWecom(filter: { openKfId: string; externalUserId: string }, tags: string[]) {
    const [wecom, corpTags] = await Promise.all([
      kf
        .batchGetCustomers([filter.externalUserId], true)
        .then((list) => list[0])
        .catch(() => undefined),
      readContactTags(filter.externalUserId),
    ]);
    const context = wecom?.enter_session_context;
    const fromWecom = [...sceneTags(context?.scene, context?.scene_param), ...(corpTags ?? [])];
    const added = fromWecom.filter((tag) => !tags.includes(tag));
    const removed = corpTags ? tags.filter((t) => t.startsWith(CONTACT_TAG_PREFIX) && !corpTags.includes(t)) : [];
    if (removed.length > 0) await CustomerModel.updateOne(filter, { $pullAll: { tags: removed } });
    if (wecom || added.length > 0) {
      await CustomerModel.updateOne(
        filter,
        {
          ...(wecom
            ? {
                $set: {
                  nickname: wecom.nickname,
                  avatar: wecom.avatar,
                  gender: wecom.gender,
                  unionid: wecom.unionid || undefined,
                  profileFetchedAt: new Date(),
                },
              }
            : {}),
          ...(added.length > 0 ? { $addToSet: { tags: { $each: added } } } : {}),
        },
        { upsert: true },
      );
    }
    return { nickname: wecom?.nickname, tags: withinTagLimit(changedTags(tags, added, removed)) };
  }

  async function loadCustomer(req: {
    openKfId: string;
    externalUserId: string;
    /** The new conversation's session: what the one before it left is read (absent: legacy callers). */
    session?: number;
    known?: CustomerProfile;
  }): Promise<CustomerProfile> {
    // The inbox read the customer a moment ago: no second look-up of a collection that grows.
    const [existing, previous] = await Promise.all([
      req.known
        ? undefined
        : CustomerModel.findOne({ openKfId: req.openKfId, externalUserId: req.externalUserId }).lean(),
      req.session === undefined ? null : previousSessionContext(req.openKfId, req.externalUserId, req.session),
    ]);
    const stored = req.known ?? profileOf(existing);
    const profile: CustomerProfile =
      req.session === undefined
        ? stored
        : { ...stored, ...handedOver({ ...req, session: req.session }, stored, previous) };
    if (profile.profileFetched) return profile;
    try {
      const fetched = await fetchFromWecom(
        { openKfId: req.openKfId, externalUserId: req.externalUserId },
        profile.tags,
      );
      return { ...profile, nickname: fetched.nickname ?? profile.nickname, tags: fetched.tags, profileFetched: true };
    } catch {
      // The profile is a nicety: a conversation never waits on it.
      return { ...profile, profileFetched: true };
    }
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
    async openConversation(req: {
      openKfId: string;
      externalUserId: string;
      session?: number;
      known?: CustomerProfile;
    }) {
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
