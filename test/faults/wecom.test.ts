// Faults under load, WeCom's side (from the sandbox): each scenario runs the benchmark's traffic
// at half the sustained rate while WeCom fails in one of the ways WECOM.md lists, and asserts that
// every customer message got its answer exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFaultStack, type FaultStack } from './support/faultStack';
import { assertExactlyOnce, runScenario, type Outcome, type Scenario } from './support/scenario';

describe('faults under load: WeCom', { timeout: 30 * 60_000 }, () => {
  let faults: FaultStack;
  let ok = true;
  before(async () => {
    faults = await startFaultStack('wecom');
  });
  after(() => faults?.close(ok));
  const survives = async (scenario: Scenario): Promise<Outcome> => {
    const outcome = await runScenario(faults, scenario);
    try {
      assertExactlyOnce(outcome);
      return outcome;
    } catch (error) {
      ok = false;
      throw error;
    } finally {
      await faults.control('/sandbox/faults', { clear: true });
      await faults.control('/sandbox/callbacks', { copies: 1 });
    }
  };
  /** A fault on every API for a window of the traffic, then WeCom is healthy again. */
  const window = (name: string, fault: Record<string, unknown>, fromMs = 6_000, forMs = 10_000): Scenario => ({
    name,
    async inject({ at }) {
      await at(fromMs);
      await faults.control('/sandbox/faults', { path: '*', forMs, ...fault });
    },
  });

  it('HTTP 500 from every other call for 10 s', async () => {
    const outcome = await survives(window('HTTP 500', { kind: 'http500', every: 2 }));
    assert.ok(outcome.faulted > 0);
  });

  it('errcode -1 (system busy) from every other call for 10 s', async () => {
    const outcome = await survives(window('errcode -1', { kind: 'errcode', errcode: -1, every: 2 }));
    assert.ok(outcome.faulted > 0);
  });

  it('42001: the access token expires early, every 2 s for 16 s', async () => {
    const outcome = await survives({
      name: '42001 expired token',
      async inject({ at }) {
        for (let t = 4_000; t <= 20_000; t += 2_000) {
          await at(t);
          await faults.control('/sandbox/faults', { path: '*', kind: 'errcode', errcode: 42001 });
        }
      },
    });
    assert.ok(outcome.faulted > 0);
  });

  it('45009: every call refused for 8 s (rate limit), retried with backoff', async () => {
    const outcome = await survives(window('45009 rate limit', { kind: 'errcode', errcode: 45009 }, 6_000, 8_000));
    assert.ok(outcome.faulted > 0);
  });

  it('answers slower than the activity timeout: every third sync_msg and send_msg held 25 s for 10 s', async () => {
    const outcome = await survives({
      name: 'slow WeCom (25 s answers)',
      async inject({ at }) {
        await at(6_000);
        for (const path of ['kf/sync_msg', 'kf/send_msg'])
          await faults.control('/sandbox/faults', { path, kind: 'delay', delayMs: 25_000, every: 3, forMs: 10_000 });
      },
    });
    assert.ok(outcome.faulted > 0);
  });

  it('every callback delivered three times', async () => {
    await survives({
      name: 'duplicate callbacks',
      async inject() {
        await faults.control('/sandbox/callbacks', { copies: 3 });
      },
    });
  });

  it('callbacks out of order: two copies of each, each held up to 3 s', async () => {
    await survives({
      name: 'out-of-order callbacks',
      async inject() {
        await faults.control('/sandbox/callbacks', { copies: 2, jitterMs: 3000 });
      },
    });
  });

  it('sync_msg repeats messages: a message already logged comes again every 500 ms', async () => {
    await survives({
      name: 'sync_msg repeats',
      async inject({ at, sent, openKfId }) {
        for (let t = 2_000; t <= 24_000; t += 500) {
          await at(t);
          const logged = sent().filter((m) => m.msgid);
          const pick = logged[Math.floor(Math.random() * logged.length)];
          if (pick) await faults.control('/sandbox/replay', { msgid: pick.msgid, openKfId });
        }
      },
    });
  });
});
