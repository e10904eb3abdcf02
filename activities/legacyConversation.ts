// Activities of the first conversation workflow (workflows/legacy/), kept while conversations
// started on it still run: one send or one record per call. New conversations use deliver/record.
import type { MenuItem } from './kfApi';
import type { createOutboundActivities, MirrorRecord, OutboundMessage } from './outbound';

type Outbound = ReturnType<typeof createOutboundActivities>;

interface Addressee {
  conversationId: string;
  openKfId: string;
  externalUserId: string;
  msgid: string;
}

export interface LegacySendResult {
  status: 'sent' | 'duplicate' | 'refused';
  errcode?: number;
}

export function createLegacyConversationActivities(outbound: Outbound) {
  async function sendOne(to: Addressee, message: OutboundMessage): Promise<LegacySendResult> {
    const [outcome] = await outbound.deliver({ ...to, messages: [message], events: [] });
    if (outcome!.status === 'refused') return { status: 'refused', errcode: outcome!.errcode };
    return { status: outcome!.status === 'duplicate' ? 'duplicate' : 'sent' };
  }
  return {
    sendText: (
      req: Addressee & { text: string; from: 'bot' | 'agent' | 'system'; agentId?: string; kbEntryId?: string },
    ) =>
      sendOne(req, {
        msgid: req.msgid,
        from: req.from,
        text: req.text,
        agentId: req.agentId,
        kbEntryId: req.kbEntryId,
      }),
    sendMenu: (req: Addressee & { head: string; items: MenuItem[]; tail?: string }) =>
      sendOne(req, { msgid: req.msgid, from: 'bot', menu: { head: req.head, items: req.items, tail: req.tail } }),
    sendOnEvent: (req: Addressee & { code: string; text?: string; menu?: { head: string; items: MenuItem[] } }) =>
      sendOne(req, { msgid: req.msgid, from: 'system', code: req.code, text: req.text, menu: req.menu }),
    async recordConversation(mirror: Omit<MirrorRecord, 'assignedAt'>): Promise<void> {
      await outbound.record({
        conversationId: mirror.conversationId,
        openKfId: mirror.openKfId,
        externalUserId: mirror.externalUserId,
        events: [],
        mirror,
        customer: mirror.agentId ? { lastAgentId: mirror.agentId } : undefined,
      });
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
      const { conversationId, openKfId, ...event } = req;
      await outbound.record({ conversationId, openKfId, externalUserId: '', events: [event] });
    },
  };
}
