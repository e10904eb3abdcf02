// Spans around the product's own calls to the world (WeCom, the LLM, the embedding server) and the
// steps worth finding in a trace. Without tracing these are the OpenTelemetry API's no-op spans.
// An error is recorded by its type only: a message may quote a credential (an LLM's 401 does).
import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

/** The product's own spans (Temporal's interceptors have theirs). */
export const tracer = trace.getTracer('wecom-ai-cs');

async function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, fn: (span: Span) => Promise<T>) {
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.setAttribute('error.type', (error as Error)?.name ?? 'Error');
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A call to another service (kind CLIENT). */
export const clientSpan = <T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>) =>
  inSpan(name, SpanKind.CLIENT, attributes, fn);

/** A step inside this process (kind INTERNAL). */
export const stepSpan = <T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>) =>
  inSpan(name, SpanKind.INTERNAL, attributes, fn);
