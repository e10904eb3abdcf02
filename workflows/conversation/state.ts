// The conversation's state: everything a run carries to the next (continue-as-new), the one
// transition() that checks every move against domain/lifecycle.ts, and the views derived from it
// (search attributes, the mirror, the console snapshot with its live timers).
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { EventRecord, MirrorRecord, SessionContext } from '../../activities/outbound';
import type { CustomerProfile } from '../../activities/session';
import type { ConversationSettings } from '../../domain/conversationSettings';
import { assertTransition, type CloseReason, type ConversationState as Phase } from '../../domain/lifecycle';
import { initialMemory, type HandoffReason, type PolicyMemory } from '../../domain/policy';
import {
  botDeadline,
  firstResponseDue,
  idleDue,
  onFirstResponseLapse,
  queueDeadline,
  ticketDeadline,
  type SlaSettings,
  type TicketPriority,
} from '../../domain/sla';
import { calendarOf, levelOf, type ServiceLevels } from '../../domain/serviceLevels';
import type { WecomSession } from '../../domain/wecomSession';
import { showCurrentDetails } from './details';
import type {
  ConversationSnapshot,
  HandoffCard,
  HumanMode,
  InboundMessage,
  TicketRevision,
  TicketUpdate,
  TranscriptEntry,
} from '../conversationContract';
import {
  CsAgent,
  CsCustomerTier,
  CsHandoffReason,
  CsOpenKfId,
  CsPriority,
  CsSkill,
  CsState,
} from '../searchAttributes';

// The workflow sandbox's Date.now() is the deterministic workflow clock.
const workflowClock = () => Date.now(); // eslint-disable-line no-restricted-syntax

export interface Agent {
  agentId: string;
  name: string;
  wecomUserId?: string;
}

/** The handoff card without the transcript: the card shows the conversation's own transcript. */
export type Handoff = Omit<HandoffCard, 'transcript' | 'reason'> & { reason: HandoffReason; modelWritten?: boolean };

/** Everything a run hands to the next one. Plain JSON. */
export interface Carried {
  phase: Phase;
  /** Set when the conversation has decided to close; the close phase runs next. */
  closing?: CloseReason;
  memory: PolicyMemory;
  /** Bot turns so far; a "did that help?" menu carries the turn it asks about. */
  turn: number;
  /** The turn whose answer "did that help?" asks about, while confirming. */
  confirmingTurn?: number;
  /** When the bot last spoke or heard (bot idleness and the confirmation timeout count from here). */
  botSince: number;
  /** Start times of recent bot turns (the per-customer rate limit). */
  botTurnsAt: number[];
  transcript: TranscriptEntry[];
  inbox: InboundMessage[];
  seenMsgids: string[];
  outboundSeq: number;
  eventSeq: number;
  revision: number;
  customer: CustomerProfile;
  wecom: WecomSession;
  lastCustomerAt?: number;
  repliesSinceCustomer: number;
  agent?: Agent;
  handoff?: Handoff;
  skill?: string;
  /** The skill the handoff message itself seems to name: preferred in routing, never required. */
  skillHint?: string;
  queue?: {
    queuedAt: number;
    lastAlertAt?: number;
    alerts?: number;
    /** How long to wait before asking routing again (backs off while nobody could serve it). */
    retryMs: number;
    /** wecom mode: WeCom's pool was tried once for this wait. */
    poolTried?: boolean;
    /** When it last told the dispatcher it waits (it re-registers now and then, and when widened). */
    registeredAt?: number;
    widened?: boolean;
    /** What the customer has been told: their place, and that nobody is online (with a 留言 offer). */
    toldPosition?: number;
    toldNoAgent?: boolean;
  };
  /** The dispatcher's offer of an agent (slot reserved), until the queue phase takes it. */
  offer?: { agent: Agent; why: string[] };
  /** Offers that came when the conversation no longer waited: their slots go back. */
  staleOffers: Agent[];
  /** Runs from before the dispatcher: capacity appeared, poll routing now (phases/queuePolling.ts). */
  routingChanged?: boolean;
  /** The place in the queue the dispatcher last told, and whether it is news. */
  place?: { position: number; total: number; expectedWaitMs?: number; noAgentOnline: boolean; news: boolean };
  human?: {
    assignedAt: number;
    agentRepliedAt?: number;
    lastActivityAt: number;
    nudgedAt?: number;
    lastFirstResponseAlertAt?: number;
    firstResponseAlerts?: number;
  };
  /** Agents who let the first response lapse (shown to supervisors). */
  lapsedAgents: string[];
  /** Agents routing never offers this conversation again: those who lapsed, WeCom refused, or transferred it away. */
  excludedAgents: string[];
  reassignments: number;
  /** After the last allowed reassignment: the conversation stays and supervisors are alerted. */
  escalated: boolean;
  ticket?: {
    ticketNo: string;
    priority: TicketPriority;
    dueAt: number;
    lastAlertAt?: number;
    /** Status changes the customer could not be told yet (WeCom did not allow it): told when they write. */
    untold: TicketUpdate[];
  };
  /** Signals not yet applied by the loop. */
  ticketUpdates: TicketUpdate[];
  /** Priority and due-time changes not yet applied (absent in state carried from before they existed). */
  ticketRevisions?: TicketRevision[];
  unavailableAgents: string[];
  startedAt: number;
  /** When close() finished: the survey and forwarding window counts from here. */
  closedAt?: number;
  csat?: string;
  /** session_status_change 3 (a servicer ended the session in WeCom) hands out a code for the survey. */
  endMsgCode?: string;
  /** Closed while our API held WeCom's session: it is ended after the survey wait unless the customer wrote again. */
  endWhenQuiet?: boolean;
  /** Events not yet written: flushed with the next delivery, before every wait, and before continue-as-new. */
  pendingEvents: EventRecord[];
  mirrorDirty: boolean;
  /** What the KPIs need to know at close (facts.ts); absent in conversations started before them. */
  facts?: ConversationFacts;
  customerUpdate?: { lastAgentId?: string; lastSession?: SessionContext };
}

