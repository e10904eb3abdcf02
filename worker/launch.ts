// How a worker process is launched: what its environment must hold from the start, because glibc
// and Node read it only when the process starts. Every launcher of the worker uses this (npm start,
// the bench); the Dockerfile and docker-compose.yml say the same, and a test holds them to it.
//
// glibc's malloc: by default glibc raises its mmap threshold each time a large block is freed, up
// to 32 MB, after which large blocks come from the heap and are seldom given back to the system:
// the worker's resident memory then grows with fragmentation rather than with what it holds.
// Measured on the worker's own workflow cache (docs/PERFORMANCE.md, run 5): a cached workflow
// that only waits cost about 275 KB of resident memory with the default and about 80 KB with the
// threshold fixed. A value already set is kept.
//
// worker/workflowThreads.cjs, preloaded: turns off the SDK's workflow stack traces in the
// threads that run the workflows, and runs the calls into workflows without a watchdog thread per
// call, watched from the main thread instead (that file says why).
export const WORKER_GLIBC_TUNABLES = 'glibc.malloc.mmap_threshold=131072';

/** The preload, as the worker's `node` is given it. */
export const WORKFLOW_THREADS_PRELOAD = require.resolve('./workflowThreads.cjs');

/** The environment to start a worker process with. */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    GLIBC_TUNABLES: env.GLIBC_TUNABLES || WORKER_GLIBC_TUNABLES,
    NODE_OPTIONS: [env.NODE_OPTIONS, `--require ${JSON.stringify(WORKFLOW_THREADS_PRELOAD)}`].filter(Boolean).join(' '),
  };
}

/** Whether this worker's workflows keep stack traces (the Temporal UI's "Stack Trace" tab). */
export function workflowStackTraces(): 'on' | 'off' | 'on: worker/workflowThreads.cjs was not preloaded' {
  if (process.env.WORKFLOW_STACK_TRACES === 'on') return 'on';
  const preloaded = (globalThis as Record<symbol, unknown>)[Symbol.for('cs.workflowThreadsPreload')] === true;
  return preloaded ? 'off' : 'on: worker/workflowThreads.cjs was not preloaded';
}

/** How the worker's calls into workflows are timed (the start-up line); the watch's limit when worker/workflowCallWatch.ts watches them. */
export function workflowCallWatchdog(watchLimitMs: number | undefined): string {
  if (watchLimitMs !== undefined)
    return `off: calls are watched, one still running after ${watchLimitMs / 1000} s is reported`;
  if (process.env.WORKFLOW_CALL_WATCHDOG === 'on') return 'on';
  return 'on: worker/workflowThreads.cjs was not preloaded';
}
