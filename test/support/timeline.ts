// The conversation workflow on Temporal's time-skipping test server, with the world around it played
// by plain functions typed from the real activities: hours and days of timers run in seconds. The
// understanding is the real engine over the demo knowledge base (pure, in-process); WeCom's session
// rules, the agents' roster and their slots, the records and the alerts are small in-memory models
// a test can read and change. Stories that need real servers stay in the end-to-end tests.
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker, makeTelemetryFilterString, type LogEntry } from '@temporalio/worker';
import type { Activities } from '../../activities';
import type { DeliverRequest, EventRecord, MirrorRecord, SendOutcome } from '../../activities/outbound';
import type { CustomerProfile } from '../../activities/session';
import { BotEngine } from '../../bot/engine';
import { loadKnowledgeBaseFile } from '../../bot/kb';
import { conversationSettings, type ConversationSettings } from '../../domain/conversationSettings';
import { defaultPolicyConfig } from '../../domain/policy';
import type { ServiceLevels } from '../../domain/serviceLevels';
import { apiMayMove, apiMaySend, type WecomServiceState, type WecomSession } from '../../domain/wecomSession';
import { conversation, type ConversationInput } from '../../workflows/conversation';
import {
  conversationWorkflowId,
  inboundSignal,
  snapshotQuery,
  type ConversationSnapshot,
  type HumanMode,
  type InboundMessage,
} from '../../workflows/conversationContract';
import { capacityChangedSignal, dispatcherWorkflowId, waitForAgentSignal } from '../../workflows/dispatcherContract';
import { allSearchAttributes } from '../../workflows/searchAttributes';
import { workflowBundle } from './servers';

const demoEngine = BotEngine.fromKnowledgeBase(
  loadKnowledgeBaseFile(path.resolve(__dirname, '../../kb/demo-faq.json')),
);

export interface FakeAgent {
  agentId: string;
  name: string;
  wecomUserId?: string;
  status: 'online' | 'away' | 'offline';
  capacity: number;
  skills: string[];
  tier: 'junior' | 'senior' | 'supervisor';
  groups: string[];
}

export const agent = (agentId: string, over: Partial<FakeAgent> = {}): FakeAgent => ({
  agentId,
  name: agentId,
  wecomUserId: agentId,
  status: 'online',
  capacity: 3,
  skills: [],
  tier: 'junior',
  groups: [],
  ...over,
});

export interface Sent {
  conversationId: string;
  msgid: string;
  from: string;
  text?: string;
  menu?: { head: string; items: { id: string; content: string }[] };
  code?: string;
  outcome: SendOutcome['status'];
  at: number;
}

type Fakes = Pick<
  Activities,
  | 'understand'
  | 'buildHandoffCard'
  | 'deliver'
  | 'record'
  | 'openConversation'
  | 'setServiceState'
  | 'claimSession'
  | 'listServingServicers'
  | 'freeAgents'
  | 'joinQueue'
  | 'reserveAgent'
  | 'claimForServicer'
  | 'releaseAgent'
  | 'raiseAlert'
  | 'createTicket'
  | 'forwardToNextSession'
>;

