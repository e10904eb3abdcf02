// Which trace a workflow's work belongs to, when tracing is on (Temporal's OpenTelemetry
// interceptors, tracing/temporal.ts). The interceptors trace a signal or an update under its
// sender's span, but the loop that acts on it runs in the run's own context: the trace of whatever
// started the run, for as long as the run lasts. So a handler notes the trace current in it (the
// customer message's, the agent request's) and the loop does that work in it: one customer message
// reads as one trace. Deterministic: a trace lives in the workflow's memory, never in its history;
// without tracing there is no trace and these change nothing.
//
// The context manager is the one the interceptors register in OpenTelemetry's global registry
// (what `context` of @opentelemetry/api reads too). Reading it there keeps @opentelemetry/api's
// modules out of the runs of a worker that does not trace: each run instantiates the modules it
// imports for itself (docs/PERFORMANCE.md, run 8).
import type { Context } from '@opentelemetry/api';

export type Trace = Context;

interface ContextManager {
  active(): Context;
  with<T>(context: Context, fn: () => T): T;
}

/** @opentelemetry/api 1.x keeps its registered globals under this symbol. */
const OPENTELEMETRY_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

const contextManager = (): ContextManager | undefined =>
  (globalThis as Record<symbol, { context?: ContextManager } | undefined>)[OPENTELEMETRY_API_GLOBAL]?.context;

/** The trace of the handler running now (that of the message or request being handled); none without tracing. */
export const currentTrace = (): Trace | undefined => contextManager()?.active();

/** Runs fn in that trace (in the current one when there is none). */
export function inTrace<T>(trace: Trace | undefined, fn: () => Promise<T>): Promise<T> {
  const manager = contextManager();
  return trace && manager ? manager.with(trace, fn) : fn();
}
