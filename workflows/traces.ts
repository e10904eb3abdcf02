// Which trace a workflow's work belongs to, when tracing is on (Temporal's OpenTelemetry
// interceptors, tracing/temporal.ts). The interceptors trace a signal or an update under its
// sender's span, but the loop that acts on it runs in the run's own context: the trace of whatever
// started the run, for as long as the run lasts. So a handler notes the trace current in it (the
// customer message's, the agent request's) and the loop does that work in it: one customer message
// reads as one trace. Deterministic: a trace lives in the workflow's memory, never in its history;
// without tracing it is the empty context and these change nothing.
import { context, type Context } from '@opentelemetry/api';

export type Trace = Context;

/** The trace of the handler running now: that of the message or request being handled. */
export const currentTrace = (): Trace => context.active();

/** Runs fn in that trace (in the current one when there is none). */
export function inTrace<T>(trace: Trace | undefined, fn: () => Promise<T>): Promise<T> {
  return trace ? context.with(trace, fn) : fn();
}
