// The customer behind a conversation, for whoever serves it: their profile (tier, tags), their
// earlier sessions and their tickets; agents add and remove tags, supervisors also set the tier;
// supervisors import tiers and tags for many customers at once (CSV or JSON rows). Read when a
// conversation is opened, never on a timer: customers, the conversation mirror and tickets grow with
// traffic and FerretDB answers each of these queries by scanning the collection (MONGODB.md), so
// every list here is cut to a few items.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ConversationModel } from '../../db/models/conversation';
import { CustomerModel } from '../../db/models/customer';
import { TicketModel } from '../../db/models/ticket';
import { DEFAULT_TIER, profileChangeSchema } from '../../domain/customerProfile';
import type { ServiceLevels } from '../../domain/serviceLevels';
import { importCustomers } from '../../customers/import';
import { rowsFromCsv, rowsFromJson, type ReadRows } from '../../customers/importRows';
import { changeProfile, ProfileChangeRefused } from '../../customers/profiles';
import { conversationCustomer } from '../../workflows/conversationContract';
import { seesEverything } from '../auth/principal';
import { requireConversationAccess } from '../conversationAccess';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';
import type { WorkspaceHub } from '../workspace/hub';

const EARLIER_SESSIONS = 10;
const TICKETS = 10;
/**
 * One import request: this many rows, or a CSV text this long (the route's body limit is in
 * api/app.ts), so that it is answered within a request's time (about 16 s for 2,000 new customers
 * among 20,000 on FerretDB); larger files go through npm run customers:import or several requests.
 */
export const MAX_IMPORT_ROWS = 2000;
export const MAX_IMPORT_CSV_CHARS = 500_000;

const conversationParams = z.object({ conversationId: z.string().min(1).max(200) });

function customerOf(conversationId: string) {
  const customer = conversationCustomer(conversationId);
  if (!customer) throw new HttpError(404, 'not a customer conversation');
  return customer;
}

export function customerRoutes(temporal: Client, hub: WorkspaceHub, levels: ServiceLevels): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/conversations/:conversationId/customer',
      tag: 'conversations',
      summary: 'The conversation’s customer: profile, earlier sessions, tickets',
      access: 'user',
      params: conversationParams,
      async handle({ params, caller }) {
        await requireConversationAccess(temporal, caller, params.conversationId);
        const customer = customerOf(params.conversationId);
        const [profile, sessions, tickets] = await Promise.all([
          CustomerModel.findOne(customer).lean(),
          ConversationModel.find({ ...customer, conversationId: { $ne: params.conversationId } })
            .sort({ session: -1 })
            .limit(EARLIER_SESSIONS)
            .lean(),
          TicketModel.find(customer).sort({ createdAt: -1 }).limit(TICKETS).lean(),
        ]);
        return {
          ...customer,
          nickname: profile?.nickname,
          tier: profile?.tier ?? DEFAULT_TIER,
          tags: profile?.tags ?? [],
          sessions: sessions.map((s) => ({
            conversationId: s.conversationId,
            session: s.session,
            state: s.state,
            startedAt: s.startedAt,
            closedAt: s.closedAt,
            closedReason: s.closedReason,
            handoffReason: s.handoffReason,
            handoffSummary: s.handoffSummary,
            agentId: s.agentId,
            csat: s.csat,
            ticketNo: s.ticketNo,
          })),
          tickets: tickets.map(({ _id, history, ...ticket }) => ({ ...ticket, changes: history.length })),
        };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/conversations/:conversationId/customer',
      tag: 'conversations',
      summary: 'Change the conversation’s customer: add or remove tags; supervisors also set the tier',
      description: [
        'Whoever may see the conversation adds and removes tags; only supervisors and admins set the tier',
        '(one of the service levels’ tiers). The customer’s next conversation starts with the new profile;',
        'workspaces showing this customer are told at once.',
      ].join(' '),
      access: 'user',
      params: conversationParams,
      body: profileChangeSchema(levels),
      async handle({ params, body, caller }) {
        await requireConversationAccess(temporal, caller, params.conversationId);
        if (body.tier !== undefined && !seesEverything(caller))
          throw new HttpError(403, 'only supervisors set a customer’s tier; agents add and remove tags');
        const customer = customerOf(params.conversationId);
        let changed;
        try {
          changed = await changeProfile(customer, body, { userId: caller.userId, role: caller.role });
        } catch (error) {
          if (error instanceof ProfileChangeRefused) throw new HttpError(400, error.message);
          throw error;
        }
        if (!changed) throw new HttpError(404, 'no such customer');
        if (changed.changed) hub.customerChanged(customer);
        return changed;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/customers/import',
      tag: 'customers',
      summary: 'Import customers’ tiers and tags (CSV text or JSON rows); safe to repeat',
      description: [
        'Columns or fields: `openKfId` (optional: without it, the customer on every kf account), `externalUserId`,',
        '`tier` (optional; one of the service levels’ tiers), `tags` (a list, or one cell separated by `;`, `|` or `,`;',
        '`-tag` removes a tag). Each row is checked on its own: the answer counts the customer records created,',
        'updated and unchanged, and lists every rejected row with its reason. Rows already in place change nothing.',
      ].join(' '),
      access: 'supervisor',
      body: z
        .strictObject({
          csv: z.string().max(MAX_IMPORT_CSV_CHARS).optional().describe('The CSV file’s text, with its header line.'),
          rows: z
            .array(z.unknown())
            .max(MAX_IMPORT_ROWS)
            .optional()
            .describe('Rows as objects: { openKfId?, externalUserId, tier?, tags? }.'),
        })
        .refine((b) => (b.csv === undefined) !== (b.rows === undefined), {
          message: 'send csv (the file’s text) or rows (an array of rows), one of them',
        }),
      async handle({ body, caller }) {
        let read: ReadRows;
        try {
          read = body.csv !== undefined ? rowsFromCsv(levels, body.csv) : rowsFromJson(levels, body.rows);
        } catch (error) {
          throw new HttpError(400, (error as Error).message);
        }
        if (read.rows.length + read.rejected.length > MAX_IMPORT_ROWS)
          throw new HttpError(
            400,
            `at most ${MAX_IMPORT_ROWS} rows a request: split the file, or use npm run customers:import`,
          );
        return importCustomers(read, { by: caller.userId, source: body.csv !== undefined ? 'api:csv' : 'api:json' });
      },
    }),
  ];
}
