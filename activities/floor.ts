// The floor's side effects (workflows/floor.ts): kf/sync_msg with a signal-with-start per customer,
// and one send_msg per answer. A retried send reuses its msgid, which WeCom refuses as a duplicate.
import type { Client } from '@temporalio/client';
import { floorInboundSignal, type FloorMessage, type floorEchoWorkflow } from '../workflows/floor';
import { errcodeOf, type KfApi } from './kfApi';
import { normalizeKfMessage } from './kfMessage';

const DUPLICATE_MSGID = 95999;

export function createFloorActivities(deps: { kf: KfApi; temporal: Client; taskQueue: string }) {
  return {
    /** One sync (all pages); returns the cursor after it. */
    async syncFloorMessages(req: { openKfId: string; cursor?: string; token?: string }): Promise<string | undefined> {
      let cursor = req.cursor;
      let token = req.token;
      for (let hasMore = true; hasMore;) {
        const page = await deps.kf
          .syncMsg({ open_kfid: req.openKfId, cursor, token, limit: 1000 })
          .catch(() => deps.kf.syncMsg({ open_kfid: req.openKfId, cursor, limit: 1000 }));
        token = undefined;
        cursor = page.next_cursor || cursor;
        hasMore = page.has_more === 1;
        const byCustomer = new Map<string, FloorMessage[]>();
        for (const item of page.msg_list) {
          const inbound = normalizeKfMessage(item);
          if (!inbound || inbound.message.origin !== 'customer') continue;
          const list = byCustomer.get(inbound.externalUserId) ?? [];
          list.push({ msgid: inbound.message.msgid, text: inbound.message.text ?? '' });
          byCustomer.set(inbound.externalUserId, list);
        }
        await Promise.all(
          [...byCustomer].map(([externalUserId, messages]) =>
            deps.temporal.workflow.signalWithStart<typeof floorEchoWorkflow, [FloorMessage[]]>('floorEchoWorkflow', {
              workflowId: `floor:${req.openKfId}:${externalUserId}`,
              taskQueue: deps.taskQueue,
              args: [{ openKfId: req.openKfId, externalUserId }],
              signal: floorInboundSignal,
              signalArgs: [messages],
            }),
          ),
        );
      }
      return cursor;
    },

    async sendFloorEcho(req: { openKfId: string; externalUserId: string; msgid: string; text: string }): Promise<void> {
      try {
        await deps.kf.sendText({
          touser: req.externalUserId,
          open_kfid: req.openKfId,
          msgid: req.msgid,
          content: req.text,
        });
      } catch (error) {
        if (errcodeOf(error) !== DUPLICATE_MSGID) throw error;
      }
    },
  };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
