// A new conversation: who the customer is, and who holds their WeCom session. A session a servicer
// already holds (they opened it from the WeCom client) starts with them, one waiting in WeCom's
// pool starts in the queue; otherwise the bot has it. A customer back within minutes of their last
// session is understood with that session's turns.
import { upsertMemo } from '@temporalio/workflow';
import { opening } from './activities';
import type { ConversationInput } from './input';
import { enqueue, takenInWecom } from './assignment';
import type { Conversation } from './context';
import { noteOpened } from './facts';
import { writeHandoffCard } from './handoff';

export async function open(c: Conversation, input: ConversationInput): Promise<void> {
  const d = c.d;
  const { openKfId, externalUserId, session } = c.state.id;
  const opened = await opening.openConversation({ openKfId, externalUserId, session, known: input.customer });
  d.customer = opened.customer;
  d.wecom = opened.wecom;
  const last = opened.customer.lastSession;
  const window = ((c.policy as { followUpWindowMinutes?: number }).followUpWindowMinutes ?? 0) * 60_000;
  if (last && d.startedAt - last.closedAt <= window) {
    d.memory.recentCustomerTurns = last.recentCustomerTurns.slice(-c.policy.recentTurns);
    d.memory.lastAnsweredEntryId = last.lastAnsweredEntryId;
  }
  await upsertMemo({ nickname: d.customer.nickname ?? '' });
  c.state.upsertSearchAttributes();
  d.mirrorDirty = true;
  noteOpened(c, d.wecom.state === 3 && d.wecom.servicer ? 'agent' : d.wecom.state === 2 ? 'queue' : 'bot');
  if (d.wecom.state === 3 && d.wecom.servicer) {
    await takenInWecom(c, d.wecom.servicer);
  } else if (d.wecom.state === 2) {
    // WeCom put the session in its pool (its own 转人工): a person is what the customer asked for.
    await writeHandoffCard(c, 'customer_request', c.policy.priority.default);
    enqueue(c);
    d.queue!.poolTried = true;
  }
}
