// The conversation workflow's side effects: understanding a message, sending through kf/send_msg
// (idempotent by msgid), WeCom session-state moves, the customer profile, and the records the
// console and analytics read (conversation mirror, transcript, event log).
import type { ConversationSnapshot, TranscriptEntry } from '../workflows/conversationContract';
import type { Understanding } from '../domain/understanding';
import { ConversationModel } from '../db/models/conversation';
import { CustomerModel } from '../db/models/customer';
import { EventModel } from '../db/models/event';
import { MessageModel } from '../db/models/message';
import { errcodeOf, type KfApi, type MenuItem } from './kfApi';
import { observeEvent } from './metrics';

export interface ConversationDeps {
  kf: KfApi;
  understand(text: string, recentCustomerTurns: string[]): Understanding | Promise<Understanding>;
  summarize?(input: { reason: string; transcript: TranscriptEntry[] }): Promise<string | undefined>;
}

export interface SendResult {
  status: 'sent' | 'duplicate' | 'refused';
  errcode?: number;
}

interface Addressee {
  conversationId: string;
  openKfId: string;
  externalUserId: string;
  msgid: string;
}

/**
 * A WeCom errcode that reaches us is a refusal retrying cannot fix (state, 48 h, 5 replies, bad
 * account or servicer, a parameter WeCom dislikes): the client has already retried the transient
 * ones (-1, 45009, 45033, expired tokens). The workflow records the refusal and goes on; network
 * and HTTP failures (no errcode) are retried by Temporal.
 */
const TRANSIENT = new Set([-1, 45009, 45033, 40014, 42001, 41001]);
const isRefusal = (errcode: number | undefined): errcode is number => errcode !== undefined && !TRANSIENT.has(errcode);
/**
 * send_msg with a msgid already used: the earlier attempt got through. WeCom does not document the
 * errcode (WECOM.md): 95999 is the sandbox's; any errmsg that says the msgid is a duplicate counts too.
 */
const DUPLICATE_MSGID = 95999;
const DUPLICATE_MSGID_TEXT = /duplicate|msgid.{0,20}(exist|used|repeat)|重复/i;
const isDuplicateSend = (error: unknown) =>
  errcodeOf(error) === DUPLICATE_MSGID || DUPLICATE_MSGID_TEXT.test((error as { errmsg?: string }).errmsg ?? '');
const DUPLICATE_KEY = 11000;

async function wecomSend(send: () => Promise<void>): Promise<SendResult> {
  try {
    await send();
    return { status: 'sent' };
  } catch (error) {
    const errcode = errcodeOf(error);
    if (isDuplicateSend(error)) return { status: 'duplicate' };
    if (isRefusal(errcode)) return { status: 'refused', errcode };
    throw error;
  }
}

async function storeOutbound(
  to: Addressee,
  entry: { from: 'bot' | 'agent' | 'system'; msgtype: string; text: string; agentId?: string; kbEntryId?: string },
): Promise<void> {
  await MessageModel.updateOne(
    { msgid: to.msgid },
    {
      $setOnInsert: {
        msgid: to.msgid,
        conversationId: to.conversationId,
        openKfId: to.openKfId,
        externalUserId: to.externalUserId,
        direction: 'out',
        sentAt: new Date(),
        ...entry,
      },
    },
    { upsert: true },
  );
}

function ignoreDuplicateKey(error: unknown): void {
  if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
}

