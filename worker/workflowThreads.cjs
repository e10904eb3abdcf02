// Preloaded (`node --require`) into the worker process; Node runs it again in every thread the
// process starts, which is where the SDK runs the workflows. There it turns off the SDK's
// workflow stack traces (the Temporal UI's "Stack Trace" tab), an optional feature the SDK already
// does without where V8's promise hooks are missing: with them on, every promise a workflow creates
// captures and source-maps a stack trace, kept while the promise is pending. Measured on the
// bench's worker (docs/PERFORMANCE.md, run 6). Only the SDK's own hook is refused: Node's
// AsyncLocalStorage, which the workflow sandbox uses, installs promise hooks through the same
// function. WORKFLOW_STACK_TRACES=on keeps them, for debugging a stuck workflow.
'use strict';
const { isMainThread } = require('node:worker_threads');
const { promiseHooks } = require('node:v8');

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
