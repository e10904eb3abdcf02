// The one place the conversation speaks to the customer. Before anything leaves it checks what
// WeCom allows (our API may send only while it holds the session, within 48 h of the customer's
// last message, five replies per message with some kept for people), cuts long texts to WeCom's
// 2,048 bytes, and numbers each message with a deterministic msgid; then one activity sends them in
// order and writes what is pending (events, mirror). Refusals become events, never exceptions.
import { outboundMsgid } from '../../domain/msgid';
import { canReply, type Speaker } from '../../domain/replyWindow';
import { apiMaySend } from '../../domain/wecomSession';
import { splitForWecom } from '../../domain/wecomText';
import type { MenuItem } from '../../activities/kfApi';
import type { FirstBotReply, OutboundMessage } from '../../activities/outbound';
import { delivery, wecom } from './activities';
import type { Records } from './records';
import type { ConversationState } from './state';

export type Utterance =
  /** A text: from the bot (answers), an agent (replies) or the system (notices). */
  | { text: string; from: 'bot' | 'agent' | 'system'; agentId?: string; kbEntryId?: string; question?: string }
  | { menu: { head: string; items: MenuItem[] }; from: 'bot' | 'system' }
  /**
   * Through send_msg_on_event with a code WeCom handed out (welcome, pool, session end): allowed
   * whatever the session state, once per code.
   */
  | { code: string; text?: string; menu?: { head: string; items: MenuItem[] } };

/** What happened to one utterance. */
export type Said = 'sent' | 'suppressed' | 'refused' | 'failed';

const speakerOf = (u: Utterance): Speaker =>
  'code' in u ? 'notice' : u.from === 'agent' ? 'person' : u.from === 'system' ? 'notice' : 'bot';

/** Replies are kept for people only while a person is about to speak (queued, with an agent). */
const awaitingPerson = (state: ConversationState) => state.phase === 'queued' || state.phase === 'human';

export class Outbound {
  constructor(
    private readonly state: ConversationState,
    private readonly records: Records,
    private readonly now: () => number,
    /** Raises an SLA breach (event and alert): a person's message that can no longer reach the customer. */
    private readonly breach: (kind: 'reply_window', message: string) => Promise<void>,
    /**
     * The bot's first response time (facts.ts): asked before a delivery with a bot message (the
     * delivery may write it), told when a bot message reached the customer.
     */
    private readonly botReply: {
      before(): FirstBotReply | undefined;
      after(writtenByDelivery: boolean): void;
    } = { before: () => undefined, after: () => undefined },
  ) {}

  /** Sends what WeCom allows, in order, in one activity; the outcome of each utterance. */
  async say(...utterances: Utterance[]): Promise<Said[]> {
    const d = this.state.d;
    const { settings } = this.state.id;
    const said: Said[] = [];
    const planned: { index: number; message: OutboundMessage }[] = [];
    let budgetUsed = d.repliesSinceCustomer;
    let windowExpired = false;
    if (utterances.some((u) => !('code' in u)) && d.wecom.state === 0) await this.claim();
    for (const [index, u] of utterances.entries()) {
      said.push('suppressed');
      if ('code' in u) {
        planned.push({
          index,
          message: { msgid: this.nextMsgid(), from: 'system', code: u.code, text: u.text, menu: u.menu },
        });
        continue;
      }
      const speaker = speakerOf(u) === 'notice' && !awaitingPerson(this.state) ? 'bot' : speakerOf(u);
      if (!apiMaySend(d.wecom)) {
        this.records.add({ type: 'reply_suppressed', verdict: `wecom_state_${d.wecom.state}`, from: speaker });
        continue;
      }
      const parts = 'text' in u ? splitForWecom(u.text, u.from === 'agent' ? 1 : 2) : [undefined];
      for (const part of parts) {
        const verdict = canReply(this.now(), d.lastCustomerAt, budgetUsed, settings, speaker);
        if (verdict !== 'ok') {
          this.records.add({ type: 'reply_suppressed', verdict, from: speaker });
          if (verdict === 'window_expired' && speaker !== 'bot') windowExpired = true;
          break;
        }
        budgetUsed += 1;
        planned.push({
          index,
          message:
            'menu' in u
              ? { msgid: this.nextMsgid(), from: u.from, menu: u.menu }
              : {
                  msgid: this.nextMsgid(),
                  from: u.from,
                  text: part,
                  agentId: u.agentId,
                  kbEntryId: u.kbEntryId,
                  ...(u.question ? { question: u.question } : {}),
                },
        });
      }
    }
    if (windowExpired) {
      const hours = Math.round(settings.replyWindowMs / 3600_000);
      await this.breach('reply_window', `客户最后一条消息已超过 ${hours} 小时，消息无法送达`);
    }
    if (planned.length === 0) return said;

    const firstBotReply = planned.some((p) => p.message.from === 'bot') ? this.botReply.before() : undefined;
    const taken = this.records.take();
    const { conversationId, openKfId, externalUserId } = this.state.id;
    let outcomes;
    try {
      outcomes = await delivery.deliver({
        conversationId,
        openKfId,
        externalUserId,
        messages: planned.map((p) => p.message),
        ...taken,
        ...(firstBotReply ? { firstBotReply } : {}),
      });
    } catch {
      // WeCom (or MongoDB) failed for the whole retry window: the messages are lost, loudly.
      this.records.giveBack(taken);
      for (const p of planned) said[p.index] = 'failed';
      this.records.add({ type: 'send_failed', msgid: planned[0]!.message.msgid });
      return said;
    }
    for (const [i, p] of planned.entries()) {
      const outcome = outcomes[i]!;
      if (outcome.status === 'sent' || outcome.status === 'duplicate') {
        if (!p.message.code) d.repliesSinceCustomer += 1;
        if (p.message.from === 'bot') this.botReply.after(firstBotReply !== undefined);
        if (said[p.index] !== 'refused') said[p.index] = 'sent';
        this.state.record({
          msgid: p.message.msgid,
          at: this.now(),
          from: p.message.from,
          text: p.message.text ?? (p.message.menu ? menuText(p.message.menu) : ''),
          ...(p.message.agentId ? { agentId: p.message.agentId } : {}),
          ...(p.message.kbEntryId ? { kbEntryId: p.message.kbEntryId } : {}),
        });
      } else if (outcome.status === 'refused') {
        said[p.index] = 'refused';
        this.records.add({
          type: 'send_refused',
          errcode: outcome.errcode,
          from: p.message.code ? 'event' : speakerOf(utterances[p.index]!),
        });
      }
    }
    return said;
  }

  /** A session in state 0 (the customer wrote after it ended) is taken back to 1 before we speak. */
  private async claim(): Promise<void> {
    const { openKfId, externalUserId } = this.state.id;
    this.state.d.wecom = await wecom.claimSession({ openKfId, externalUserId });
  }

  private nextMsgid(): string {
    return outboundMsgid(this.state.id.conversationId, ++this.state.d.outboundSeq);
  }
}

const menuText = (menu: { head: string; items: MenuItem[] }) =>
  `${menu.head} [${menu.items.map((i) => i.content).join(' / ')}]`;
