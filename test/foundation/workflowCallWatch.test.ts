// The main thread's watch over calls into workflows (worker/workflowCallWatch.ts), on memory shared
// with real threads laid out as worker/workflowThreads.cjs lays it out: one long call is reported
// once and its return once; many short calls back to back, though a thread is inside one nearly
// whenever it is looked at, are never a stall.
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { describe, it } from 'node:test';
import { watchWorkflowCalls } from '../../worker/workflowCallWatch';

/** A thread that claims slot 0 and makes calls of `callMs` for `totalMs`, marking each as the preload does. */
function callingThread(calls: SharedArrayBuffer, callMs: number, totalMs: number): Promise<void> {
  const thread = new Worker(
    `
    const { workerData } = require('node:worker_threads');
    const calls = new Int32Array(workerData.calls);
    const slot = Atomics.add(calls, 0, 1);
    const until = Date.now() + workerData.totalMs;
    while (Date.now() < until) {
      Atomics.add(calls, 2 + 2 * slot, 1);
      Atomics.add(calls, 1 + 2 * slot, 1);
      const end = Date.now() + workerData.callMs;
      while (Date.now() < end) {}
      Atomics.sub(calls, 1 + 2 * slot, 1);
    }
    `,
    { eval: true, workerData: { calls, callMs, totalMs } },
  );
  return new Promise((resolve, reject) => {
    thread.once('error', reject);
    thread.once('exit', () => resolve());
  });
}

function watchRecording(calls: SharedArrayBuffer) {
  const seen: string[] = [];
  const watch = watchWorkflowCalls({
    calls,
    limitMs: 200,
    everyMs: 20,
    onStall: ({ thread, ms }) => seen.push(`stall ${thread} ${ms >= 200}`),
    onRecover: ({ thread, ms }) => seen.push(`recover ${thread} ${ms >= 200}`),
  })!;
  return { seen, watch };
}

const sharedCalls = () => new SharedArrayBuffer(4 * (1 + 2 * 4));

describe('the workflow call watch', () => {
  it('reports a call that runs past the limit once, counts it as stalled, then reports its return', async () => {
    const calls = sharedCalls();
    const { seen, watch } = watchRecording(calls);
    const done = callingThread(calls, 600, 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(watch.stalled(), 1);
    await done;
    await new Promise((resolve) => setTimeout(resolve, 60));
    watch.stop();
    assert.deepEqual(seen, ['stall 0 true', 'recover 0 true']);
    assert.equal(watch.stalled(), 0);
  });

  it('never reports short calls back to back', async () => {
    const calls = sharedCalls();
    const { seen, watch } = watchRecording(calls);
    await callingThread(calls, 15, 700);
    watch.stop();
    assert.ok(new Int32Array(calls)[2]! > 20, 'the thread made many calls');
    assert.deepEqual(seen, []);
  });

  it('has nothing to watch without the preload (this test process has none)', () => {
    assert.equal(watchWorkflowCalls({ limitMs: 1, onStall: () => undefined, onRecover: () => undefined }), undefined);
  });
});
