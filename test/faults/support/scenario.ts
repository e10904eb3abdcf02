// One fault under load: the benchmark's customers write at a fixed rate to a kf account of the
// scenario's own while the fault is injected and healed, then, once every message has an answer
// (or the bound has passed) and nothing is left in flight, the answers WeCom accepted are counted.
// Half the slots are new conversations, half follow-ups from customers whose last message has been
// answered (a customer never has two messages waiting, so each message has an answer of its own).
// A customer asks, says thanks (the bot closes the session), then asks again: a new session.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Offered } from '../../../bench/latency';
import { runPhase } from '../../../bench/traffic';
import { startFaultStack, type FaultStack } from './faultStack';
import { exactlyOnce, type Verdict } from './verdict';

/**
 * Messages per second: half the product's sustained 4 msg/s of new conversations measured on this
 * machine (docs/PERFORMANCE.md, run 2), so a fault, not saturation, is what the product has to
 * survive. A third of them open a conversation, a third a new session.
 */
export const RATE_PER_S = 2;
const TRAFFIC_MS = 20_000;
/** Ask, thank (which closes the session: "did that help?" answered yes), ask again. */
const STORY = [undefined, '解决了，谢谢', undefined] as const;

export interface FaultContext {
  faults: FaultStack;
  openKfId: string;
  /** Resolves this long after the traffic started. */
  at(ms: number): Promise<void>;
  /** The messages offered so far (msgid set once WeCom logged it). */
  sent(): readonly Offered[];
}

export interface Scenario {
  name: string;
  /** How long the customers write (default 20 s: 40 messages). */
  trafficMs?: number;
  /** Injects the fault while the customers write, and heals it (before the traffic ends). */
  inject(context: FaultContext): Promise<void>;
  /** How long after the traffic every message must have its answer (default 120 s). */
  recoverMs?: number;
}

