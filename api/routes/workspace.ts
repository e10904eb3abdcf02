// The agent workspace's own routes: its live updates as server-sent events (api/workspace/hub.ts)
// and what its forms and labels need (the Chinese words for the product's ids, the skills' names
// from the KB file, the ticket due times by priority).
import { z } from 'zod';
import { loadKnowledgeBaseFile } from '../../bot/kb';
import type { Config } from '../../config/env';
import { tiersOf } from '../../domain/customerProfile';
import labels from '../../domain/labels.json';
import type { ServiceLevels } from '../../domain/serviceLevels';
import { TICKET_DUE_MAX_MS } from '../../workflows/conversationContract';
import { defineRoute, type Route } from '../route';
import { openEventStream } from '../workspace/eventStream';
import type { WorkspaceHub } from '../workspace/hub';

/** A stream ends after this long and the browser reconnects (and is signed in again). */
export const STREAM_LIFETIME_MS = 5 * 60_000;

export function workspaceRoutes(config: Config, hub: WorkspaceHub, levels: ServiceLevels): Route[] {
  let skills: Record<string, string> | undefined;
  const skillNames = () => (skills ??= loadKnowledgeBaseFile(config.KB_FILE).skills);
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspace/events',
      tag: 'workspace',
      summary: 'Live updates for the workspace (server-sent events)',
      description: [
        'Events, each with `serverNow` (ms): `lists` (mine, queue, tickets; supervisors also others and bot),',
        '`agents` (status, load, free slots), `snapshot` (the open conversation, as GET /api/conversations/{id}),',
        '`gone` (the open conversation is no longer yours: why), `notes` (its internal notes changed),',
        '`customer` (its customer’s tier or tags changed).',
        'Sent when something changed; the stream ends after a few minutes and the browser reconnects.',
      ].join(' '),
      access: 'user',
      query: z.object({
        open: z.string().min(1).max(200).optional().describe('The conversation the workspace shows.'),
      }),
      response: { description: 'An event stream', type: 'text/event-stream' },
      handle({ query, caller, res }) {
        let stop = () => undefined as unknown;
        const stream = openEventStream(res, STREAM_LIFETIME_MS, () => stop());
        stop = hub.watch({ caller, open: query.open, stream });
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspace/labels',
      tag: 'workspace',
      summary: 'The words the workspace shows for states, reasons, skills… and its forms’ defaults',
      access: 'user',
      handle() {
        const { _about, ...words } = labels;
        return {
          ...words,
          skills: skillNames(),
          ticketDueHours: config.CONVERSATION_SETTINGS.ticketDueHours,
          ticketDueMaxMs: TICKET_DUE_MAX_MS,
          /** The tiers a supervisor may give a customer (the service levels'). */
          customerTiers: tiersOf(levels),
        };
      },
    }),
  ];
}