/** Facts about the conversation the closing event reports, gathered as it goes (facts.ts). */
export interface ConversationFacts {
  /** Time spent with agents in finished human phases. */
  handledMs: number;
  /** The agent who served this conversation last (the customer's lastAgentId may be an earlier session's). */
  servedBy?: string;
  slaBreached?: boolean;
  botReplied?: boolean;
  personReplied?: boolean;
  /** The topic was compared with the previous session's (a same-topic re-contact is recorded once). */
  topicNoted?: boolean;
  ticketCreatedAt?: number;
  /** The customer's question the bot answered last (the review queue shows it with a rejection or handoff). */
  answeredQuestion?: string;
}

export function initialCarried(now: number): Carried {
  return {
    phase: 'bot',
    memory: initialMemory(),
    turn: 0,
    botSince: now,
    botTurnsAt: [],
    transcript: [],
    inbox: [],
    seenMsgids: [],
    outboundSeq: 0,
    eventSeq: 0,
    revision: 0,
    customer: { tier: 'normal', tags: [] },
    wecom: { state: 1 },
    repliesSinceCustomer: 0,
    lapsedAgents: [],
    excludedAgents: [],
    reassignments: 0,
    escalated: false,
    ticketUpdates: [],
    staleOffers: [],
    unavailableAgents: [],
    startedAt: now,
    pendingEvents: [],
    mirrorDirty: false,
    facts: { handledMs: 0 },
  };
}

export interface Identity {
  conversationId: string;
  openKfId: string;
  externalUserId: string;
  session: number;
  humanMode: HumanMode;
  settings: ConversationSettings;
  /** Service levels per tier and business hours, as they were when the conversation started. */
  levels: ServiceLevels;
}

export class ConversationState {
  constructor(
    readonly id: Identity,
    readonly d: Carried,
  ) {}

  get facts(): ConversationFacts {
    return (this.d.facts ??= { handledMs: 0 });
  }

  get phase(): Phase {
    return this.d.phase;
  }

  /** The customer's tier's level: its SLAs over the defaults, and the kf account's business hours. */
  sla(): SlaSettings {
    const { settings, levels, openKfId } = this.id;
    const level = levelOf(levels, this.d.customer.tier);
    return {
      ...settings,
      ...(level.queueWaitSlaMs ? { queueWaitSlaMs: level.queueWaitSlaMs } : {}),
      ...(level.firstResponseSlaMs ? { firstResponseSlaMs: level.firstResponseSlaMs } : {}),
      ticketDueHours: { ...settings.ticketDueHours, ...level.ticketDueHours },
      calendar: calendarOf(levels, openKfId),
    };
  }

  get closingOrClosed(): boolean {
    return this.d.closing !== undefined || this.d.phase === 'closed';
  }

  get inBot(): boolean {
    return this.d.phase === 'bot' || this.d.phase === 'confirming';
  }

  /** The one way the phase changes: checked against the lifecycle table, reflected everywhere. */
  transition(to: Phase): void {
    if (to !== this.d.phase) assertTransition(this.d.phase, to);
    // Handling time: each stretch with an agent ends when the conversation leaves the human phase.
    if (this.d.phase === 'human' && to !== 'human' && this.d.human) {
      this.facts.handledMs += Math.max(0, workflowClock() - this.d.human.assignedAt);
    }
    this.d.phase = to;
    if (to !== 'human') this.d.human = undefined;
    if (to !== 'queued') {
      this.d.queue = undefined;
      this.d.place = undefined;
    }
    if (to !== 'human' && to !== 'closed') this.d.agent = undefined;
    this.d.mirrorDirty = true;
    this.upsertSearchAttributes();
  }

