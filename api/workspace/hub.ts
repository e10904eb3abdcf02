// Live updates for every open workspace in this api process, from one short poll they all share
// (while at least one is open): Temporal visibility lists the open work (the search attributes the
// workflow keeps current), the workflow's `snapshot` query says what a list row and the open
// conversation show, and the agents' roster comes from its small collections. No collection that
// grows with traffic is read on the timer. Each workspace gets its lists, its open conversation and
// the agents as server-sent events, only when they changed, and `gone` when the open conversation
// is no longer the viewer's. A conversation's snapshot is asked for again only when visibility
// says it changed, when one of its deadlines has passed (an SLA breach shows), or while someone
// looks at it: every tick when open in a workspace, every other tick when held by an agent whose
// workspace is open (for the unread badges). The open requests for
// help (a small collection) are read with the roster, and at once after a change here: members of
// the rapid-support group and supervisors get them and the conversations the group should hear of
// (`rapidSupport`); a request whose conversation has moved on from its agent is ended here.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../../config/logger';
import { TicketModel } from '../../db/models/ticket';
import { consultOver, isMember } from '../../domain/rapidSupport';
import { conversationCustomer, snapshotQuery, type ConversationSnapshot } from '../../workflows/conversationContract';
import { agentRoster, agentView, type RosterEntry } from '../agentRoster';
import { seesEverything, type Principal } from '../auth/principal';
import { mayAccess } from '../conversationAccess';
import { listOpenConversations, type OpenConversation } from '../conversationVisibility';
import { closeConsult, openConsults, type StoredConsult } from '../consults';
import type { EventStream } from './eventStream';
import { rapidSupportView } from './rapidSupportView';
import { conversationRow, listsFor, waitingSince, type ConversationRow } from './rows';

export const TICK_MS = 1000;
/** Open work read per tick (queued, with agents, tickets); past this the lists are cut. */
const OPEN_LIMIT = 500;
/** Supervisors see the newest conversations with the bot, this many. */
const BOT_LIMIT = 30;
const QUERY_CONCURRENCY = 4;
const QUERY_DEADLINE_MS = 3000;
/** A closed conversation left open in a workspace changes rarely (the survey): asked every this many ticks. */
const CLOSED_EVERY = 10;
const AGENTS_EVERY = 2;
/** A conversation an agent holds but has not open (its row's unread badge) is asked every this many ticks. */
const HELD_EVERY = 2;
/** Tickets reassigned through another api process are seen within this many ticks. */
const ASSIGNEES_EVERY = 30;
const ROSTER_PAGE = { limit: 500, offset: 0 };

export interface Watcher {
  caller: Principal;
  /** The conversation the workspace shows. */
  open?: string;
  stream: EventStream;
}

interface Sent {
  lists?: string;
  snapshot?: string;
  agents?: string;
  rapidSupport?: string;
  gone?: string;
}

interface Known {
  /** Visibility's view when the snapshot was taken: a change asks again. */
  key: string;
  snapshot?: ConversationSnapshot;
  missing?: boolean;
  /** When the snapshot was taken. */
  takenAt?: number;
}

/** How long after a deadline its snapshot is asked for again, for the workflow to have acted on it. */
const AFTER_DEADLINE_MS = 3000;

/** One of the snapshot's deadlines has passed and no snapshot since shows what the workflow did. */
const deadlinePassed = (known: Known, now: number) =>
  Object.values(known.snapshot?.timersDue ?? {}).some(
    (due) => due <= now && (known.takenAt ?? now) < due + AFTER_DEADLINE_MS,
  );

const keyOf = (c: OpenConversation) => [c.state, c.agentId, c.priority, c.handoffReason, c.skill].join('|');

/** The snapshot without the card's copy of the transcript (the tail is there; the rest is loaded once). */
const slim = (snapshot: ConversationSnapshot): ConversationSnapshot => ({
  ...snapshot,
  handoff: snapshot.handoff && { ...snapshot.handoff, transcript: [] },
});

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

export class WorkspaceHub {
  private readonly watchers = new Map<Watcher, Sent>();
  private readonly known = new Map<string, Known>();
  /**
   * Ticket number → its assignee, read once per ticket (the tickets collection grows), again when
   * this process changed it, and every ASSIGNEES_EVERY ticks for changes made elsewhere.
   */
  private readonly assignees = new Map<string, string | null>();
  private rows: ConversationRow[] | undefined;
  private roster: RosterEntry[] | undefined;
  private consults: StoredConsult[] | undefined;
  private consultsStale = false;
  private ticks = 0;
  private running = false;
  private lastFailure = 0;

