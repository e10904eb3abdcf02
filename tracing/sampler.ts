// Which traces exist. A trace starts where someone comes in — a request to the api: the WeCom
// callback (a customer wrote), an agent's or a supervisor's action — and takes everything that
// request causes, across processes and workflows. Work nobody asked for just now (start-up, the
// workspace's polling of Temporal, the embedding of the knowledge base) starts none, so the
// on-call engineer's view is not buried under it.
import { SpanKind } from '@opentelemetry/api';
import { ParentBasedSampler, SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace-base';

const serverSpansOnly: Sampler = {
  shouldSample: (_context, _traceId, _name, kind) => ({
    decision: kind === SpanKind.SERVER ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD,
  }),
  toString: () => 'ServerSpansOnly',
};

/** A root span is kept when it is a request's; any other span follows its parent's decision. */
export const requestsOnly = new ParentBasedSampler({ root: serverSpansOnly });