/** Everything outside the workflow, in memory. */
export class World {
  readonly agents = new Map<string, FakeAgent>();
  /** conversationId → agentId */
  readonly slots = new Map<string, string>();
  readonly sessions = new Map<string, WecomSession & { codes: number }>();
  /** Customers' profiles (tier, tags) as the inbox reads them; a customer not here is `normal`. */
  readonly customers = new Map<string, CustomerProfile>();
  readonly sent: Sent[] = [];
  readonly events: (EventRecord & { conversationId: string })[] = [];
  readonly mirrors: MirrorRecord[] = [];
  readonly alerts: { alertId: string; kind: string; conversationId?: string; message: string }[] = [];
  readonly tickets: { ticketNo: string; priority: string; dueAt: string }[] = [];
  readonly forwarded: { closedSession: number; messages: InboundMessage[] }[] = [];
  readonly runIds = new Set<string>();
  servingServicers: string[] | undefined;
  /** Set by startTimeline: what the joinQueue fake needs to reach the dispatcher. */
  client: Client | undefined;
  taskQueue: string | undefined;
  /** While set, understanding (or the handoff card) waits for it: a turn in flight, for races. */
  understandGate: Promise<void> | undefined;
  cardGate: Promise<void> | undefined;
  /** Understanding calls started so far. */
  understood = 0;
  /** The engine behind understanding (the demo knowledge base unless a test gives its own). */
  engine: BotEngine = demoEngine;
  /** While set, deliveries wait for it. */
  deliverGate: Promise<void> | undefined;
  /** WeCom session moves and mirror states in the order they happened. */
  readonly log: string[] = [];
  now = () => Date.now();

  constructor(agents: FakeAgent[] = []) {
    for (const a of agents) this.agents.set(a.agentId, a);
  }

  session(externalUserId: string): WecomSession & { codes: number } {
    let s = this.sessions.get(externalUserId);
    if (!s) this.sessions.set(externalUserId, (s = { state: 0, codes: 0 }));
    return s;
  }

  /** Capacity may have changed (an agent came online): what the api tells the dispatcher. */
  async capacityChanged(): Promise<void> {
    await this.client!.workflow.signalWithStart('dispatcher', {
      workflowId: dispatcherWorkflowId(this.taskQueue!),
      taskQueue: this.taskQueue!,
      args: [{}],
      signal: capacityChangedSignal,
      signalArgs: [],
    });
  }

  eventsOf(type: string, conversationId?: string) {
    return this.events.filter((e) => e.type === type && (!conversationId || e.conversationId === conversationId));
  }

  textsTo(conversationId: string): string[] {
    return this.sent
      .filter((s) => s.conversationId === conversationId && s.outcome === 'sent')
      .map((s) => s.text ?? s.menu?.head ?? '');
  }

  noteRun(): void {
    const runId = Context.current().info.workflowExecution?.runId;
    if (runId) this.runIds.add(runId);
  }

  freeSlots(agent: FakeAgent): number {
    return agent.capacity - [...this.slots.values()].filter((id) => id === agent.agentId).length;
  }

  activities(): Fakes {
    return fakesOf(this);
  }
}