  constructor(private readonly deps: { temporal: Client; taskQueue: string; log: Logger; tickMs?: number }) {}

  /** Starts sending to this workspace; returns how to stop. */
  watch(watcher: Watcher): () => void {
    this.watchers.set(watcher, {});
    if (this.rows) this.deliver(watcher);
    if (!this.running) void this.loop();
    return () => this.watchers.delete(watcher);
  }

  /** Something the workflow does not hold changed (notes): workspaces showing the conversation hear it. */
  conversationChanged(conversationId: string, what: 'notes'): void {
    for (const watcher of this.watchers.keys()) {
      if (watcher.open === conversationId) watcher.stream.send(what, { conversationId, serverNow: Date.now() });
    }
  }

  /** A request for help was made, joined, whispered in or ended here: read them again at the next tick. */
  consultsChanged(): void {
    this.consultsStale = true;
  }

  /** A ticket's assignee may have changed: read again at the next tick. */
  ticketChanged(ticketNo: string): void {
    this.assignees.delete(ticketNo);
  }

  /** A customer's profile changed: workspaces showing one of their conversations read it again. */
  customerChanged(customer: { openKfId: string; externalUserId: string }): void {
    for (const watcher of this.watchers.keys()) {
      const shown = watcher.open && conversationCustomer(watcher.open);
      if (shown && shown.openKfId === customer.openKfId && shown.externalUserId === customer.externalUserId)
        watcher.stream.send('customer', { conversationId: watcher.open, serverNow: Date.now() });
    }
  }

