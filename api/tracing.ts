// One server span per request to the api, the root of its trace: the WeCom callback's is the root
// of a customer message's trace, an agent's action's the root of what it makes the workflow do.
// The span is current while the request is handled, so the Temporal calls it makes carry it.
// Incoming trace headers are not followed: nobody outside starts our traces.
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { tracer } from '../tracing/spans';

/** Long-lived or chatty routes that would only bury the requests worth reading. */
const UNTRACED = ['/api/workspace/events', '/api/codec/'];

const traced = (path: string) =>
  (path.startsWith('/api/') || path === '/wecom/callback') && !UNTRACED.some((prefix) => path.startsWith(prefix));

export function traceRequests(req: Request, res: Response, next: NextFunction): void {
  if (!traced(req.path)) return next();
  const span = tracer.startSpan(
    `${req.method} unmatched`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
    ROOT_CONTEXT,
  );
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    // Named by the matched route pattern, as in the HTTP metrics: ids stay out of the name.
    const route = (req.route as { path?: unknown } | undefined)?.path;
    if (typeof route === 'string') {
      span.updateName(`${req.method} ${req.baseUrl}${route}`);
      span.setAttribute('http.route', `${req.baseUrl}${route}`);
    }
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  res.once('finish', end);
  res.once('close', end);
  context.with(trace.setSpan(ROOT_CONTEXT, span), next);
}
