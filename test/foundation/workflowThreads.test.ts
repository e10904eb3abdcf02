// worker/workflowThreads.cjs in a real worker process environment (workerEnv): in the threads
// that run workflows the SDK's stack-trace promise hook is refused, while Node's AsyncLocalStorage,
// which installs promise hooks through the same function, keeps working; WORKFLOW_STACK_TRACES=on
// leaves the hook alone, and the main thread is never touched. Calls into a vm context with a
// timeout (the SDK's calls into workflows) run without it, marked for the main thread's watch
// (worker/workflowCallWatch.ts), which reports one that runs past the limit;
// WORKFLOW_CALL_WATCHDOG=on keeps the timeout.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { workerEnv, workflowCallWatchdog, workflowStackTraces } from '../../worker/launch';
import { WORKFLOW_CALL_LIMIT_MS } from '../../worker/workflowCallWatch';

const run = promisify(execFile);

// A thread like the SDK's workflow thread: it installs the SDK's global handlers (vm-shared), then
// runs an AsyncLocalStorage across an await, and reports both.
const probe = `
const { Worker, isMainThread } = require('node:worker_threads');
const report = (where) => {
  const { globalHandlers } = require('@temporalio/worker/lib/workflow/vm-shared');
  globalHandlers.install();
  const { AsyncLocalStorage } = require('node:async_hooks');
  const storage = new AsyncLocalStorage();
  return storage.run('kept', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return { where, stackTraces: globalHandlers.promiseHookInstalled, store: storage.getStore() };
  });
};
const thread = new Worker(\`
  const { parentPort } = require('node:worker_threads');
  (\${report})('thread').then((result) => parentPort.postMessage(result));
\`, { eval: true });
thread.once('message', async (inThread) => {
  const preloaded = globalThis[Symbol.for('cs.workflowThreadsPreload')] === true;
  console.log(JSON.stringify([inThread, { ...(await report('main')), preloaded }]));
  await thread.terminate();
});
`;

async function probeWith(env: NodeJS.ProcessEnv) {
  const { stdout } = await run(process.execPath, ['-e', probe], { env: workerEnv(env), cwd: process.cwd() });
  return JSON.parse(stdout) as { where: string; stackTraces: boolean; store: string; preloaded?: boolean }[];
}

describe('the workflow threads preload', () => {
  it('turns the SDK stack-trace hook off in threads only, and AsyncLocalStorage still works', async () => {
    const { WORKFLOW_STACK_TRACES: _, ...env } = process.env;
    assert.deepEqual(await probeWith(env), [
      { where: 'thread', stackTraces: false, store: 'kept' },
      { where: 'main', stackTraces: true, store: 'kept', preloaded: true },
    ]);
  });

  it('the start-up line says when the preload is missing (this test process has none)', () => {
    assert.equal(workflowStackTraces(), 'on: worker/workflowThreads.cjs was not preloaded');
  });

  it('keeps the stack traces with WORKFLOW_STACK_TRACES=on', async () => {
    assert.deepEqual(await probeWith({ ...process.env, WORKFLOW_STACK_TRACES: 'on' }), [
      { where: 'thread', stackTraces: true, store: 'kept' },
      { where: 'main', stackTraces: true, store: 'kept', preloaded: true },
    ]);
  });
});

// A thread calls into a vm context as the SDK does (a compiled script, with a timeout) for longer
// than the timeout, while the main thread watches the calls with a short limit; prints what the
// call did and what the watch saw.
const longCall = `
const { Worker } = require('node:worker_threads');
const { watchWorkflowCalls, sharedWorkflowCalls } = require('./worker/workflowCallWatch.ts');
const seen = [];
const watch = watchWorkflowCalls({
  limitMs: 150,
  everyMs: 25,
  onStall: ({ thread }) => seen.push(['stall', thread, watch.stalled()]),
  onRecover: ({ thread, ms }) => seen.push(['recover', thread, ms >= 150]),
});
const thread = new Worker(\`
  const vm = require('node:vm');
  const { parentPort } = require('node:worker_threads');
  const context = vm.createContext({});
  const script = new vm.Script('const end = Date.now() + 400; while (Date.now() < end) {} "returned"');
  let call;
  try { call = script.runInContext(context, { timeout: 50, displayErrors: true }); } catch (error) { call = error.message; }
  parentPort.postMessage(call);
\`, { eval: true });
thread.once('message', (call) => {
  setTimeout(() => {
    const shared = sharedWorkflowCalls();
    const counts = shared ? new Int32Array(shared) : undefined;
    // per thread that claimed a slot (tsx's loader thread claims one too): [inside, entered]
    const threads = counts ? Array.from({ length: counts[0] }, (_, t) => [counts[1 + 2 * t], counts[2 + 2 * t]]) : null;
    console.log(JSON.stringify({ call, seen, threads, stalledAfter: watch ? watch.stalled() : null }));
    watch?.stop();
    thread.terminate();
  }, 100);
});
`;

async function longCallWith(env: NodeJS.ProcessEnv) {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '-e', longCall], {
    env: workerEnv(env),
    cwd: process.cwd(),
  });
  return JSON.parse(stdout) as {
    call: string;
    seen: unknown[];
    threads: number[][] | null;
    stalledAfter: number | null;
  };
}

describe('calls into workflows without a watchdog thread each', () => {
  it('runs a call past its timeout, and the main thread reports it once, then its return', async () => {
    const { WORKFLOW_CALL_WATCHDOG: _, ...env } = process.env;
    const { threads, ...outcome } = await longCallWith(env);
    // the calling thread's slot: the one that entered a call (and is inside none now)
    const caller = threads!.findIndex(([inside, entered]) => inside === 0 && entered === 1);
    assert.ok(caller >= 0, JSON.stringify(threads));
    assert.deepEqual(outcome, {
      call: 'returned',
      seen: [
        ['stall', caller, 1],
        ['recover', caller, true],
      ],
      stalledAfter: 0,
    });
  });

  it('keeps the timeout with WORKFLOW_CALL_WATCHDOG=on, and then there is nothing to watch', async () => {
    assert.deepEqual(await longCallWith({ ...process.env, WORKFLOW_CALL_WATCHDOG: 'on' }), {
      call: 'Script execution timed out after 50ms',
      seen: [],
      threads: null,
      stalledAfter: null,
    });
  });

  it('the start-up line says how calls are timed', () => {
    assert.equal(
      workflowCallWatchdog(WORKFLOW_CALL_LIMIT_MS),
      'off: calls are watched, one still running after 5 s is reported',
    );
    assert.equal(workflowCallWatchdog(undefined), 'on: worker/workflowThreads.cjs was not preloaded');
  });
});