  close(): void {
    for (const watcher of [...this.watchers.keys()]) watcher.stream.close();
    this.watchers.clear();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.watchers.size > 0) {
        const started = Date.now();
        await this.tick().catch((error: unknown) => {
          // Temporal or MongoDB away: the workspaces keep what they have; said once a minute.
          if (Date.now() - this.lastFailure > 60_000) {
            this.lastFailure = Date.now();
            this.deps.log.warn({ error: (error as Error).message }, 'workspace updates failed; retrying');
          }
        });
        const wait = (this.deps.tickMs ?? TICK_MS) - (Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 100)));
      }
    } finally {
      this.running = false;
      this.known.clear();
      this.assignees.clear();
      this.rows = undefined;
      this.roster = undefined;
      this.consults = undefined;
    }
  }

  private async tick(): Promise<void> {
    const { temporal, taskQueue } = this.deps;
    this.ticks += 1;
    const watchers = [...this.watchers.keys()];
    const supervisorWatching = watchers.some((w) => seesEverything(w.caller));
    const [work, bot] = await Promise.all([
      listOpenConversations(temporal, taskQueue, ['queued', 'human', 'ticket'], OPEN_LIMIT),
      supervisorWatching ? listOpenConversations(temporal, taskQueue, ['bot', 'confirming'], BOT_LIMIT) : [],
    ]);
    const open = [...work, ...bot];
    // The agents watching hold conversations whose rows must show new messages soon (every other tick).
    const holders = new Set(this.ticks % HELD_EVERY === 0 ? watchers.map((w) => w.caller.agentId).filter(Boolean) : []);
    const shown = new Set(watchers.map((w) => w.open).filter((id): id is string => Boolean(id)));

    const ask: { id: string; key: string }[] = [];
    for (const conversation of open) {
      const key = keyOf(conversation);
      const known = this.known.get(conversation.conversationId);
      const typedIn =
        (conversation.agentId && holders.has(conversation.agentId)) || shown.has(conversation.conversationId);
      if (!known || known.key !== key || typedIn || deadlinePassed(known, Date.now()))
        ask.push({ id: conversation.conversationId, key });
    }
    const listed = new Set(open.map((c) => c.conversationId));
    for (const id of shown) {
      if (listed.has(id)) continue;
      // Open in a workspace but not open work: closed, with the bot, or not there at all.
      const known = this.known.get(id);
      const settled = known?.missing || known?.snapshot?.state === 'closed';
      if (!known || !settled || this.ticks % CLOSED_EVERY === 0) ask.push({ id, key: 'elsewhere' });
    }
    await eachLimited(ask, QUERY_CONCURRENCY, ({ id, key }) => this.refresh(id, key));
    for (const id of this.known.keys()) if (!listed.has(id) && !shown.has(id)) this.known.delete(id);

    if (this.ticks % ASSIGNEES_EVERY === 0) this.assignees.clear();
    await this.readAssignees(open);
    this.rows = open.map((conversation) => {
      const snapshot = this.known.get(conversation.conversationId)?.snapshot;
      const ticketNo = snapshot?.ticketNo;
      return conversationRow(conversation, snapshot, (ticketNo && this.assignees.get(ticketNo)) || undefined);
    });
    if (this.ticks % AGENTS_EVERY === 1 || !this.roster) this.roster = await agentRoster(ROSTER_PAGE);
    if (this.ticks % AGENTS_EVERY === 1 || !this.consults || this.consultsStale) {
      this.consultsStale = false;
      this.consults = await this.settled(await openConsults(), this.rows);
    }
    for (const watcher of watchers) this.deliver(watcher);
  }

  /** Ends the requests whose conversation has moved on from the agent who asked; the others. */
  private async settled(consults: StoredConsult[], rows: ConversationRow[]): Promise<StoredConsult[]> {
    const open: StoredConsult[] = [];
    for (const consult of consults) {
      const row = rows.find((r) => r.conversationId === consult._id);
      const helpers = consult.helpers.map((h) => h.agentId).filter((id): id is string => Boolean(id));
      const asked = { requestedBy: consult.requestedBy.agentId, helpers, at: consult.at.getTime() };
      const outcome = consultOver(asked, row, Date.now());
      if (outcome) await closeConsult(consult, outcome);
      else open.push(consult);
    }
    return open;
  }

  /** Whether the viewer has joined a request for help on the conversation. */
  private helping(caller: Principal, conversationId: string): boolean {
    return Boolean(
      this.consults?.some((c) => c._id === conversationId && c.helpers.some((h) => h.userId === caller.userId)),
    );
  }

  private async refresh(conversationId: string, key: string): Promise<void> {
    const { temporal } = this.deps;
    try {
      const snapshot = await temporal.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
        temporal.workflow.getHandle(conversationId).query(snapshotQuery),
      );
      this.known.set(conversationId, { key, snapshot, takenAt: Date.now() });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) this.known.set(conversationId, { key, missing: true });
      // Otherwise (no worker answered in time) the last snapshot stays, and the next tick asks again.
    }
  }

  private async readAssignees(open: OpenConversation[]): Promise<void> {
    for (const conversation of open) {
      const ticketNo = this.known.get(conversation.conversationId)?.snapshot?.ticketNo;
      if (conversation.state !== 'ticket' || !ticketNo || this.assignees.has(ticketNo)) continue;
      const ticket = await TicketModel.findOne({ ticketNo }, { assignee: 1 }).lean();
      this.assignees.set(ticketNo, ticket?.assignee ?? null);
    }
  }

  private deliver(watcher: Watcher): void {
    const sent = this.watchers.get(watcher);
    if (!sent || !this.rows) return;
    const serverNow = Date.now();
    const send = (event: keyof Sent, data: object) => {
      const json = JSON.stringify(data);
      if (sent[event] === json) return;
      sent[event] = json;
      watcher.stream.send(event, { ...data, serverNow });
    };
    send('lists', listsFor(watcher.caller, this.rows));
    if (this.roster) send('agents', { agents: this.roster.map((agent) => agentView(watcher.caller, agent)) });
    if (this.consults) {
      const me = this.roster?.find((agent) => agent.agentId === watcher.caller.agentId);
      const member = seesEverything(watcher.caller) || isMember(me);
      send('rapidSupport', rapidSupportView(watcher.caller, member, this.consults, this.rows));
    }
    if (!watcher.open) return;
    const known = this.known.get(watcher.open);
    if (!known) return;
    const conversationId = watcher.open;
    if (known.missing) return send('gone', { conversationId, why: 'missing' });
    const snapshot = known.snapshot!;
    const access = mayAccess(watcher.caller, { state: snapshot.state, agentId: snapshot.agentId });
    const assignee = snapshot.ticketNo ? this.assignees.get(snapshot.ticketNo) : undefined;
    const helping = access === 'no' && this.helping(watcher.caller, conversationId);
    if (access === 'yes' || helping || (access === 'if_ticket_assignee' && assignee === watcher.caller.agentId)) {
      sent.gone = undefined;
      return send('snapshot', { conversationId, snapshot: slim(snapshot), waitingSince: waitingSince(snapshot) });
    }
    // No longer theirs: what happened, never to whom (agents see only their own conversations).
    sent.snapshot = undefined;
    send('gone', { conversationId, why: snapshot.state === 'human' ? 'reassigned' : snapshot.state });
  }
}
