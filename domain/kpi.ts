// The KPIs, defined once (README "KPI definitions" says the same in words). Two halves, both pure:
// countEvent() says which counters one conversation event adds to, in which cell (day × kf account ×
// agent × skill × KB entry), so the figures are kept as events happen (activities/kpiCounters.ts);
// summarize() turns the counters of a time range into the figures the analytics API and the
// dashboard show. Nothing here reads the event log: a figure is a sum of counters.
import type { PreviousSession } from './conversationEvents';
import type { HandoffReason } from './policy';

/** Days start at midnight China Standard Time (UTC+8, no daylight saving time). */
export const DAY_OFFSET_MINUTES = 8 * 60;
/** A bot-only conversation counts as contained without a "yes" if the customer does not come back within this. */
export const ASSUMED_CONTAINMENT_WINDOW_MINUTES = 24 * 60;
/** First-contact resolution: no re-contact about the same topic within this. */
export const FCR_WINDOW_MINUTES = 7 * 24 * 60;

export const handoffReasons: readonly HandoffReason[] = [
  'customer_request',
  'low_confidence',
  'repeated_question',
  'answer_rejected',
  'negative_sentiment',
  'high_risk',
  'vip',
  'agent_requested',
  'bot_unavailable',
  'follow_up',
];
export const slaKinds = ['queue_wait', 'first_response', 'ticket_due', 'reply_window'] as const;
export const csatScores = ['satisfied', 'neutral', 'dissatisfied'] as const;

/** One counter document's dimensions; '' where the event has none (the bot has no agent). */
export interface Cell {
  day: string;
  openKfId: string;
  agentId: string;
  skill: string;
  entryId: string;
}

/** Counter name → amount. Names are plain (no '.', no '$'): they become fields of a document. */
export type Counts = Record<string, number>;

/** A conversation event as stored (activities/outbound.ts EventRecord plus its account). */
export interface KpiEvent {
  type: string;
  at: number;
  openKfId: string;
  agentId?: string;
  skill?: string;
  data: Record<string, unknown>;
}

