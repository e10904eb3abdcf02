// A conversation that ran on the first workflow version (workflows/legacy/) moves over at its next
// wait with what that version carried; this turns it into the carried state of this one.
import { initialMemory, type HandoffReason, type PolicyMemory } from '../../domain/policy';
import type { CsState, HandoffCard, InboundMessage, TicketUpdate, TranscriptEntry } from '../conversationContract';
import type { ConversationInput } from './input';
import { initialCarried, type Agent, type Carried } from './state';

/** What workflows/legacy/conversationWorkflow.ts hands over (its CarriedState and loose state). */
export interface LegacyHandOver {
  state: CsState;
  memory: PolicyMemory;
  transcript: TranscriptEntry[];
  inbox: InboundMessage[];
  seenMsgids: string[];
  outboundSeq: number;
  eventSeq: number;
  revision: number;
  customer: { tier: string; tags: string[]; nickname?: string; lastAgentId?: string };
  agent?: Agent;
  handoff?: HandoffCard;
  skill?: string;
  ticketNo?: string;
  ticketDueAt?: number;
  lastCustomerAt?: number;
  repliesSinceCustomer: number;
  excludedAgents: string[];
  reassignments: number;
  startedAt: number;
  queuedAt?: number;
  assignedAt?: number;
  agentRepliedAt?: number;
  lastActivityAt: number;
  inWecomPool?: boolean;
  pendingTicketUpdates: TicketUpdate[];
}

export function fromLegacy(input: ConversationInput): Carried | undefined {
  if (!input.fromLegacy) return undefined;
  const old = input.fromLegacy as LegacyHandOver;
  const carried = initialCarried(old.lastActivityAt);
  const handoff = old.handoff
    ? (({ transcript: _transcript, ...card }) => ({ ...card, reason: card.reason as HandoffReason }))(old.handoff)
    : undefined;
  const wecom: Carried['wecom'] =
    input.humanMode === 'wecom' && old.state === 'human'
      ? { state: 3, servicer: old.agent?.wecomUserId }
      : old.inWecomPool
        ? { state: 2 }
        : { state: 1 };
  return {
    ...carried,
    phase: old.state,
    memory: old.memory ?? initialMemory(),
    botSince: old.lastActivityAt,
    transcript: old.transcript,
    inbox: old.inbox,
    seenMsgids: old.seenMsgids,
    outboundSeq: old.outboundSeq,
    eventSeq: old.eventSeq,
    revision: old.revision,
    customer: old.customer,
    wecom,
    lastCustomerAt: old.lastCustomerAt,
    repliesSinceCustomer: old.repliesSinceCustomer,
    agent: old.state === 'human' ? old.agent : undefined,
    handoff,
    skill: old.skill,
    queue:
      old.state === 'queued'
        ? {
            queuedAt: old.queuedAt ?? old.lastActivityAt,
            retryMs: input.settings.routingRetryMs,
            poolTried: old.inWecomPool,
          }
        : undefined,
    human:
      old.state === 'human'
        ? {
            assignedAt: old.assignedAt ?? old.lastActivityAt,
            agentRepliedAt: old.agentRepliedAt,
            lastActivityAt: old.lastActivityAt,
          }
        : undefined,
    excludedAgents: old.excludedAgents,
    reassignments: old.reassignments,
    ticket: old.ticketNo
      ? {
          ticketNo: old.ticketNo,
          priority: 'normal',
          dueAt: old.ticketDueAt ?? old.lastActivityAt + input.settings.ticketDueHours.normal * 3600_000,
          untold: [],
        }
      : undefined,
    ticketUpdates: old.pendingTicketUpdates ?? [],
    startedAt: old.startedAt,
    mirrorDirty: true,
  };
}