  upsertSearchAttributes(): void {
    upsertSearchAttributes([
      { key: CsState, value: this.d.phase },
      { key: CsOpenKfId, value: this.id.openKfId },
      { key: CsCustomerTier, value: this.d.customer.tier },
      { key: CsHandoffReason, value: this.d.handoff?.reason ?? null },
      { key: CsPriority, value: this.d.handoff?.priority ?? null },
      { key: CsAgent, value: this.d.agent?.agentId ?? null },
      { key: CsSkill, value: this.d.skill ?? null },
    ]);
    // The Temporal UI's current details follow every change the search attributes do.
    showCurrentDetails(this);
  }

  record(entry: TranscriptEntry): void {
    this.d.transcript.push(entry);
    const keep = this.id.settings.transcriptInState;
    if (this.d.transcript.length > keep) this.d.transcript = this.d.transcript.slice(-keep);
  }

  /** The deadlines running now, by the names the workspace shows. */
  timersDue(): Record<string, number> {
    const settings = this.sla();
    const { csatWaitMs, confirmationTimeoutMs, botIdleCloseMs } = this.id.settings;
    const d = this.d;
    const due: Record<string, number> = {};
    if (d.closing || d.phase === 'closed') {
      if (d.closedAt !== undefined && d.closing !== 'idle') due.csat = d.closedAt + csatWaitMs;
      return due;
    }
    if (d.phase === 'bot' || d.phase === 'confirming') {
      const next = botDeadline(
        { since: d.botSince, confirming: d.phase === 'confirming' },
        { confirmationTimeoutMs, botIdleCloseMs },
      );
      due[next.kind === 'confirmation' ? 'confirmation' : 'botIdle'] = next.at;
    }
    if (d.phase === 'queued' && d.queue) due.queueWaitSla = queueDeadline(d.queue, settings).at;
    if (d.phase === 'human' && d.human) {
      const firstResponse = firstResponseDue(d.human, settings);
      if (firstResponse !== undefined) {
        due.firstResponseSla = firstResponse;
      } else {
        const idle = idleDue(d.human, settings);
        due[idle.kind === 'idle_nudge' ? 'humanIdleNudge' : 'humanIdleClose'] = idle.at;
      }
    }
    if (d.phase === 'ticket' && d.ticket) due.ticketSla = ticketDeadline(d.ticket, settings).at;
    return due;
  }

  mirror(now: number): MirrorRecord {
    const d = this.d;
    d.revision += 1;
    return {
      conversationId: this.id.conversationId,
      openKfId: this.id.openKfId,
      externalUserId: this.id.externalUserId,
      session: this.id.session,
      state: d.phase,
      humanMode: this.id.humanMode,
      agentId: d.agent?.agentId,
      handoffReason: d.handoff?.reason,
      handoffSummary: d.handoff?.summary,
      priority: d.handoff?.priority,
      skill: d.skill,
      customerTier: d.customer.tier,
      nickname: d.customer.nickname,
      ticketNo: d.ticket?.ticketNo,
      csat: d.csat,
      closedReason: d.phase === 'closed' ? d.closing : undefined,
      startedAt: d.startedAt,
      queuedAt: d.queue?.queuedAt,
      assignedAt: d.human?.assignedAt,
      at: now,
      revision: d.revision,
    };
  }

  snapshot(): ConversationSnapshot {
    const d = this.d;
    return {
      conversationId: this.id.conversationId,
      openKfId: this.id.openKfId,
      externalUserId: this.id.externalUserId,
      state: d.phase,
      humanMode: this.id.humanMode,
      agentId: d.agent?.agentId,
      handoff: d.handoff ? { ...d.handoff, transcript: [...d.transcript] } : undefined,
      ticketNo: d.ticket?.ticketNo,
      transcriptTail: d.transcript.slice(-30),
      timersDue: this.timersDue(),
      csat: d.csat,
      closedReason: d.closing,
      queuedAt: d.queue?.queuedAt,
      assignedAt: d.human?.assignedAt,
      wecomState: d.wecom.state,
      wecomServicer: d.wecom.servicer,
      escalated: d.escalated,
      lapsedAgents: [...d.lapsedAgents],
      ...(d.place ? { queuePlace: (({ news: _news, ...place }) => place)(d.place) } : {}),
      breaches: this.breaches(),
      firstResponseLapse:
        d.phase === 'human' && d.human?.agentRepliedAt === undefined && !d.escalated
          ? onFirstResponseLapse(d.reassignments, this.id.settings)
          : undefined,
    };
  }

  /** How many alerts each running SLA timer has raised (the workspace says "overdue" past the first). */
  private breaches(): Record<string, number> {
    const d = this.d;
    const raised: Record<string, number> = {};
    if (d.phase === 'queued' && d.queue?.alerts) raised.queueWaitSla = d.queue.alerts;
    if (d.phase === 'human' && d.human?.firstResponseAlerts) raised.firstResponseSla = d.human.firstResponseAlerts;
    if (d.phase === 'ticket' && d.ticket?.lastAlertAt !== undefined) raised.ticketSla = 1;
    return raised;
  }
}
