// Exactly-once replies under failure: a worker killed in the middle of a bot turn, duplicate
// callbacks with the same sync token, and a replayed msgid.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, spawnService, type Service } from '../../dev/services';
import { startStack, type Stack } from '../support/stack';

const ROOT = path.resolve(__dirname, '..', '..');

describe('exactly one reply per customer message', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ worker: false });
  });
  after(() => stack?.close());

  /** The real worker entry point as its own process, configured like the stack. */
  async function workerProcess(): Promise<Service> {
    const metricsPort = await freePort();
    const env = {
      ...process.env,
      ...Object.fromEntries(
        [
          'TEMPORAL_ADDRESS',
          'TEMPORAL_TASK_QUEUE',
          'MONGODB_URI',
          'WECOM_CORP_ID',
          'WECOM_SECRET',
          'WECOM_TOKEN',
          'WECOM_ENCODING_AES_KEY',
          'WECOM_API_BASE',
          'HUMAN_MODE',
        ].map((key) => [key, String(stack.config[key as keyof typeof stack.config])]),
      ),
      CONVERSATION_SETTINGS: JSON.stringify(stack.config.CONVERSATION_SETTINGS),
      WORKER_METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
    };
    const worker = spawnService('worker', process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker', 'main.ts')], {
      env,
      output: { file: path.join(ROOT, '.data', 'test-logs', 'durability-worker.log') },
    });
    await stack.until(
      'the worker process',
      () =>
        fetch(`http://127.0.0.1:${metricsPort}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      (ok) => ok,
      60_000,
    );
    return worker;
  }

  it('a worker killed (SIGKILL) during a bot turn: after restart the customer got one reply per message', async () => {
    const customer = 'wmKill1';
    const first = await workerProcess();
    // send_msg answers slowly, so the kill lands while the reply is in flight.
    await stack.sandbox.control('/sandbox/faults', { path: 'kf/send_msg', kind: 'delay', delayMs: 3000, times: 1 });
    await stack.say(customer, '运费怎么算');
    await stack.until(
      'the reply to reach WeCom',
      async () => stack.sandbox.calls.filter((c) => c.path === 'kf/send_msg').length,
      (n) => n >= 1,
    );
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = await workerProcess();
    try {
      const received = await stack.until(
        'the answer and the menu',
        () => stack.received(customer),
        (m) => m.length >= 2,
        60_000,
      );
      await stack.say(customer, '怎么开发票');
      const later = await stack.until(
        'the second answer',
        () => stack.received(customer),
        (m) => m.length >= 4,
        30_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const final = await stack.received(customer);
      assert.equal(final.length, 4, `exactly two replies per message: ${JSON.stringify(final)}`);
      assert.equal(final.filter((m) => m.includes('99元')).length, 1, 'the shipping-fee answer once');
      assert.deepEqual(final.slice(0, 2), received.slice(0, 2));
      assert.ok(later[2]!.includes('发票'));
      // The restarted worker did resend the interrupted reply, and WeCom refused the duplicate msgid.
      assert.ok(
        stack.sandbox.calls.some((c) => c.path === 'kf/send_msg' && c.errcode === 95999),
        'the retry was deduplicated',
      );
    } finally {
      await second.stop();
    }
  });

  it('two callbacks with the same sync token and a replayed msgid produce one reply', async () => {
    await stack.startWorker();
    const customer = 'wmDup1';
    await stack.sandbox.control('/sandbox/callbacks', { copies: 2 });
    const { msgid } = await stack.sandbox.control<{ msgid: string }>(`/sandbox/customers/${customer}/messages`, {
      text: '支持花呗分期吗',
      openKfId: stack.openKfId,
    });
    await stack.until(
      'the answer',
      () => stack.received(customer),
      (m) => m.length >= 2,
    );
    // WeCom may deliver the same message again (at least once): sync_msg returns that msgid again.
    await stack.sandbox.control('/sandbox/replay', { msgid, openKfId: stack.openKfId });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await stack.sandbox.control('/sandbox/callbacks', { copies: 1 });
    const received = await stack.received(customer);
    assert.equal(received.length, 2, JSON.stringify(received));
    assert.equal(received.filter((m) => m.includes('分期')).length, 1);
  });
});
