// Faults under load, WeCom's side (from the sandbox): each scenario runs the benchmark's traffic
// at half the sustained rate while WeCom fails in one of the ways WECOM.md lists, and asserts that
// every customer message got its answer exactly once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { faultSuite, type Scenario } from './support/scenario';

/** A fault on every API for a window of the traffic, then WeCom is healthy again. */
const window = (name: string, fault: Record<string, unknown>, fromMs = 5_000, forMs = 10_000): Scenario => ({
  name,
  async inject({ at, faults }) {
    await at(fromMs);
    await faults.control('/sandbox/faults', { path: '*', forMs, ...fault });
  },
});

describe('faults under load: WeCom', { timeout: 30 * 60_000 }, () => {
  // WeCom healthy again for the next scenario.
  const survives = faultSuite('wecom', async (faults) => {
    await faults.control('/sandbox/faults', { clear: true });
    await faults.control('/sandbox/callbacks', { copies: 1 });
  });

  it('HTTP 500 from every other call for 10 s', async () => {
    const outcome = await survives(window('HTTP 500', { kind: 'http500', every: 2 }));
    assert.ok(outcome.faulted > 0);
  });

  it('errcode -1 (system busy) from every other call for 10 s', async () => {
    const outcome = await survives(window('errcode -1', { kind: 'errcode', errcode: -1, every: 2 }));
    assert.ok(outcome.faulted > 0);
  });

  it('42001: the access token expires early, every 2 s for 14 s', async () => {
    const outcome = await survives({
      name: '42001 expired token',
      async inject({ at, faults }) {
        for (let t = 3_000; t <= 17_000; t += 2_000) {
          await at(t);
          await faults.control('/sandbox/faults', { path: '*', kind: 'errcode', errcode: 42001 });
        }
      },
    });
    assert.ok(outcome.faulted > 0);
  });

  it('45009: every call refused for 8 s (rate limit), retried with backoff', async () => {
    const outcome = await survives(window('45009 rate limit', { kind: 'errcode', errcode: 45009 }, 5_000, 8_000));
    assert.ok(outcome.faulted > 0);
  });

  // The sandbox applies a held call at once and holds only its answer, past the WeCom client's
  // 10 s request timeout and the delivery's 20 s heartbeat timeout: the send happened, the caller
  // does not know, and its retry must not send it again. A held sync_msg stalls the inbox meanwhile.
  it('answers slower than the timeouts: every other send_msg for 10 s, and one sync_msg, answered after 25 s', async () => {
    const outcome = await survives({
      name: 'slow WeCom (25 s answers)',
      async inject({ at, faults }) {
        await at(5_000);
        await faults.control('/sandbox/faults', {
          path: 'kf/send_msg',
          kind: 'delay',
          delayMs: 25_000,
          every: 2,
          forMs: 10_000,
        });
        await at(9_000);
        await faults.control('/sandbox/faults', { path: 'kf/sync_msg', kind: 'delay', delayMs: 25_000 });
      },
    });
    assert.ok(outcome.faulted > 2, `${outcome.faulted} calls held`);
    assert.ok(outcome.duplicateMsgidRefused > 0, 'a send whose answer came too late was retried, and refused as sent');
  });

  it('every callback delivered three times', async () => {
    await survives({
      name: 'duplicate callbacks',
      async inject({ faults }) {
        await faults.control('/sandbox/callbacks', { copies: 3 });
      },
    });
  });

  it('callbacks out of order: two copies of each, each held up to 3 s', async () => {
    await survives({
      name: 'out-of-order callbacks',
      async inject({ faults }) {
        await faults.control('/sandbox/callbacks', { copies: 2, jitterMs: 3000 });
      },
    });
  });

  it('sync_msg repeats messages: a message already logged comes again every 500 ms', async () => {
    await survives({
      name: 'sync_msg repeats',
      async inject({ at, sent, openKfId, faults }) {
        for (let t = 2_000; t <= 20_000; t += 500) {
          await at(t);
          const logged = sent().filter((m) => m.msgid);
          const pick = logged[Math.floor(Math.random() * logged.length)];
          if (pick) await faults.control('/sandbox/replay', { msgid: pick.msgid, openKfId });
        }
      },
    });
  });
});
