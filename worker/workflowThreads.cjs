// Preloaded (`node --require`) into the worker process; Node runs it again in every thread the
// process starts, which is where the SDK runs the workflows. It changes two things there.
//
// 1. Workflow stack traces are off (the Temporal UI's "Stack Trace" tab), an optional feature the
//    SDK already does without where V8's promise hooks are missing: with them on, every promise a
//    workflow creates captures and source-maps a stack trace, kept while the promise is pending.
//    Measured on the bench's worker (docs/PERFORMANCE.md, run 6). Only the SDK's own hook is
//    refused: Node's AsyncLocalStorage, which the workflow sandbox uses, installs promise hooks
//    through the same function. WORKFLOW_STACK_TRACES=on keeps them, for debugging a stuck workflow.
//
// 2. Calls into the workflow sandbox run without a watchdog thread each. The SDK passes vm's
//    `timeout` (its isolateExecutionTimeout, 5 s) to every call into a workflow (activate, unblock,
//    conclude: three or more per workflow task), and for each such call Node creates a thread to
//    time it and joins it afterwards: about 50 µs of CPU on an idle machine, far more on a busy one
//    (docs/PERFORMANCE.md, run 9). Instead each thread marks its calls in memory shared with the
//    main thread, where worker/workflowCallWatch.ts reports a call still running after the same
//    5 s: a workflow looping or blocked, which the SDK's watchdog would have interrupted.
//    WORKFLOW_CALL_WATCHDOG=on keeps the SDK's watchdog.
'use strict';
const { isMainThread, getEnvironmentData, setEnvironmentData } = require('node:worker_threads');
const { promiseHooks } = require('node:v8');
const vm = require('node:vm');

// For the worker's start-up line (worker/launch.ts, workflowStackTraces).
if (isMainThread) globalThis[Symbol.for('cs.workflowThreadsPreload')] = true;

if (!isMainThread && process.env.WORKFLOW_STACK_TRACES !== 'on') {
  const createHook = promiseHooks.createHook;
  promiseHooks.createHook = function createHookUnlessForStackTraces(hooks) {
    // The caller is the SDK's vm-shared module (its .ts source when source maps are on, as with tsx).
    if (/[\\/]@temporalio[\\/]worker[\\/](lib|src)[\\/]workflow[\\/]vm-shared\.[jt]s:/.test(new Error().stack ?? '')) {
      throw new Error('workflow stack traces are off (WORKFLOW_STACK_TRACES=on turns them on)');
    }
    return createHook.call(this, hooks);
  };
}

// The calls' shared memory, as Int32s: [0] the next free slot, then per thread that claims a slot
// (worker/workflowCallWatch.ts reads the same layout): the calls it is inside now, and how many it
// has entered so far. The main thread creates it before the SDK starts its threads, which are
// given it with their environment data.
const CALLS_KEY = 'cs.workflowCalls';
const CALL_SLOTS = 64;

if (process.env.WORKFLOW_CALL_WATCHDOG !== 'on') {
  if (isMainThread) {
    const calls = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (1 + 2 * CALL_SLOTS));
    setEnvironmentData(CALLS_KEY, calls);
    globalThis[Symbol.for(CALLS_KEY)] = calls;
  } else {
    const shared = getEnvironmentData(CALLS_KEY);
    const calls = shared instanceof SharedArrayBuffer ? new Int32Array(shared) : undefined;
    const slot = calls ? Atomics.add(calls, 0, 1) : CALL_SLOTS;
    const inside = 1 + 2 * slot;
    const entered = inside + 1;
    const marked = slot < CALL_SLOTS;
    const runInContext = vm.Script.prototype.runInContext;
    vm.Script.prototype.runInContext = function runInContextWithoutWatchdog(context, options) {
      if (options === undefined || options === null || options.timeout === undefined) {
        return runInContext.call(this, context, options);
      }
      const { timeout: _timedByTheMainThread, ...untimed } = options;
      if (!marked) return runInContext.call(this, context, untimed);
      Atomics.add(calls, entered, 1);
      Atomics.add(calls, inside, 1);
      try {
        return runInContext.call(this, context, untimed);
      } finally {
        Atomics.sub(calls, inside, 1);
      }
    };
  }
}
