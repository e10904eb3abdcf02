// worker/workflowThreads.cjs in a real worker process environment (workerEnv): in the threads
// that run workflows the SDK's stack-trace promise hook is refused, while Node's AsyncLocalStorage,
// which installs promise hooks through the same function, keeps working; WORKFLOW_STACK_TRACES=on
// leaves the hook alone, and the main thread is never touched.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { workerEnv, workflowStackTraces } from '../../worker/launch';

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