export interface Outcome extends Verdict {
  name: string;
  /** Messages the sandbox refused to take (none, or the count would not be WeCom's). */
  refused: number;
  /** WeCom calls that met an injected fault. */
  faulted: number;
  /** Sends WeCom refused as a msgid it had already taken: retries that would otherwise be duplicates. */
  duplicateMsgidRefused: number;
  /** The longest a message waited for its answer: what the fault cost. */
  slowestMs: number;
  seconds: number;
  logs: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

let count = 0;

/** Slot i: a follow-up (odd slots) from a customer whose messages are all answered, else a new customer. */
function customers(prefix: string) {
  let fresh = 0;
  return (i: number, sent: readonly Offered[]): string => {
    if (i % 2 === 1) {
      const byCustomer = new Map<string, Offered[]>();
      for (const m of sent) byCustomer.set(m.customer, [...(byCustomer.get(m.customer) ?? []), m]);
      for (const [customer, messages] of byCustomer) {
        if (messages.length < STORY.length && messages.every((m) => m.answeredAt !== undefined)) return customer;
      }
    }
    return `${prefix}c${fresh++}`;
  };
}

export async function runScenario(faults: FaultStack, scenario: Scenario): Promise<Outcome> {
  const started = Date.now();
  const id = `${started.toString(36).slice(-4)}${++count}`;
  const openKfId = `wkFault${id}`;
  const { stack } = faults;
  await faults.control('/sandbox/accounts', { openKfId });
  const callsBefore = await wecomCalls(stack.sandboxUrl, Number.MAX_SAFE_INTEGER); // only the offset
  const recoverMs = scenario.recoverMs ?? 120_000;
  let offered: readonly Offered[] = [];
  const choose = customers(`wmF${id}`);
  const context: FaultContext = {
    faults,
    openKfId,
    at: async (ms) => void (await sleep(started + ms - Date.now())),
    sent: () => offered,
  };
  const [traffic, injected] = await Promise.allSettled([
    runPhase({
      sandboxUrl: stack.sandboxUrl,
      openKfId,
      ratePerS: RATE_PER_S,
      durationMs: scenario.trafficMs ?? TRAFFIC_MS,
      drainMs: recoverMs,
      customer: (i, sent) => {
        offered = sent;
        return choose(i, sent);
      },
      text: (_customer, n) => STORY[n],
    }),
    scenario.inject(context),
  ]);
  if (injected.status === 'rejected') throw injected.reason;
  if (traffic.status === 'rejected') throw traffic.reason;
  const { messages, answers, refused } = traffic.value;

  // Nothing may still be able to send when the answers are counted.
  await faults.quiet(openKfId, 90_000);
  await sleep(2000);
  await answers.poll();
  const byCustomer = new Map<string, number>();
  for (const m of messages) if (m.msgid) byCustomer.set(m.customer, (byCustomer.get(m.customer) ?? 0) + 1);
  const verdict = exactlyOnce(
    [...byCustomer].map(([customer, sent]) => ({ customer, sent, answers: answers.answersTo(openKfId, customer) })),
  );
  const after = await wecomCalls(stack.sandboxUrl, callsBefore.next);
  return {
    name: scenario.name,
    ...verdict,
    refused,
    faulted: after.calls.filter((call) => call.fault).length,
    duplicateMsgidRefused: after.calls.filter((call) => call.path === 'kf/send_msg' && call.errcode === DUPLICATE_MSGID)
      .length,
    slowestMs: Math.max(0, ...messages.map((m) => (m.answeredAt ?? Infinity) - m.sentAt)),
    seconds: Math.round((Date.now() - started) / 1000),
    logs: faults.dir,
  };
}

/** The sandbox's answer to a send_msg whose msgid it has taken already (WECOM.md: undocumented by WeCom). */
const DUPLICATE_MSGID = 95999;

interface LoggedCall {
  path: string;
  errcode: number;
  fault?: string;
}

async function wecomCalls(sandboxUrl: string, since: number): Promise<{ calls: LoggedCall[]; next: number }> {
  const res = await fetch(`${sandboxUrl}/sandbox/calls?since=${since}`);
  return (await res.json()) as { calls: LoggedCall[]; next: number };
}

/** Prints the counts, then asserts that every message WeCom logged was answered exactly once. */
export function assertExactlyOnce(outcome: Outcome): void {
  const slowest = Number.isFinite(outcome.slowestMs) ? `${(outcome.slowestMs / 1000).toFixed(1)} s` : 'never';
  process.stdout.write(
    `    (fault ${outcome.name}: ${outcome.sent} sent, ${outcome.answeredOnce} answered once, ` +
      `${outcome.duplicated} duplicates, ${outcome.missing} lost; ${outcome.faulted} WeCom calls faulted, ` +
      `${outcome.duplicateMsgidRefused} resends refused as a known msgid; slowest answer ${slowest}; ` +
      `${outcome.seconds} s in all)\n`,
  );
  const detail = `${JSON.stringify(outcome.wrong)} (logs in ${outcome.logs})`;
  assert.equal(outcome.refused, 0, 'the sandbox took every customer message');
  assert.ok(outcome.sent >= 20, `enough traffic to mean something: ${outcome.sent} messages`);
  assert.equal(outcome.missing, 0, `messages never answered: ${detail}`);
  assert.equal(outcome.duplicated, 0, `answers sent twice: ${detail}`);
  assert.equal(outcome.answeredOnce, outcome.sent, `every message answered exactly once: ${detail}`);
}

/**
 * One stack for a test file's scenarios (started before the first, stopped after the last; its
 * logs are kept when a scenario failed), and the way each scenario runs on it: counted, printed and
 * asserted, then `heal` puts the stack back as it was for the next one.
 */
export function faultSuite(name: string, heal?: (faults: FaultStack) => Promise<void>) {
  let faults: FaultStack | undefined;
  let ok = true;
  before(async () => {
    faults = await startFaultStack(name);
  });
  after(() => faults?.close(ok));
  return async function survives(scenario: Scenario): Promise<Outcome> {
    if (!faults) throw new Error('the fault stack did not start');
    try {
      const outcome = await runScenario(faults, scenario);
      assertExactlyOnce(outcome);
      return outcome;
    } catch (error) {
      ok = false;
      throw error;
    } finally {
      await heal?.(faults);
    }
  };
}
