// Temporal's OpenTelemetry interceptors (@temporalio/interceptors-opentelemetry): a client call
// (start, signal, signal-with-start, update, query) carries the caller's trace in a header; the
// workflow continues it in its handlers and in the activities it schedules, and the activities in
// what they call. Installed only when tracing is on (an interceptor without it would still write
// an empty header into every call).
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Tracing } from './setup';

/**
 * The workflow half, bundled with the workflows: its spans are made in the sandbox (deterministic
 * ids, not exported while replaying) and handed to the worker's span processor through a sink.
 */
export const tracingWorkflowModules = [
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

/** For a Client: the api's, and the worker's that activities signal conversations with. */
export function tracingClientInterceptors(tracing: Tracing | undefined): ClientInterceptors | undefined {
  return tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
}

/** For a Worker (or a replay of recorded histories): activities and workflows, and the sink of the workflows' spans. */
export function tracingWorkerOptions(tracing: Tracing): Required<Pick<WorkerOptions, 'interceptors' | 'sinks'>> {
  return {
    interceptors: {
      workflowModules: tracingWorkflowModules,
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
