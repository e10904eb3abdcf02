// What a workspace shows of the rapid-support group (the `rapidSupport` event): the open requests
// for help it may see, with the customer and where the conversation stands, and for members of the
// group and supervisors the open conversations the group should hear of (urgent handoffs, SLA
// breaches, escalations). Pure: from the open consults and the workspace's list rows.
import { groupNotices, type GroupNotice } from '../../domain/rapidSupport';
import type { Principal } from '../auth/principal';
import { consultsFor, consultView, type ConsultView, type StoredConsult } from '../consults';
import type { ConversationRow } from './rows';

type Where = Pick<ConversationRow, 'state' | 'agentId' | 'nickname' | 'externalUserId' | 'handoffReason' | 'priority'>;

export interface RapidSupportView {
  /** The viewer answers the group's requests (a member, or a supervisor). */
  member: boolean;
  consults: (ConsultView & Partial<Where>)[];
  notices: (GroupNotice & Partial<Where>)[];
}

function where(row: ConversationRow | undefined): Partial<Where> {
  if (!row) return {};
  const { state, agentId, nickname, externalUserId, handoffReason, priority } = row;
  return { state, agentId, nickname, externalUserId, handoffReason, priority };
}

export function rapidSupportView(
  viewer: Principal,
  member: boolean,
  consults: StoredConsult[],
  rows: ConversationRow[],
): RapidSupportView {
  const rowOf = new Map(rows.map((row) => [row.conversationId, row]));
  return {
    member,
    consults: consultsFor(viewer, member, consults.map(consultView)).map((c) => ({
      ...c,
      ...where(rowOf.get(c.conversationId)),
    })),
    notices: member ? groupNotices(rows).map((n) => ({ ...n, ...where(rowOf.get(n.conversationId)) })) : [],
  };
}
