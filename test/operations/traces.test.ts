// Traces for the on-call engineer: the real api and worker processes export their spans over OTLP to
// a receiver in this test, as they would to Jaeger. One customer message is one trace, rooted at the
// WeCom callback, through the inbox workflow and its activity (which starts the message's embedding
// as it reads it), the conversation workflow's turn, the understanding (with the LLM) and the
// delivery to WeCom's send_msg, every span under its right parent, across both processes. The next
// message is a trace of its own, and an agent's reply is the trace of the agent's request.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import mongoose from 'mongoose';
import { loadConfig } from '../../config/env';
import { startTracing } from '../../tracing/setup';
import { freePort, type Service } from '../../dev/services';
import { startFakeLlm } from '../support/fakeLlm';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlpReceiver';
import { startEntryPoint } from '../support/processes';
import { sandboxCredentials, startSandbox, type RunningSandbox } from '../support/sandbox';
import { requireEnv, uniqueMongoUri, uniqueTaskQueue } from '../support/servers';
import { fastSettings } from '../support/stack';
import { replies } from '../../domain/replies';
import { randomAdminToken, tokenFor } from '../support/users';

const SERVER = 2;

describe('without an OTLP endpoint', () => {
  it('sets up nothing: no exporter, and the spans the code asks for are no-ops', () => {
    assert.equal(startTracing(loadConfig({}), 'worker'), undefined);
    const span = trace.getTracer('wecom-ai-cs').startSpan('nothing');
    assert.equal(span.isRecording(), false);
    span.end();
  });
});

