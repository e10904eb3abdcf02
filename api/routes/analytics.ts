// Analytics for supervisors: the KPIs of a time range (summed from the counters kept as events
// happen, domain/kpi.ts), and the live picture the dashboard shows next to them: conversations
// waiting and with agents (Temporal visibility: running conversations only, each with a link to
// its run in the Temporal UI) and the latest SLA alerts.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../../config/env';
import { countersOf } from '../../db/kpiCounters';
import { AlertModel } from '../../db/models/alert';
import { ConversationModel } from '../../db/models/conversation';
import { dayOf, summarize } from '../../domain/kpi';
import { CONVERSATION_WORKFLOW } from '../../workflows/conversationContract';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';

const DAY = 24 * 3600_000;
const MAX_RANGE_DAYS = 400;
/** The live lists are for a screen: the busiest deployment shows its first few hundred. */
const LIVE_LIMIT = 300;

const isoTime = z.iso.datetime({ offset: true }).describe('An ISO 8601 time, e.g. 2026-11-25T00:00:00+08:00');
const dimension = z.string().min(1).max(128).optional();

const summaryQuery = z.object({
  from: isoTime.optional().describe('Start of the range (default: 7 days before `to`).'),
  to: isoTime.optional().describe('End of the range (default: now).'),
  openKfId: dimension.describe('Only this kf account.'),
  agentId: dimension.describe('Only this agent.'),
  skill: dimension.describe('Only this skill.'),
  entryId: dimension.describe('Only this knowledge-base entry.'),
});

/** The Temporal UI page of one run (TEMPORAL_UI_URL is the UI's base, e.g. $PUBLIC_URL/temporal/). */
export function temporalRunUrl(config: Config, workflowId: string, runId?: string): string {
  const base = config.TEMPORAL_UI_URL.replace(/\/+$/, '');
  const ns = encodeURIComponent(config.TEMPORAL_NAMESPACE);
  const run = runId ? `/${encodeURIComponent(runId)}/history` : '';
  return `${base}/namespaces/${ns}/workflows/${encodeURIComponent(workflowId)}${run}`;
}

/** The visibility query for live conversations in a state (README: "Supervising in the Temporal UI"). */
export const liveQuery = (taskQueue: string, states: string[]) =>
  `WorkflowType = '${CONVERSATION_WORKFLOW}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}' AND (${states
    .map((s) => `CsState = '${s}'`)
    .join(' OR ')})`;

const keyword = (value: unknown): string | undefined =>
  Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined);

export function analyticsRoutes(config: Config, temporal: Client): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/analytics/summary',
      tag: 'analytics',
      summary: 'The KPIs of a time range (README: KPI definitions)',
      description:
        'Summed from counters kept per day (China Standard Time) × kf account × agent × skill × KB entry as events happen; the range is widened to whole days. Rates are null when nothing was there to divide by.',
      access: 'supervisor',
      query: summaryQuery,
      async handle({ query }) {
        const to = query.to ? Date.parse(query.to) : Date.now();
        const from = query.from ? Date.parse(query.from) : to - 7 * DAY;
        if (!(from < to)) throw new HttpError(400, 'from must be before to');
        if (to - from > MAX_RANGE_DAYS * DAY) throw new HttpError(400, `at most ${MAX_RANGE_DAYS} days at once`);
        const first = dayOf(from);
        const last = dayOf(to - 1);
        const { openKfId, agentId, skill, entryId } = query;
        const filter = Object.fromEntries(
          Object.entries({ openKfId, agentId, skill, entryId }).filter(([, value]) => value !== undefined),
        );
        const rows = await countersOf(first, last, filter);
        return {
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          days: { first, last },
          ...summarize(rows),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/analytics/live',
      tag: 'analytics',
      summary: 'Conversations waiting and with agents now, and the latest alerts',
      description:
        'Running conversations from Temporal visibility (a continued-as-new run is listed once, under its current state), each with a link to its run in the Temporal UI.',
      access: 'supervisor',
      async handle() {
        const live: {
          conversationId: string;
          runId: string;
          state: string;
          priority?: number;
          handoffReason?: string;
          skill?: string;
          agentId?: string;
          customerTier?: string;
          startedAt?: string;
          temporalUrl: string;
        }[] = [];
        for await (const run of temporal.workflow.list({
          query: liveQuery(config.TEMPORAL_TASK_QUEUE, ['queued', 'human']),
          pageSize: 100,
        })) {
          const sa = (run.searchAttributes ?? {}) as Record<string, unknown>;
          const priority = Array.isArray(sa.CsPriority) ? Number(sa.CsPriority[0]) : undefined;
          live.push({
            conversationId: run.workflowId,
            runId: run.runId,
            state: keyword(sa.CsState) ?? 'unknown',
            ...(priority !== undefined ? { priority } : {}),
            handoffReason: keyword(sa.CsHandoffReason),
            skill: keyword(sa.CsSkill),
            agentId: keyword(sa.CsAgent),
            customerTier: keyword(sa.CsCustomerTier),
            startedAt: run.startTime?.toISOString(),
            temporalUrl: temporalRunUrl(config, run.workflowId, run.runId),
          });
          if (live.length >= LIVE_LIMIT) break;
        }
        // The wait starts at the handoff, which only the conversation mirror keeps (one look-up for the page).
        const mirrors = await ConversationModel.find(
          { conversationId: { $in: live.map((c) => c.conversationId) } },
          { conversationId: 1, queuedAt: 1, assignedAt: 1, nickname: 1, handoffSummary: 1 },
        ).lean();
        const byId = new Map(mirrors.map((m) => [m.conversationId, m]));
        const conversations = live.map((c) => {
          const mirror = byId.get(c.conversationId);
          return {
            ...c,
            nickname: mirror?.nickname ?? undefined,
            summary: mirror?.handoffSummary ?? undefined,
            queuedAt: mirror?.queuedAt?.toISOString(),
            assignedAt: mirror?.assignedAt?.toISOString(),
          };
        });
        const queue = conversations
          .filter((c) => c.state === 'queued')
          .sort(
            (a, b) =>
              (b.priority ?? 0) - (a.priority ?? 0) ||
              (a.queuedAt ?? a.startedAt ?? '').localeCompare(b.queuedAt ?? b.startedAt ?? ''),
          );
        const alerts = await AlertModel.find({}).sort({ at: -1 }).limit(20).lean();
        return {
          at: new Date().toISOString(),
          queue,
          withAgents: conversations.filter((c) => c.state === 'human'),
          alerts: alerts.map(({ _id, ...alert }) => ({
            ...alert,
            temporalUrl: alert.conversationId ? temporalRunUrl(config, alert.conversationId) : undefined,
          })),
        };
      },
    }),
  ];
}
