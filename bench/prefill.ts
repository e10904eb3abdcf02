// Fills a store as months of traffic would: N stored messages with their customers, closed
// conversations with what each left for the next (session_contexts) and events (five messages and
// five events per conversation), written directly in
// bulk through the driver, so a benchmark can measure what the hot path costs when the collections
// that grow with traffic are large.
import { ConversationModel } from '../db/models/conversation';
import { CustomerModel } from '../db/models/customer';
import { EventModel } from '../db/models/event';
import { MessageModel } from '../db/models/message';
import { SessionContextModel } from '../db/models/sessionContext';
import { conversationWorkflowId } from '../workflows/conversationContract';

export const MESSAGES_PER_CONVERSATION = 5;
const BATCH = 1000;

export interface PrefillCounts {
  messages: number;
  conversations: number;
  customers: number;
  events: number;
}

/** Adds documents until the store holds `messages` prefilled messages; returns what it added. */
export async function prefill(
  openKfId: string,
  messages: number,
  onProgress?: (done: number, total: number) => void,
): Promise<PrefillCounts> {
  const have = await MessageModel.collection.countDocuments({ msgid: { $regex: '^pre' } });
  const conversations = Math.ceil(messages / MESSAGES_PER_CONVERSATION);
  const from = Math.ceil(have / MESSAGES_PER_CONVERSATION);
  const at = new Date(Date.now() - 30 * 24 * 3600_000);
  for (let start = from; start < conversations; start += BATCH / MESSAGES_PER_CONVERSATION) {
    const end = Math.min(conversations, start + BATCH / MESSAGES_PER_CONVERSATION);
    const customers = [];
    const closed = [];
    const contexts = [];
    const transcript = [];
    const events = [];
    for (let i = start; i < end; i++) {
      const externalUserId = `pre${i}`;
      const conversationId = conversationWorkflowId(openKfId, externalUserId, 1);
      customers.push({ openKfId, externalUserId, nickname: `客户${i}`, tier: 'normal', tags: [], session: 1 });
      closed.push({
        conversationId,
        openKfId,
        externalUserId,
        session: 1,
        state: 'closed',
        humanMode: 'console',
        customerTier: 'normal',
        closedReason: 'resolved_by_bot',
        startedAt: at,
        updatedAt: at,
        closedAt: at,
        revision: 6,
      });
      contexts.push({
        _id: conversationId,
        openKfId,
        externalUserId,
        lastSession: {
          conversationId,
          closedAt: at.getTime(),
          closedReason: 'resolved_by_bot',
          recentCustomerTurns: ['运费怎么算'],
          msgids: [`pre${i}m0`, `pre${i}m2`, `pre${i}m4`],
        },
      });
      for (let k = 0; k < MESSAGES_PER_CONVERSATION; k++) {
        const inbound = k % 2 === 0;
        transcript.push({
          msgid: `pre${i}m${k}`,
          conversationId,
          openKfId,
          externalUserId,
          direction: inbound ? 'in' : 'out',
          from: inbound ? 'customer' : 'bot',
          msgtype: 'text',
          text: inbound ? '运费怎么算' : '满99元包邮，不满99元收取运费10元；偏远地区以结算页显示为准。',
          sentAt: at,
        });
        events.push({
          eventId: `${conversationId}:${k + 1}`,
          type: 'bot_answer',
          conversationId,
          openKfId,
          at,
          data: {},
        });
      }
    }
    await Promise.all([
      CustomerModel.collection.insertMany(customers, { ordered: false }),
      ConversationModel.collection.insertMany(closed, { ordered: false }),
      SessionContextModel.insertMany(contexts, { ordered: false, lean: true }),
      MessageModel.collection.insertMany(transcript, { ordered: false }),
      EventModel.collection.insertMany(events, { ordered: false }),
    ]);
    onProgress?.(end * MESSAGES_PER_CONVERSATION, conversations * MESSAGES_PER_CONVERSATION);
  }
  const added = Math.max(0, conversations - from);
  return {
    messages: added * MESSAGES_PER_CONVERSATION,
    conversations: added,
    customers: added,
    events: added * MESSAGES_PER_CONVERSATION,
  };
}
