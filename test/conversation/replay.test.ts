// Determinism, tested: histories recorded from the end-to-end runs (test/fixtures/histories,
// refreshed with `RECORD_HISTORIES=1 npm test -- test/conversation/lifecycle.test.ts
// test/conversation/wecomMode.test.ts test/conversation/tickets.test.ts`) replay against the
// current workflow code. A change that would break conversations already running fails here.
// Histories recorded before a behaviour change guarded by patched() stay here under their own name
// (e.g. *-before-servicer-directory), so the old path keeps replaying too; v1-* are runs of the first
// workflow version (workflows/legacy/), v1-moved-to-current one that moved over; *-before-dispatcher ran
// before the queue became the dispatcher's, *-before-kpi-facts before the KPI facts were recorded,
// *-before-quiet-end before WeCom's session was ended only after a quiet survey wait,
// *-before-first-reply-delivery before the first answer's delivery also wrote the bot's
// first-response time (the names say
// which markers a history has; workflows/conversation/versions.ts). They replay as well with tracing
// on: Temporal's OpenTelemetry interceptors bundled with the workflows, as a worker with an OTLP
// endpoint runs them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { tracingWorkerOptions, tracingWorkflowModules } from '../../tracing/temporal';
import { workflowBundleOptions } from '../../worker/workflowBundle';
import { savedHistories } from '../support/histories';
import { workflowBundle } from '../support/servers';

async function replayAll(options: Parameters<typeof Worker.runReplayHistories>[0]): Promise<number> {
  const histories = savedHistories();
  let replayed = 0;
  for await (const result of Worker.runReplayHistories(options, histories)) {
    assert.equal(result.error, undefined, `${result.workflowId}: ${String(result.error)}`);
    replayed++;
  }
  assert.equal(replayed, histories.length);
  return replayed;
}

describe('workflow replay', () => {
  it('replays every recorded conversation history without non-determinism', async () => {
    const histories = savedHistories();
    assert.ok(histories.length >= 5, 'recorded histories are committed in test/fixtures/histories');
    const types = new Set(
      histories.map((h) => h.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name),
    );
    assert.deepEqual([...types].sort(), ['conversation', 'conversationWorkflow'], 'both versions are replayed');
    await replayAll({ workflowBundle: await workflowBundle() });
  });

  it('replays them with the OpenTelemetry interceptors in the bundle, exporting nothing while replaying', async () => {
    const traced: WorkflowBundleWithSourceMap = await bundleWorkflowCode({
      ...workflowBundleOptions,
      workflowInterceptorModules: tracingWorkflowModules,
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
    });
    const exporter = new InMemorySpanExporter();
    const tracing = {
      spanProcessor: new SimpleSpanProcessor(exporter),
      resource: new Resource({ 'service.name': 'replay' }),
      shutdown: async () => undefined,
    };
    const { sinks } = tracingWorkerOptions(tracing);
    assert.ok((await replayAll({ workflowBundle: traced, sinks })) >= 5);
    assert.deepEqual(exporter.getFinishedSpans(), [], 'a replay sends no spans again');
  });
});