describe('traces of a customer message', () => {
  const output: string[] = [];
  const openKfId = `wkTrace${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const adminToken = randomAdminToken();
  const mongoUri = uniqueMongoUri('traces');
  let receiver: OtlpReceiver;
  let sandbox: RunningSandbox;
  let llm: Awaited<ReturnType<typeof startFakeLlm>>;
  let api: Service;
  let worker: Service;
  let apiUrl: string;

  before(async () => {
    receiver = await startOtlpReceiver();
    sandbox = await startSandbox(undefined, openKfId);
    llm = await startFakeLlm('客户要求人工处理。');
    const embeddings = process.env.EMBEDDINGS_BASE_URL;
    assert.ok(embeddings, 'the harness runs an embedding server');
    const [apiPort, workerMetricsPort] = [await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: String(apiPort),
      WORKER_METRICS_PORT: String(workerMetricsPort),
      TEMPORAL_ADDRESS: requireEnv('TEMPORAL_ADDRESS'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('traces'),
      MONGODB_URI: mongoUri,
      WECOM_CORP_ID: sandboxCredentials.corpId,
      WECOM_SECRET: sandboxCredentials.secret,
      WECOM_TOKEN: sandboxCredentials.token,
      WECOM_ENCODING_AES_KEY: sandboxCredentials.encodingAesKey,
      WECOM_API_BASE: sandbox.url,
      EMBEDDINGS_BASE_URL: embeddings,
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_MODEL: 'fake',
      ADMIN_API_TOKEN: adminToken,
      // The customer takes their time to say the answer helped (the third test).
      CONVERSATION_SETTINGS: JSON.stringify({ ...fastSettings, confirmationTimeoutMs: 120_000 }),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      // The SDK's own variable: batches leave every 200 ms instead of every 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    worker = startEntryPoint('worker', 'worker/main.ts', env, output);
    api = startEntryPoint('api', 'api/main.ts', env, output);
    await sandbox.control('/sandbox/callbacks', { url: `${apiUrl}/wecom/callback` });
    for (let i = 0; ; i++) {
      const up = await Promise.all([fetch(`${apiUrl}/healthz`), fetch(`http://127.0.0.1:${workerMetricsPort}/healthz`)])
        .then((answers) => answers.every((res) => res.ok))
        .catch(() => false);
      if (up) break;
      assert.ok(i < 480, `the processes came up:\n${output.slice(-20).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await mongoose.connect(mongoUri, { serverSelectionTimeoutMS: 5000 });
  });

  after(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
    await sandbox?.close();
    await llm?.close();
    await receiver?.close();
  });

  const until = async <T>(what: string, read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}\n${output.slice(-10).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const customerSays = (customer: string, text: string) =>
    sandbox.control(`/sandbox/customers/${customer}/messages`, { text, openKfId });
  const received = (customer: string) => sandbox.simulator.inboxes.get(customer)?.length ?? 0;

  /** The spans of one trace, with lookups that fail when a span is missing or not unique. */
  function traceOf(traceId: string) {
    const spans = () => receiver.spans.filter((s) => s.traceId === traceId);
    const named = (name: string | RegExp, under?: ReceivedSpan) =>
      spans().filter(
        (s) =>
          (typeof name === 'string' ? s.name === name : name.test(s.name)) &&
          (!under || s.parentSpanId === under.spanId),
      );
    return {
      spans,
      /** Every span of that name (under that parent). */
      all: named,
      /** The one span of that name (under that parent); fails listing the trace. */
      one(name: string | RegExp, under?: ReceivedSpan): ReceivedSpan {
        const found = named(name, under);
        const list = spans().map((s) => `${s.service} ${s.name} ${s.spanId} ← ${s.parentSpanId || 'root'}`);
        assert.equal(
          found.length,
          1,
          `one ${String(name)}${under ? ` under ${under.name}` : ''} in trace ${traceId}:\n${list.join('\n')}`,
        );
        return found[0]!;
      },
      has: (name: string | RegExp, under?: ReceivedSpan) => named(name, under).length > 0,
    };
  }

  /**
   * Every span a message's trace has once its reply has gone. They come in any order: each process
   * sends in its own batches, and a workflow's StartActivity span ends after the activity's own.
   */
  const MESSAGE_SPANS = [
    'POST /wecom/callback',
    'SignalWithStartWorkflow:kfInbox',
    'HandleSignal:kfCallback',
    'StartActivity:syncAndDeliver',
    'RunActivity:syncAndDeliver',
    'WeCom kf/sync_msg',
    'deliver to conversation',
    'HandleSignal:inbound',
    'StartActivity:understand',
    'RunActivity:understand',
    /^embeddings /,
    'chat fake',
    'StartActivity:deliver',
    'RunActivity:deliver',
    'WeCom kf/send_msg',
  ];

  /** Waits until the message's trace has all of its spans (and these), and returns it. */
  async function traceOfMessage(customer: string, known: Set<string>, also: string[] = []) {
    const delivered = await until(
      `the inbox's delivery of ${customer}'s message`,
      () =>
        receiver.spans.find(
          (s) =>
            s.name === 'deliver to conversation' &&
            s.attributes['cs.external_user_id'] === customer &&
            !known.has(s.traceId),
        ),
      (span) => span !== undefined,
    );
    known.add(delivered!.traceId);
    const trace = traceOf(delivered!.traceId);
    await until(
      'the whole trace, to the reply sent',
      () => [...MESSAGE_SPANS, ...also].filter((name) => !trace.has(name)),
      (missing) => missing.length === 0,
    );
    return trace;
  }

  /**
   * From the conversation's signal to WeCom: the turn understood (embeddings, LLM) and delivered.
   * The message's embedding was started by the inbox's sync as it read the message (anticipated),
   * so the turn's understanding finds its vector and makes no call of its own.
   */
  function assertTurn(trace: ReturnType<typeof traceOf>, signal: ReceivedSpan, sync: ReceivedSpan) {
    const understand = trace.one('StartActivity:understand', signal);
    const running = trace.one('RunActivity:understand', understand);
    assert.equal(trace.one(/^embeddings /, sync).kind, 3, 'the embedding call is a client span');
    assert.deepEqual(trace.all(/^embeddings /, running), [], 'the turn waited for that call instead');
    const chat = trace.one('chat fake', running);
    assert.equal(chat.attributes['gen_ai.request.model'], 'fake');
    assert.equal(chat.attributes['cs.llm.task'], 'rewrite');
    const deliver = trace.one('RunActivity:deliver', trace.one('StartActivity:deliver', signal));
    // The answer and its "did that help?" menu: one delivery, a send_msg each.
    const sent = trace.all('WeCom kf/send_msg', deliver);
    assert.equal(sent.length, 2);
    for (const span of sent) assert.equal(span.attributes['wecom.errcode'], 0);
    for (const span of [understand, running, deliver, ...sent]) assert.equal(span.service, 'cs-worker', span.name);
  }

  const traces = new Set<string>();
  /** The span id of the first conversation's run, sent when it ends. */
  let conversationRun = '';
  let firstConversationId: unknown;

  it('is one trace from the WeCom callback to the reply sent, across the api and the worker', async () => {
    await customerSays('wmTraceA', '运费怎么算');
    await until(
      'the bot’s answer',
      () => received('wmTraceA'),
      (n) => n > 0,
    );
    // The first message also started the inbox (its cursor read) and the conversation (opened).
    const trace = await traceOfMessage('wmTraceA', traces, [
      'SignalWithStartWorkflow:conversation',
      'StartActivity:loadInboxCursor',
      'StartActivity:openConversation',
    ]);

    const roots = trace.spans().filter((s) => !s.parentSpanId);
    assert.deepEqual(
      roots.map((s) => s.name),
      ['POST /wecom/callback'],
      'the callback is the only root',
    );
    const callback = roots[0]!;
    assert.equal(callback.service, 'cs-api');
    assert.equal(callback.kind, SERVER);
    assert.equal(callback.attributes['wecom.open_kfid'], openKfId);
    assert.equal(callback.attributes['http.response.status_code'], 200);

    // api → Temporal: the signal-with-start of the kf account's inbox, handled in the worker.
    const toInbox = trace.one('SignalWithStartWorkflow:kfInbox', callback);
    assert.equal(toInbox.service, 'cs-api');
    const callbackSignal = trace.one('HandleSignal:kfCallback', toInbox);
    assert.equal(callbackSignal.service, 'cs-worker');

    // The inbox's sync in the callback's trace: sync_msg read, the customer's messages delivered.
    const sync = trace.one('RunActivity:syncAndDeliver', trace.one('StartActivity:syncAndDeliver', callbackSignal));
    trace.one('WeCom kf/sync_msg', sync);
    const delivery = trace.one('deliver to conversation', sync);
    assert.equal(delivery.attributes['cs.open_kfid'], openKfId);
    assert.equal(delivery.attributes['cs.external_user_id'], 'wmTraceA');
    assert.match(String(delivery.attributes['cs.conversation_id']), /wmTraceA/);
    firstConversationId = delivery.attributes['cs.conversation_id'];

    // The activity's signal-with-start of the conversation, and the conversation's turn under it.
    const toConversation = trace.one('SignalWithStartWorkflow:conversation', delivery);
    assertTurn(trace, trace.one('HandleSignal:inbound', toConversation), sync);

    // A workflow run's own span (RunWorkflow:…) is sent when the run ends: until then what the run
    // did besides the message's work (the inbox read its cursor, the conversation opened) waits for
    // its parent. Nothing else hangs off a span that is not in the trace.
    const inboxRun = trace.one('StartActivity:loadInboxCursor').parentSpanId;
    conversationRun = trace.one('StartActivity:openConversation').parentSpanId;
    assert.notEqual(inboxRun, conversationRun);
    const runs = [inboxRun, conversationRun].sort();
    // An activity's span may come before the span of its scheduling, which ends with the activity.
    const waiting = await until(
      'every span but the runs’ children with its parent',
      () => {
        const ids = new Set(trace.spans().map((s) => s.spanId));
        const parents = trace
          .spans()
          .flatMap((s) => (s.parentSpanId && !ids.has(s.parentSpanId) ? [s.parentSpanId] : []));
        return [...new Set(parents)].sort();
      },
      (ids) => ids.every((id) => runs.includes(id)),
    );
    assert.deepEqual(waiting, runs);
  });

  it('the next message to the running conversation is a trace of its own', async () => {
    const before = received('wmTraceA');
    await customerSays('wmTraceA', '满多少包邮');
    await until(
      'the second answer',
      () => received('wmTraceA'),
      (n) => n > before,
    );
    // The inbox knows the customer's session: a signal, no start.
    const trace = await traceOfMessage('wmTraceA', traces, ['SignalWorkflow:inbound']);
    assert.equal(traces.size, 2, 'two messages, two traces');

    const callback = trace.one('POST /wecom/callback');
    assert.equal(callback.parentSpanId, '');
    const callbackSignal = trace.one('HandleSignal:kfCallback', trace.one('SignalWithStartWorkflow:kfInbox', callback));
    const sync = trace.one('RunActivity:syncAndDeliver', trace.one('StartActivity:syncAndDeliver', callbackSignal));
    const toConversation = trace.one('SignalWorkflow:inbound', trace.one('deliver to conversation', sync));
    assert.equal(
      trace.one('deliver to conversation').attributes['cs.conversation_id'],
      firstConversationId,
      'the conversation that was running',
    );
    assertTurn(trace, trace.one('HandleSignal:inbound', toConversation), sync);
  });

  it('sends the conversation run’s span when it ends, under the first message’s signal-with-start', async () => {
    const confirm = (await sandbox.inbox('wmTraceA'))
      .flatMap((m) => m.menu ?? [])
      .findLast((item) => item.content === replies.confirmYes);
    assert.ok(confirm, 'the customer was asked whether the answer helped');
    await sandbox.control('/sandbox/customers/wmTraceA/menu-click', {
      menuId: confirm.id,
      content: confirm.content,
      openKfId,
    });
    const run = await until(
      'the conversation’s run span (after the survey wait)',
      () => receiver.spans.find((s) => s.spanId === conversationRun),
      (span) => span !== undefined,
    );
    assert.equal(run!.name, 'RunWorkflow:conversation');
    const first = traceOf(run!.traceId);
    assert.equal(run!.parentSpanId, first.one('SignalWithStartWorkflow:conversation').spanId);
    first.one('POST /wecom/callback');
  });

  it('an agent’s reply is the trace of the agent’s request, down to WeCom’s send_msg', async () => {
    const agent = await tokenFor({ userId: 'zhangsan' });
    const call = async (method: string, path: string, body: unknown, token: string) => {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    for (const other of ['lisi', 'wangwu', 'zhaoliu']) {
      assert.equal((await call('POST', `/api/agents/${other}/status`, { status: 'offline' }, adminToken)).status, 200);
    }
    await customerSays('wmTraceB', '转人工');
    const [held] = await until(
      'the conversation with zhangsan',
      async () => {
        const res = await fetch(`${apiUrl}/api/conversations?state=human`, {
          headers: { authorization: `Bearer ${agent}` },
        });
        return (await res.json()) as { conversationId: string; agentId?: string }[];
      },
      (list) => list.some((c) => c.agentId === 'zhangsan'),
    );
    const route = `/api/conversations/${encodeURIComponent(held!.conversationId)}/reply`;
    assert.equal((await call('POST', route, { text: '您好，我来处理' }, agent)).status, 200);

    const request = await until(
      'the reply request’s span',
      () => receiver.spans.find((s) => s.name === 'POST /api/conversations/:conversationId/reply'),
      (span) => span !== undefined,
    );
    assert.equal(request!.parentSpanId, '');
    assert.equal(request!.attributes['http.route'], '/api/conversations/:conversationId/reply');
    const trace = traceOf(request!.traceId);
    const expected = [
      'StartWorkflowUpdate:agentReply',
      'HandleUpdate:agentReply',
      'StartActivity:deliver',
      'RunActivity:deliver',
      'WeCom kf/send_msg',
    ];
    await until(
      'the request’s trace, to the reply at WeCom',
      () => expected.filter((name) => !trace.has(name)),
      (missing) => missing.length === 0,
    );
    const update = trace.one('HandleUpdate:agentReply', trace.one('StartWorkflowUpdate:agentReply', request!));
    const deliver = trace.one('RunActivity:deliver', trace.one('StartActivity:deliver', update));
    trace.one('WeCom kf/send_msg', deliver);
  });

  it('exported everything as OTLP/HTTP JSON, nothing the receiver refused', () => {
    assert.deepEqual(receiver.refused, []);
    const services = new Set(receiver.spans.map((s) => s.service));
    assert.deepEqual([...services].sort(), ['cs-api', 'cs-worker']);
  });
});