/** The activities the conversation calls, played by the world. */
function fakesOf(world: World): Fakes {
  const record: Fakes['record'] = async (req) => {
    for (const e of req.events) {
      if (!world.events.some((x) => x.eventId === e.eventId))
        world.events.push({ ...e, conversationId: req.conversationId });
    }
    if (req.mirror) {
      world.mirrors.push(req.mirror);
      world.log.push(`mirror ${req.mirror.state}`);
    }
    if (req.customer?.lastSession) {
      const profile = world.customers.get(req.externalUserId) ?? { tier: 'normal', tags: [] };
      world.customers.set(req.externalUserId, { ...profile, lastSession: req.customer.lastSession });
    }
  };
  const assigned = (a: FakeAgent) => ({
    agentId: a.agentId,
    name: a.name,
    ...(a.wecomUserId ? { wecomUserId: a.wecomUserId } : {}),
  });
  return {
    async understand(req) {
      world.noteRun();
      world.understood += 1;
      if (world.understandGate) await world.understandGate;
      return world.engine.understand(req.text, req.recentCustomerTurns);
    },
    async buildHandoffCard(req) {
      if (world.cardGate) await world.cardGate;
      const said = req.transcript.filter((t) => t.from === 'customer').map((t) => t.text);
      return { summary: said.slice(-3).join(' / ') };
    },
    async deliver(req: DeliverRequest) {
      world.noteRun();
      if (world.deliverGate) await world.deliverGate;
      const externalUserId = req.externalUserId;
      const outcomes: SendOutcome[] = [];
      for (const m of req.messages) {
        let outcome: SendOutcome;
        if (outcomes.some((o) => o.status === 'refused')) outcome = { status: 'skipped' };
        else if (!m.code && !apiMaySend(world.session(externalUserId))) outcome = { status: 'refused', errcode: 95018 };
        else outcome = { status: 'sent' };
        outcomes.push(outcome);
        world.sent.push({ conversationId: req.conversationId, ...m, outcome: outcome.status, at: world.now() });
      }
      await record(req);
      return outcomes;
    },
    record,
    async openConversation(req) {
      world.noteRun();
      const session = world.session(req.externalUserId);
      if (session.state === 0) session.state = 1;
      return {
        customer: world.customers.get(req.externalUserId) ?? { tier: 'normal', tags: [] },
        wecom: { state: session.state, ...(session.servicer ? { servicer: session.servicer } : {}) },
      };
    },
    async setServiceState(req) {
      const session = world.session(req.externalUserId);
      world.log.push(`trans ${session.state}>${req.state}`);
      if (!apiMayMove(session.state, req.state as WecomServiceState)) return { ok: false, errcode: 95016 };
      if (req.state === 3 && !req.servicerUserId) return { ok: false, errcode: 95014 };
      const first = session.state !== req.state;
      session.state = req.state as WecomServiceState;
      session.servicer = req.state === 3 ? req.servicerUserId : undefined;
      return { ok: true, msgCode: first ? `code-${++session.codes}` : undefined };
    },
    async claimSession(req) {
      const session = world.session(req.externalUserId);
      if (session.state === 0) session.state = 1;
      return { state: session.state, ...(session.servicer ? { servicer: session.servicer } : {}) };
    },
    async listServingServicers() {
      return world.servingServicers;
    },
    async freeAgents() {
      return [...world.agents.values()]
        .filter((a) => a.status === 'online')
        .map((a) => ({ ...a, freeSlots: Math.max(0, world.freeSlots(a)) }));
    },
    async joinQueue(waiting) {
      world.noteRun();
      await world.client!.workflow.signalWithStart('dispatcher', {
        workflowId: dispatcherWorkflowId(world.taskQueue!),
        taskQueue: world.taskQueue!,
        args: [{}],
        signal: waitForAgentSignal,
        signalArgs: [waiting],
      });
    },
    async reserveAgent(req) {
      const a = world.agents.get(req.agentId);
      if (!a) return { refused: 'unknown_agent' as const };
      if (world.slots.get(req.conversationId) === a.agentId) return { agent: assigned(a) };
      if (a.status !== 'online') return { refused: a.status === 'away' ? ('away' as const) : ('offline' as const) };
      if (req.servicerUserIds && !req.servicerUserIds.includes(a.wecomUserId ?? ''))
        return { refused: 'not_servicer' as const };
      world.slots.delete(req.conversationId);
      if (world.freeSlots(a) <= 0 && !req.overCapacity) return { refused: 'full' as const };
      world.slots.set(req.conversationId, a.agentId);
      return { agent: assigned(a) };
    },
    async claimForServicer(req) {
      const a = [...world.agents.values()].find((x) => x.wecomUserId === req.wecomUserId);
      if (!a) return { agentId: req.wecomUserId, name: req.wecomUserId, wecomUserId: req.wecomUserId };
      world.slots.set(req.conversationId, a.agentId);
      return assigned(a);
    },
    async releaseAgent(req) {
      if (world.slots.get(req.conversationId) === req.agentId) world.slots.delete(req.conversationId);
    },
    async raiseAlert(req) {
      if (!world.alerts.some((a) => a.alertId === req.alertId)) world.alerts.push(req);
    },
    async createTicket(req) {
      const ticketNo = `T-${world.tickets.length + 1}`;
      world.tickets.push({ ticketNo, priority: req.priority, dueAt: req.dueAt });
      return { ticketNo };
    },
    async forwardToNextSession(req) {
      world.forwarded.push({ closedSession: req.closedSession, messages: req.messages });
      return conversationWorkflowId(req.openKfId, req.externalUserId, req.closedSession + 1);
    },
  };
}