export function createConversationActivities(deps: ConversationDeps) {
  const { kf } = deps;
  return {
    async understand(req: { text: string; recentCustomerTurns: string[] }): Promise<Understanding> {
      return deps.understand(req.text, req.recentCustomerTurns);
    },

    async buildHandoffCard(req: {
      reason: string;
      transcript: TranscriptEntry[];
      understanding?: Understanding;
      customer: { tier: string; tags: string[]; nickname?: string };
    }): Promise<{ summary: string }> {
      const llm = await deps.summarize?.({ reason: req.reason, transcript: req.transcript }).catch(() => undefined);
      if (llm) return { summary: llm };
      // Extractive: what the customer said most recently, newest last.
      const said = req.transcript.filter((t) => t.from === 'customer').map((t) => t.text);
      return { summary: said.slice(-3).join(' / ') || '(no customer message yet)' };
    },

    async sendText(
      req: Addressee & { text: string; from: 'bot' | 'agent' | 'system'; agentId?: string; kbEntryId?: string },
    ): Promise<SendResult> {
      const result = await wecomSend(() =>
        kf.sendText({ touser: req.externalUserId, open_kfid: req.openKfId, msgid: req.msgid, content: req.text }),
      );
      if (result.status !== 'refused') {
        await storeOutbound(req, {
          from: req.from,
          msgtype: 'text',
          text: req.text,
          agentId: req.agentId,
          kbEntryId: req.kbEntryId,
        });
      }
      return result;
    },

    async sendMenu(req: Addressee & { head: string; items: MenuItem[]; tail?: string }): Promise<SendResult> {
      const result = await wecomSend(() =>
        kf.sendMenu({
          touser: req.externalUserId,
          open_kfid: req.openKfId,
          msgid: req.msgid,
          head_content: req.head,
          items: req.items,
          tail_content: req.tail,
        }),
      );
      if (result.status !== 'refused') {
        await storeOutbound(req, {
          from: 'bot',
          msgtype: 'msgmenu',
          text: `${req.head} [${req.items.map((i) => i.content).join(' / ')}]`,
        });
      }
      return result;
    },

    async sendOnEvent(
      req: Addressee & { code: string; text?: string; menu?: { head: string; items: MenuItem[] } },
    ): Promise<SendResult> {
      const result = await wecomSend(() =>
        kf.sendOnEvent({
          code: req.code,
          msgid: req.msgid,
          content: req.text,
          menu: req.menu ? { head_content: req.menu.head, items: req.menu.items } : undefined,
        }),
      );
      if (result.status !== 'refused') {
        await storeOutbound(req, {
          from: 'system',
          msgtype: req.menu ? 'msgmenu' : 'text',
          text: req.text ?? req.menu?.head ?? '',
        });
      }
      return result;
    },

    /** Moves the WeCom session; a refused move (95016 …) is reported, not thrown. */
    async setServiceState(req: {
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
        const errcode = errcodeOf(error);
        if (isRefusal(errcode)) return { ok: false, errcode };
        throw error;
      }
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

    /** A new session arrives in state 0: take it to 1 so the bot (our API) may answer. */
    async ensureBotServiceState(req: { openKfId: string; externalUserId: string }): Promise<number> {
      const current = await kf.getServiceState({ open_kfid: req.openKfId, external_userid: req.externalUserId });
      if (current.service_state !== 0 && current.service_state !== 4) return current.service_state;
      try {
        await kf.transServiceState({ open_kfid: req.openKfId, external_userid: req.externalUserId, service_state: 1 });
        return 1;
      } catch (error) {
        // Another path moved it first (a servicer took it), or WeCom refuses: not ours to fight.
        if (isRefusal(errcodeOf(error))) return current.service_state;
        throw error;
      }
    },

    async loadCustomer(req: { openKfId: string; externalUserId: string }) {
      const existing = await CustomerModel.findOne({
        openKfId: req.openKfId,
        externalUserId: req.externalUserId,
      }).lean();
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
      return {
        tier: existing?.tier ?? 'normal',
        tags: existing?.tags ?? [],
        nickname: nickname ?? undefined,
        lastAgentId: existing?.lastAgentId ?? undefined,
      };
    },

    /** Upserts the mirror; an older revision (a late retry) never overwrites a newer one. */
    async recordConversation(
      mirror: Omit<ConversationSnapshot, 'handoff' | 'transcriptTail' | 'timersDue' | 'handoffReason'> & {
        session: number;
        handoffReason?: string;
        handoffSummary?: string;
        priority?: number;
        skill?: string;
        customerTier: string;
        nickname?: string;
        startedAt: number;
        queuedAt?: number;
        at: number;
        revision: number;
      },
    ): Promise<void> {
      const { at, startedAt, queuedAt, ...fields } = mirror;
      const set = {
        ...fields,
        startedAt: new Date(startedAt),
        updatedAt: new Date(at),
        ...(queuedAt ? { queuedAt: new Date(queuedAt) } : {}),
        ...(fields.state === 'closed' ? { closedAt: new Date(at) } : {}),
      };
      await ConversationModel.updateOne(
        { conversationId: mirror.conversationId, revision: { $lt: mirror.revision } },
        { $set: set },
        { upsert: true },
      ).catch(ignoreDuplicateKey);
      if (mirror.agentId) {
        await CustomerModel.updateOne(
          { openKfId: mirror.openKfId, externalUserId: mirror.externalUserId },
          { $set: { lastAgentId: mirror.agentId } },
        );
      }
    },

    async recordEvent(req: {
      eventId: string;
      type: string;
      conversationId: string;
      openKfId: string;
      agentId?: string;
      at: number;
      data: Record<string, unknown>;
    }): Promise<void> {
      const stored = await EventModel.create({ ...req, at: new Date(req.at) }).then(
        () => true,
        (error: unknown) => (ignoreDuplicateKey(error), false),
      );
      if (stored) observeEvent(req.type, req.data); // a retried activity is not counted twice
    },
  };
}

export type ConversationActivities = ReturnType<typeof createConversationActivities>;
