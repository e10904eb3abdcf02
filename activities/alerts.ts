// Alerts (SLA breaches, high-risk handoffs): stored (idempotent by alertId), then posted to the
// WeCom group robot when ALERT_WEBHOOK_URL is set, naming the rapid-support group's members (<@userid>)
// so the group hears of it. A failing webhook is recorded, never a reason to fail the conversation.
import { AgentModel } from '../db/models/agent';
import { AlertModel } from '../db/models/alert';
import { RAPID_SUPPORT } from '../domain/rapidSupport';

/** The WeCom userids of the rapid-support group's members (a small collection). */
async function groupMentions(): Promise<string> {
  const members = await AgentModel.find({ groups: RAPID_SUPPORT }, { wecomUserId: 1 }).lean();
  const ids = members.map((m) => m.wecomUserId).filter((id): id is string => Boolean(id));
  return ids.length > 0 ? `\n快速支持小组：${ids.map((id) => `<@${id}>`).join(' ')}` : '';
}

export function createAlertActivities(options: { webhookUrl?: string; timeoutMs?: number }) {
  return {
    async raiseAlert(req: {
      alertId: string;
      kind: string;
      conversationId?: string;
      message: string;
      priority?: number;
    }): Promise<void> {
      const existing = await AlertModel.findOne({ alertId: req.alertId }).lean();
      if (existing?.delivered || (existing && !options.webhookUrl)) return;
      if (!existing) {
        await AlertModel.create({ ...req, at: new Date() }).catch((error: { code?: number }) => {
          if (error.code !== 11000) throw error;
        });
      }
      if (!options.webhookUrl) return;
      const content = `**客服告警：${req.kind}**\n> ${req.message}${req.conversationId ? `\n> 会话：${req.conversationId}` : ''}${await groupMentions()}`;
      try {
        const res = await fetch(options.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
        const body = (await res.json().catch(() => ({}))) as { errcode?: number; errmsg?: string };
        const ok = res.ok && (body.errcode ?? 0) === 0;
        await AlertModel.updateOne(
          { alertId: req.alertId },
          { $set: { delivered: ok, error: ok ? undefined : `HTTP ${res.status} ${body.errmsg ?? ''}`.trim() } },
        );
      } catch (error) {
        await AlertModel.updateOne(
          { alertId: req.alertId },
          { $set: { delivered: false, error: (error as Error).message } },
        );
      }
    },
  };
}

export type AlertActivities = ReturnType<typeof createAlertActivities>;