/** Time-skipping settings: the product's defaults (real minutes and hours), a shorter burst. */
/** A gate a test opens when it is ready: `gate.promise` waits, `gate.open()` lets it through. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Polls a condition in real time (the clock does not move). */
export async function eventually<T>(what: string, read: () => T | Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const timelineSettings = (over: Partial<ConversationSettings> = {}) =>
  conversationSettings({ burstWindowMs: 0, ...over });

export interface Timeline {
  env: TestWorkflowEnvironment;
  world: World;
  openKfId: string;
  start(
    customer: string,
    options?: {
      humanMode?: HumanMode;
      settings?: ConversationSettings;
      session?: number;
      serviceLevels?: ServiceLevels;
    },
  ): Promise<Story>;
  close(): Promise<void>;
}

export interface Story {
  conversationId: string;
  customer: string;
  handle: WorkflowHandle<typeof conversation>;
  /** The customer writes (a text, or a menu click with its id); the message as delivered. */
  say(text: string, menuId?: string): Promise<InboundMessage>;
  /** A message delivered as it is (WeCom delivering one again, to this session or another). */
  deliver(message: InboundMessage): Promise<void>;
  /** Anything else sync_msg brings: a servicer writing, a session event. */
  arrives(message: Omit<InboundMessage, 'msgid' | 'sendTime'>): Promise<void>;
  snapshot(): Promise<ConversationSnapshot>;
  /** Polls the snapshot (queries do not move the clock) until it satisfies the predicate. */
  until(what: string, ok: (s: ConversationSnapshot) => boolean, timeoutMs?: number): Promise<ConversationSnapshot>;
  /** Lets the worker catch up without moving the clock much. */
  settle(): Promise<void>;
  historyLengths(): Promise<number[]>;
}

let runtimeInstalled = false;
/**
 * Workflow tasks the test server refused because they cancel a timer that fired while the task was
 * with the worker ("invalid history builder state for action"). The server never sends that run
 * another task (temporalio/sdk-java#2606, #3088; the real server accepts the cancel), so the run is
 * stranded. Counted from the SDK core's warning, forwarded to this process's logger.
 */
let refusedTimerCancels = 0;
const REFUSED_TIMER_CANCEL = 'invalid history builder state for action';

function logLine(entry: LogEntry): void {
  const meta = entry.meta && Object.keys(entry.meta).length > 0 ? ` ${JSON.stringify(entry.meta)}` : '';
  if (`${entry.message}${meta}`.includes(REFUSED_TIMER_CANCEL)) refusedTimerCancels += 1;
  console.error(
    `${new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString()} [${entry.level}] ${entry.message}${meta}`,
  );
}

/**
 * `it` for tests that each run on a time-skipping server and world of their own (onFreshTimeline);
 * `use` hands the test's timeline and world to the variables the test reads.
 */
export function freshTimelineTest(makeWorld: () => World, use: (timeline: Timeline, world: World) => void) {
  return (name: string, body: () => Promise<void>) =>
    it(name, () =>
      onFreshTimeline(async (timeline, world) => {
        use(timeline, world);
        await body();
      }, makeWorld),
    );
}

/**
 * A test on a time-skipping server and world of its own, run once more on fresh ones when it failed
 * after the test server stranded a run (refusedTimerCancels). Any other failure fails the test.
 */
export async function onFreshTimeline(
  test: (timeline: Timeline, world: World) => Promise<void>,
  makeWorld: () => World,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const refusedBefore = refusedTimerCancels;
    const world = makeWorld();
    const timeline = await startTimeline(world);
    try {
      await test(timeline, world);
      return;
    } catch (error) {
      if (attempt > 1 || refusedTimerCancels === refusedBefore) throw error;
      console.error(
        `the time-skipping test server stranded a run (it refused a workflow task that cancels a timer which had just fired: temporalio/sdk-java#3088); the test failed with "${(error as Error).message}" and runs again on a fresh server`,
      );
    } finally {
      await timeline.close();
    }
  }
}

