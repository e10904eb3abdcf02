// OpenTelemetry for one process (the api or the worker): spans exported over OTLP/HTTP to
// OTEL_EXPORTER_OTLP_ENDPOINT. Without an endpoint nothing is registered: the spans the code asks
// for are the OpenTelemetry API's no-op ones and no Temporal interceptor is installed.
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config/env';
import type { Logger } from '../config/logger';
import { requestsOnly } from './sampler';

export interface Tracing {
  /** Where the workflows' spans go too (they are made in the workflow sandbox and handed out). */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Sends what is still buffered; call before the process exits. */
  shutdown(): Promise<void>;
}

export type TracedProcess = 'api' | 'worker';

export function startTracing(
  config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'>,
  process: TracedProcess,
  log?: Logger,
): Tracing | undefined {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  const resource = new Resource({ 'service.name': config.OTEL_SERVICE_NAME ?? `cs-${process}` });
  // Batched: a span costs the request a few microseconds; a slow or absent receiver costs nothing
  // but the spans it misses (the queue is bounded, export errors are dropped).
  const spanProcessor = new BatchSpanProcessor(
    new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }),
  );
  const provider = new BasicTracerProvider({ resource, sampler: requestsOnly, spanProcessors: [spanProcessor] });
  // W3C trace context; async context follows the request through awaits, timers and callbacks.
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  // The host only: an endpoint URL may carry credentials.
  log?.info({ service: resource.attributes['service.name'], to: new URL(endpoint).host }, 'exporting traces over OTLP');
  return { spanProcessor, resource, shutdown: () => provider.shutdown() };
}