export function dayOf(ms: number): string {
  return new Date(ms + DAY_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}

/** The instant a day (YYYY-MM-DD, China Standard Time) starts. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - DAY_OFFSET_MINUTES * 60_000;
}

/** The document id of a cell: its dimensions joined (none contains '|'). */
export const cellId = (cell: Cell) => [cell.day, cell.openKfId, cell.agentId, cell.skill, cell.entryId].join('|');

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

const cellOf = (e: KpiEvent, dims: Partial<Omit<Cell, 'day' | 'openKfId'>> = {}, at = e.at): Cell => ({
  day: dayOf(at),
  openKfId: e.openKfId,
  agentId: dims.agentId ?? '',
  skill: dims.skill ?? e.skill ?? '',
  entryId: dims.entryId ?? '',
});

// ---------------------------------------------------------------- what a closed conversation was

interface Closing {
  reason: string;
  handoffReason?: string;
  servedBy?: string;
  answered?: boolean;
  abandoned?: boolean;
}

/** The bot alone served it: never handed off, no agent. */
export const botOnly = (c: Closing) => !c.handoffReason && !c.servedBy;

/** Confirmed containment: the bot alone, and the customer said it helped (已解决 / "好的谢谢"). */
export const confirmedContained = (c: Closing) => botOnly(c) && c.reason === 'resolved_by_bot';

/**
 * Assumed containment candidate: the bot alone answered and the customer went quiet (no reply to
 * "did that help?", or silence after an answer). It counts as contained unless the customer comes
 * back within ASSUMED_CONTAINMENT_WINDOW_MINUTES (then the re-contact takes it back).
 */
export const assumedContainmentCandidate = (c: Closing) =>
  botOnly(c) && c.answered === true && (c.reason === 'resolved_silently' || c.reason === 'idle');

/**
 * First-contact resolution candidate: the conversation ended settled (by the bot, an agent, a
 * closed ticket, or the servicer in WeCom). A customer leaving in silence or from the queue is not
 * a resolution. It stays one unless the customer comes back about the same topic within 7 days.
 */
export const fcrCandidate = (c: Closing) => c.reason !== 'idle' && !c.abandoned;

/**
 * SLA attainment: conversations handed to people whose queue-wait and first-response SLAs both
 * held. A customer who left the queue before any SLA broke (abandoned early) is left out of both
 * numerator and denominator; one who left after a breach counts as missed (the breach stands).
 */
export const slaCounted = (c: Closing & { slaBreached?: boolean }) =>
  Boolean(c.handoffReason) && !(c.abandoned && !c.slaBreached);

const previousClosing = (p: PreviousSession): Closing => ({
  reason: p.closedReason,
  handoffReason: p.handoffReason,
  servedBy: p.agentId,
  answered: p.answered,
  abandoned: p.abandoned,
});

/** The cell the previous session's close was counted in (a re-contact is charged there). */
const previousCell = (e: KpiEvent, p: PreviousSession): Cell => ({
  day: dayOf(p.closedAt),
  openKfId: e.openKfId,
  agentId: p.agentId ?? '',
  skill: p.skill ?? '',
  entryId: p.topic ?? '',
});

// ---------------------------------------------------------------- counting one event

/** Which counters one event adds to, in one cell; undefined when it counts for no KPI. */
export function countEvent(e: KpiEvent): { cell: Cell; inc: Counts } | undefined {
  const d = e.data;
  const inc: Counts = {};
  const add = (name: string, amount = 1) => {
    if (amount !== 0) inc[name] = (inc[name] ?? 0) + amount;
  };
  let cell: Cell;
  switch (e.type) {
    case 'opened':
      cell = cellOf(e, { skill: '' });
      add('conversations');
      if (d.startedWith === 'bot') add('botConversations');
      break;
    case 'recontact': {
      const previous = d.previous as PreviousSession;
      cell = previousCell(e, previous);
      add('recontacts');
      if (
        assumedContainmentCandidate(previousClosing(previous)) &&
        (num(d.minutesSinceClose) ?? Infinity) <= ASSUMED_CONTAINMENT_WINDOW_MINUTES
      )
        add('botAssumedRevoked');
      break;
    }
    case 'recontact_same_topic': {
      const previous = d.previous as PreviousSession;
      cell = previousCell(e, previous);
      if (fcrCandidate(previousClosing(previous)) && (num(d.minutesSinceClose) ?? Infinity) <= FCR_WINDOW_MINUTES)
        add('fcrRecontacted');
      break;
    }
    case 'bot_answer':
      cell = cellOf(e, { entryId: text(d.kbEntryId) });
      add('answers');
      break;
    case 'answer_rejected':
      cell = cellOf(e, { entryId: text(d.kbEntryId) });
      add('rejected');
      break;
    case 'not_understood':
      cell = cellOf(e);
      add('notUnderstood');
      break;
    case 'bot_first_response':
      cell = cellOf(e);
      add('frtBot_n');
      add('frtBot_ms', num(d.ms) ?? 0);
      break;
    case 'handoff':
      cell = cellOf(e, { entryId: text(d.intent) });
      add('handoffs');
      add(`handoff_${text(d.reason) || 'unknown'}`);
      if (d.afterAnswer) add('handoffsAfterAnswer');
      break;
    case 'assigned':
      cell = cellOf(e, { agentId: text(d.agentId) });
      add('assignments');
      add('queueWait_ms', (num(d.waitSeconds) ?? 0) * 1000);
      break;
    case 'first_response':
      cell = cellOf(e, { agentId: text(d.agentId) || (e.agentId ?? '') });
      add('agentFrt_n');
      add('agentFrt_ms', (num(d.seconds) ?? 0) * 1000);
      if (num(d.sinceHandoffSeconds) !== undefined) {
        add('frtHuman_n');
        add('frtHuman_ms', num(d.sinceHandoffSeconds)! * 1000);
      }
      break;
    case 'sla_breach':
      if (d.repeat) return undefined; // one breach per wait; reminders are alerts, not breaches
      cell = cellOf(e, { agentId: text(d.agentId) || (e.agentId ?? '') });
      add(`slaBreach_${text(d.kind)}`);
      if (d.kind === 'ticket_due') add('ticketsOverdue');
      break;
    case 'ticket_created':
      cell = cellOf(e, { agentId: text(d.agentId) || (e.agentId ?? '') });
      add('ticketsCreated');
      break;
    case 'ticket_status':
      if (d.status !== 'resolved' && d.status !== 'closed') return undefined;
      cell = cellOf(e, { agentId: e.agentId ?? '' });
      add('ticketsResolved');
      if (num(d.openSeconds) !== undefined) {
        add('ticketResolution_n');
        add('ticketResolution_ms', num(d.openSeconds)! * 1000);
      }
      break;
    case 'closed': {
      const closing: Closing & { slaBreached?: boolean } = {
        reason: text(d.reason),
        handoffReason: text(d.handoffReason) || undefined,
        servedBy: text(d.servedBy) || undefined,
        answered: d.answered === true,
        abandoned: d.abandoned === true,
        slaBreached: d.slaBreached === true,
      };
      cell = cellOf(e, { agentId: closing.servedBy ?? '', entryId: text(d.topic) });
      add('closed');
      if (botOnly(closing)) add('closedBotOnly');
      if (confirmedContained(closing)) add('botConfirmed');
      if (assumedContainmentCandidate(closing)) add('botAssumedCandidates');
      if (closing.servedBy) {
        add('closedHuman');
        add('handling_ms', (num(d.handlingSeconds) ?? 0) * 1000);
      }
      if (fcrCandidate(closing)) add('fcrEligible');
      if (closing.abandoned) add('abandoned');
      if (slaCounted(closing)) {
        add('slaEligible');
        if (!closing.slaBreached) add('slaMet');
      }
      break;
    }
    case 'csat': {
      const agentId = text(d.agentId);
      cell = cellOf(e, { agentId });
      const side = agentId ? 'csatHuman' : 'csatBot';
      add(`${side}_n`);
      if (d.score === 'satisfied') add(`${side}_satisfied`);
      add(`csat_${text(d.score) || 'unknown'}`);
      break;
    }
    default:
      return undefined;
  }
  return Object.keys(inc).length > 0 ? { cell, inc } : undefined;
}

/**
 * An agent's mark on a bot answer, counted in the answer's own cell (its day, account, skill and
 * entry) so the misjudgement rate compares marks with the answers of the same days. A wrong mark on
 * an answer the customer already rejected adds nothing: it is one misjudgement, not two. Changing a
 * mark takes the old one back.
 */
export function countMark(
  answer: { at: number; openKfId: string; skill?: string; entryId: string },
  before: { verdict: 'right' | 'wrong'; counted: boolean } | undefined,
  after: { verdict: 'right' | 'wrong'; counted: boolean },
): { cell: Cell; inc: Counts } | undefined {
  const inc: Counts = {};
  const delta = (mark: typeof after, sign: number) => {
    const name = mark.verdict === 'wrong' ? (mark.counted ? 'markedWrong' : undefined) : 'markedRight';
    if (name) inc[name] = (inc[name] ?? 0) + sign;
  };
  if (before) delta(before, -1);
  delta(after, 1);
  for (const [name, amount] of Object.entries(inc)) if (amount === 0) delete inc[name];
  if (Object.keys(inc).length === 0) return undefined;
  return {
    cell: {
      day: dayOf(answer.at),
      openKfId: answer.openKfId,
      agentId: '',
      skill: answer.skill ?? '',
      entryId: answer.entryId,
    },
    inc,
  };
}

// ---------------------------------------------------------------- the figures of a time range

export interface CounterRow {
  cell: Cell;
  counts: Counts;
}

export interface AgentFigures {
  agentId: string;
  assignments: number;
  conversations: number;
  ahtMs: number | null;
  frtMs: number | null;
  csat: number | null;
  csatResponses: number;
  slaBreaches: number;
  ticketsCreated: number;
}

export interface EntryFigures {
  entryId: string;
  answers: number;
  rejected: number;
  markedWrong: number;
  misjudgements: number;
  misjudgementRate: number | null;
}

export interface DayFigures {
  day: string;
  conversations: number;
  handoffs: number;
  botResolved: number;
  answers: number;
  misjudgements: number;
  csatResponses: number;
  csatSatisfied: number;
}

export interface Summary {
  conversations: number;
  botConversations: number;
  closed: number;
  botResolvedConfirmed: number;
  botResolvedAssumed: number;
  containmentRate: number | null;
  handoffs: number;
  handoffsByReason: Record<string, number>;
  transferRate: number | null;
  transferRateByReason: Record<string, number | null>;
  answers: number;
  rejectedByCustomer: number;
  markedWrongByAgent: number;
  markedRightByAgent: number;
  misjudgements: number;
  misjudgementRate: number | null;
  notUnderstood: number;
  frtBotMs: number | null;
  frtHumanMs: number | null;
  agentFrtMs: number | null;
  queueWaitMs: number | null;
  ahtMs: number | null;
  fcrRate: number | null;
  recontacts: number;
  csatBot: number | null;
  csatHuman: number | null;
  csatResponses: Record<string, number>;
  slaAttainment: number | null;
  slaBreaches: Record<string, number>;
  abandoned: number;
  ticketsCreated: number;
  ticketsResolved: number;
  ticketResolutionMs: number | null;
  ticketsOverdue: number;
  perAgent: AgentFigures[];
  topMisjudgedEntries: EntryFigures[];
  perDay: DayFigures[];
}

/** A ratio, or null when there is nothing to divide by (shown as "—", never as 0 %). */
export const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const mean = (sum: number, n: number) => (n > 0 ? Math.round(sum / n) : null);

function total(rows: CounterRow[], pick: (row: CounterRow) => boolean = () => true): (name: string) => number {
  const sums: Counts = {};
  for (const row of rows) {
    if (!pick(row)) continue;
    for (const [name, amount] of Object.entries(row.counts)) sums[name] = (sums[name] ?? 0) + amount;
  }
  return (name) => sums[name] ?? 0;
}

/** Misjudgements: answers the customer turned down, plus those an agent marked wrong that the customer had not. */
const misjudged = (n: (name: string) => number) => n('rejected') + n('markedWrong');

export function summarize(rows: CounterRow[], topEntries = 10): Summary {
  const n = total(rows);
  const handoffsByReason = Object.fromEntries(handoffReasons.map((reason) => [reason, n(`handoff_${reason}`)]));
  const botConversations = n('botConversations');
  const botResolvedAssumed = Math.max(0, n('botAssumedCandidates') - n('botAssumedRevoked'));

  const groups = <K extends string>(key: (row: CounterRow) => K | '') => {
    const by = new Map<K, CounterRow[]>();
    for (const row of rows) {
      const k = key(row);
      if (k) by.set(k, [...(by.get(k) ?? []), row]);
    }
    return by;
  };

  const perAgent = [...groups((row) => row.cell.agentId)].map(([agentId, own]): AgentFigures => {
    const a = total(own);
    return {
      agentId,
      assignments: a('assignments'),
      conversations: a('closedHuman'),
      ahtMs: mean(a('handling_ms'), a('closedHuman')),
      frtMs: mean(a('agentFrt_ms'), a('agentFrt_n')),
      csat: ratio(a('csatHuman_satisfied'), a('csatHuman_n')),
      csatResponses: a('csatHuman_n'),
      slaBreaches: a('slaBreach_queue_wait') + a('slaBreach_first_response'),
      ticketsCreated: a('ticketsCreated'),
    };
  });
  perAgent.sort((x, y) => y.conversations - x.conversations || x.agentId.localeCompare(y.agentId));

  const entries = [...groups((row) => row.cell.entryId)].map(([entryId, own]): EntryFigures => {
    const e = total(own);
    return {
      entryId,
      answers: e('answers'),
      rejected: e('rejected'),
      markedWrong: e('markedWrong'),
      misjudgements: misjudged(e),
      misjudgementRate: ratio(misjudged(e), e('answers')),
    };
  });
  const topMisjudgedEntries = entries
    .filter((e) => e.misjudgements > 0)
    .sort((x, y) => y.misjudgements - x.misjudgements || (y.misjudgementRate ?? 0) - (x.misjudgementRate ?? 0))
    .slice(0, topEntries);

  const perDay = [...groups((row) => row.cell.day)]
    .map(([day, own]): DayFigures => {
      const t = total(own);
      return {
        day,
        conversations: t('conversations'),
        handoffs: t('handoffs'),
        botResolved: t('botConfirmed') + Math.max(0, t('botAssumedCandidates') - t('botAssumedRevoked')),
        answers: t('answers'),
        misjudgements: misjudged(t),
        csatResponses: t('csatBot_n') + t('csatHuman_n'),
        csatSatisfied: t('csatBot_satisfied') + t('csatHuman_satisfied'),
      };
    })
    .sort((x, y) => x.day.localeCompare(y.day));

  return {
    conversations: n('conversations'),
    botConversations,
    closed: n('closed'),
    botResolvedConfirmed: n('botConfirmed'),
    botResolvedAssumed,
    containmentRate: ratio(n('botConfirmed') + botResolvedAssumed, n('closed')),
    handoffs: n('handoffs'),
    handoffsByReason,
    transferRate: ratio(n('handoffs'), botConversations),
    transferRateByReason: Object.fromEntries(
      handoffReasons.map((reason) => [reason, ratio(handoffsByReason[reason]!, botConversations)]),
    ),
    answers: n('answers'),
    rejectedByCustomer: n('rejected'),
    markedWrongByAgent: n('markedWrong'),
    markedRightByAgent: n('markedRight'),
    misjudgements: misjudged(n),
    misjudgementRate: ratio(misjudged(n), n('answers')),
    notUnderstood: n('notUnderstood'),
    frtBotMs: mean(n('frtBot_ms'), n('frtBot_n')),
    frtHumanMs: mean(n('frtHuman_ms'), n('frtHuman_n')),
    agentFrtMs: mean(n('agentFrt_ms'), n('agentFrt_n')),
    queueWaitMs: mean(n('queueWait_ms'), n('assignments')),
    ahtMs: mean(n('handling_ms'), n('closedHuman')),
    fcrRate: ratio(n('fcrEligible') - n('fcrRecontacted'), n('fcrEligible')),
    recontacts: n('recontacts'),
    csatBot: ratio(n('csatBot_satisfied'), n('csatBot_n')),
    csatHuman: ratio(n('csatHuman_satisfied'), n('csatHuman_n')),
    csatResponses: Object.fromEntries(csatScores.map((score) => [score, n(`csat_${score}`)])),
    slaAttainment: ratio(n('slaMet'), n('slaEligible')),
    slaBreaches: Object.fromEntries(slaKinds.map((kind) => [kind, n(`slaBreach_${kind}`)])),
    abandoned: n('abandoned'),
    ticketsCreated: n('ticketsCreated'),
    ticketsResolved: n('ticketsResolved'),
    ticketResolutionMs: mean(n('ticketResolution_ms'), n('ticketResolution_n')),
    ticketsOverdue: n('ticketsOverdue'),
    perAgent,
    topMisjudgedEntries,
    perDay,
  };
}