async function startTimeline(world: World): Promise<Timeline> {
  const executable = process.env.TEMPORAL_TEST_SERVER;
  if (!executable) throw new Error('TEMPORAL_TEST_SERVER is not set: run the tests with `npm test`, which installs it');
  if (!runtimeInstalled) {
    Runtime.install({
      logger: new DefaultLogger('WARN', logLine),
      // The core's own warnings come to logLine too (the refused completions among them).
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
    });
    runtimeInstalled = true;
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: executable } },
  });
  world.now = () => Date.now();
  const taskQueue = `timeline-${randomUUID().slice(0, 8)}`;
  world.client = env.client;
  world.taskQueue = taskQueue;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: world.activities(),
  });
  const running = worker.run();
  const openKfId = `wkTimeline${randomUUID().slice(0, 6)}`;
  let msgSeq = 0;
  await registerSearchAttributes(env);

  return {
    env,
    world,
    openKfId,
    async start(customer, options = {}) {
      const session = options.session ?? 1;
      const conversationId = conversationWorkflowId(openKfId, customer, session);
      const input: ConversationInput = {
        openKfId,
        externalUserId: customer,
        session,
        humanMode: options.humanMode ?? 'console',
        settings: options.settings ?? timelineSettings(),
        policy: defaultPolicyConfig,
        ...(options.serviceLevels ? { serviceLevels: options.serviceLevels } : {}),
      };
      const handle = await env.client.workflow.start(conversation, {
        workflowId: conversationId,
        taskQueue,
        args: [input],
      });
      const story: Story = {
        conversationId,
        customer,
        handle,
        async say(text, menuId) {
          const session = world.session(customer);
          if (session.state === 4) Object.assign(session, { state: 0, servicer: undefined });
          const message: InboundMessage = {
            msgid: `in-${++msgSeq}`,
            sendTime: Math.floor((await env.currentTimeMs()) / 1000),
            origin: 'customer',
            kind: menuId ? 'menu_click' : 'text',
            text,
            ...(menuId ? { menuId } : {}),
          };
          await handle.signal(inboundSignal, [message]);
          return message;
        },
        async deliver(message) {
          await handle.signal(inboundSignal, [message]);
        },
        async arrives(partial) {
          const message: InboundMessage = {
            msgid: `in-${++msgSeq}`,
            sendTime: Math.floor((await env.currentTimeMs()) / 1000),
            ...partial,
          };
          await handle.signal(inboundSignal, [message]);
        },
        snapshot: () => handle.query(snapshotQuery),
        async until(what, ok, timeoutMs = 15_000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const snapshot = await handle.query(snapshotQuery).catch(() => undefined);
            if (snapshot && ok(snapshot)) return snapshot;
            if (Date.now() > deadline)
              throw new Error(`timed out waiting for ${what}: ${JSON.stringify(snapshot?.state)}`);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        },
        async settle() {
          await env.sleep(1);
          await new Promise((resolve) => setTimeout(resolve, 50));
        },
        async historyLengths() {
          const lengths: number[] = [];
          for (const runId of world.runIds) {
            const history = await env.client.workflow.getHandle(conversationId, runId).fetchHistory();
            lengths.push(history.events?.length ?? 0);
          }
          return lengths;
        },
      };
      return story;
    },
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  // The test server takes search attributes registered through the operator service.
  const kinds: Record<string, number> = {
    KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  };
  await env.connection.operatorService
    .addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(allSearchAttributes.map((a) => [a.name, kinds[a.type]!])),
    })
    .catch(() => undefined);
}
