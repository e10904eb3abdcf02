// The main thread's watch over the calls into the workflow sandbox, which worker/workflowThreads.cjs
// runs without the SDK's per-call watchdog thread. A call still running after the limit means a
// workflow is looping or blocked: the workflows cached on that thread make no progress until it
// returns. It is reported once when found and once when it ends; the worker counts as unhealthy
// meanwhile. It reads the memory the preload shares with the threads, as Int32s: [0] the next free
// slot, then per thread the calls it is inside now and how many it has entered so far.
import { Gauge } from 'prom-client';

/** The SDK's own limit on one call into a workflow (its default isolateExecutionTimeout). */
export const WORKFLOW_CALL_LIMIT_MS = 5_000;

/** The worker's gauge of stalled threads (deploy/alerts.yml pages on it). */
export const stalledWorkflowThreads = new Gauge({
  name: 'cs_worker_stalled_workflow_threads',
  help: `Workflow threads inside one call into a workflow for over ${WORKFLOW_CALL_LIMIT_MS / 1000} s (a workflow looping or blocked)`,
});

const CALLS_KEY = Symbol.for('cs.workflowCalls');

export interface WorkflowCallWatchOptions {
  limitMs: number;
  /** How often the calls are looked at; a stall is found between limitMs and limitMs + everyMs. */
  everyMs?: number;
  onStall(stall: { thread: number; ms: number }): void;
  onRecover(stall: { thread: number; ms: number }): void;
  /** The shared calls; by default the preload's (none when WORKFLOW_CALL_WATCHDOG=on or not preloaded). */
  calls?: SharedArrayBuffer;
}

export interface WorkflowCallWatch {
  /** Threads inside a call that has run past the limit, now. */
  stalled(): number;
  stop(): void;
}

/** The calls shared by worker/workflowThreads.cjs, when it took the SDK's watchdog off. */
export function sharedWorkflowCalls(): SharedArrayBuffer | undefined {
  const calls = (globalThis as Record<symbol, unknown>)[CALLS_KEY];
  return calls instanceof SharedArrayBuffer ? calls : undefined;
}

/** Watches the calls, or returns undefined when there is nothing to watch (the SDK's watchdog is on). */
export function watchWorkflowCalls(options: WorkflowCallWatchOptions): WorkflowCallWatch | undefined {
  const shared = options.calls ?? sharedWorkflowCalls();
  if (!shared) return undefined;
  const calls = new Int32Array(shared);
  const slots = (calls.length - 1) / 2;
  /** Per thread: the call it was last seen inside (by its entry count), since when, and whether reported. */
  const seen = new Map<number, { entered: number; since: number; reported: boolean }>();

  const look = () => {
    const now = Date.now();
    const claimed = Math.min(Atomics.load(calls, 0), slots);
    for (let thread = 0; thread < claimed; thread++) {
      const inside = Atomics.load(calls, 1 + 2 * thread) > 0;
      const entered = Atomics.load(calls, 2 + 2 * thread);
      const last = seen.get(thread);
      if (last && (!inside || last.entered !== entered)) {
        if (last.reported) options.onRecover({ thread, ms: now - last.since });
        seen.delete(thread);
      }
      if (!inside) continue;
      const current = seen.get(thread) ?? { entered, since: now, reported: false };
      seen.set(thread, current);
      if (!current.reported && now - current.since >= options.limitMs) {
        current.reported = true;
        options.onStall({ thread, ms: now - current.since });
      }
    }
  };
  const timer = setInterval(look, options.everyMs ?? 1000);
  timer.unref();
  return {
    stalled: () => [...seen.values()].filter((s) => s.reported).length,
    stop: () => clearInterval(timer),
  };
}
