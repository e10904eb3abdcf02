// No secret in logs, metrics, error answers or stored payloads. The real api and worker processes
// run a whole story with every secret configured (WeCom credentials, the LLM key, the alert robot's
// key, ADMIN_API_TOKEN, the payload key) at debug level, plus the credentials people use (a
// password, a session, an API token, WeCom access tokens); then everything the run produced is
// searched for them: both processes' output, a refused start-up, /metrics, every error answer,
// every workflow history (raw and decrypted) and every MongoDB document.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import mongoose from 'mongoose';
import { loadConfig, type Config } from '../../config/env';
import { configuredSecrets } from '../../config/secrets';
import { freePort, type Service } from '../../dev/services';
import { AesGcmPayloadCodec } from '../../temporal/payloadCodec';
import { createSandbox, type Sandbox } from '../../wecom/sandbox/server';
import { sandboxDevCredentials as dev } from '../../wecom/sandbox/devCredentials';
import { startEntryPoint } from '../support/processes';
import { requireEnv, temporalClient, uniqueMongoUri, uniqueTaskQueue } from '../support/servers';
import { startFakeLlm } from '../support/fakeLlm';
import { ensureUser } from '../support/users';

const ROOT = path.resolve(__dirname, '..', '..');
const alnum = (n: number) =>
  randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n);

/** A tiny WeCom group robot: records what it was sent and where. */
async function startRobot() {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}'));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, close: () => server.close() };
}

describe('secrets stay secret through a whole run', () => {
  const output: string[] = [];
  const answers: string[] = [];
  const secrets = new Set<string>();
  let config: Config;
  let api: Service;
  let worker: Service;
  let sandbox: Sandbox;
  let sandboxServer: http.Server;
  let robot: Awaited<ReturnType<typeof startRobot>>;
  let llm: Awaited<ReturnType<typeof startFakeLlm>>;
  let client: Client;
  let apiUrl: string;
  let sandboxUrl: string;
  let metricsUrls: string[];

  before(async () => {
    robot = await startRobot();
    llm = await startFakeLlm('客户要求人工处理门锁问题。');
    const credentials = {
      corpId: 'wwsecretstest0001',
      secret: `kf-secret-${alnum(24)}`,
      token: alnum(32),
      encodingAesKey: alnum(43),
    };
    const openKfId = `wkSecrets${alnum(8)}`;
    sandbox = createSandbox({
      ...credentials,
      callbackUrl: 'http://127.0.0.1:9/wecom/callback',
      openKfId,
      accountName: dev.accountName,
      servicers: dev.servicers,
    });
    sandboxServer = sandbox.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => sandboxServer.once('listening', resolve));
    sandboxUrl = `http://127.0.0.1:${(sandboxServer.address() as AddressInfo).port}`;

    const [apiPort, apiMetricsPort, workerMetricsPort] = [await freePort(), await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    metricsUrls = [`http://127.0.0.1:${apiMetricsPort}/metrics`, `http://127.0.0.1:${workerMetricsPort}/metrics`];
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      PORT: String(apiPort),
      API_METRICS_PORT: String(apiMetricsPort),
      WORKER_METRICS_PORT: String(workerMetricsPort),
      TEMPORAL_ADDRESS: requireEnv('TEMPORAL_ADDRESS'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('secrets'),
      MONGODB_URI: uniqueMongoUri('secrets'),
      WECOM_CORP_ID: credentials.corpId,
      WECOM_SECRET: credentials.secret,
      WECOM_TOKEN: credentials.token,
      WECOM_ENCODING_AES_KEY: credentials.encodingAesKey,
      WECOM_API_BASE: sandboxUrl,
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_MODEL: 'fake',
      OPENAI_API_KEY: `sk-${alnum(40)}`,
      ALERT_WEBHOOK_URL: `${robot.url}/cgi-bin/webhook/send?key=${alnum(36)}`,
      ADMIN_API_TOKEN: alnum(40),
      PAYLOAD_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      CONVERSATION_SETTINGS: JSON.stringify({ burstWindowMs: 300, firstResponseSlaMs: 3000, routingRetryMs: 300 }),
    };
    config = loadConfig(env);
    for (const secret of configuredSecrets(config)) secrets.add(secret);
    assert.equal(secrets.size, 7, 'every configured secret is known');
    // A key is bytes: look for it in every form a program might print bytes in.
    const key = config.PAYLOAD_ENCRYPTION_KEYS![0]!.key;
    for (const form of [key.toString('hex'), JSON.stringify([...key]).slice(1, -1), key.toString('base64url')])
      secrets.add(form);

    const start = (name: string, entry: string) => startEntryPoint(name, entry, env, output);
    worker = start('worker', 'worker/main.ts');
    api = start('api', 'api/main.ts');
    await fetch(`${sandboxUrl}/sandbox/callbacks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${apiUrl}/wecom/callback` }),
    });
    await mongoose.connect(config.MONGODB_URI, { serverSelectionTimeoutMS: 5000 });
    client = await temporalClient({ payloadCodecs: [new AesGcmPayloadCodec(config.PAYLOAD_ENCRYPTION_KEYS!)] });
    for (let i = 0; ; i++) {
      const ok = await Promise.all([fetch(`${apiUrl}/healthz`), fetch(metricsUrls[1]!.replace('/metrics', '/healthz'))])
        .then((r) => r.every((x) => x.ok))
        .catch(() => false);
      if (ok) break;
      assert.ok(i < 240, `the processes came up:\n${output.slice(-20).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  after(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    sandboxServer?.close();
    robot?.close();
    await llm?.close();
    await client?.connection.close();
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
  });

  const call = async (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${apiUrl}${route}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    // What came back (not what was asked: a refused request may carry a credential on purpose).
    // The two answers whose purpose is to hand out a credential — the session cookie of a sign-in
    // and the API token of POST /api/tokens, shown once — are left out of the search.
    const handsOut = route === '/api/tokens' && method === 'POST';
    const shown = [...res.headers].filter(([name]) => name !== 'set-cookie');
    if (!handsOut) answers.push(`${res.status} ${shown.join(' ')} ${text}`);
    return { status: res.status, text, headers: res.headers };
  };
  const until = async <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> => {
    for (let i = 0; ; i++) {
      const value = await read();
      if (ok(value)) return value;
      assert.ok(i < 200, `timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  };
  const customerSays = (customer: string, text: string) =>
    fetch(`${sandboxUrl}/sandbox/customers/${customer}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
  const inbox = (customer: string) => (sandbox.simulator.inboxes.get(customer) ?? []).map((m) => m.content);

  it('runs a whole story: bot answer, sign-in, handoff, agent reply, an SLA alert, refusals', async () => {
    const admin = { authorization: `Bearer ${config.ADMIN_API_TOKEN!}` };
    const password = `pw-${alnum(20)}`;
    secrets.add(password);
    await until(
      'the api created its collections',
      async () => (await call('GET', '/api/users', undefined, admin)).status,
      (s) => s === 200,
    );
    await ensureUser({ userId: 'zhangsan', role: 'agent', password });
    for (const agent of ['lisi', 'wangwu', 'zhaoliu', 'supervisor01'])
      await call('POST', `/api/agents/${agent}/status`, { status: 'offline' }, admin);

    await customerSays('wmSecretA', '满多少包邮');
    await until(
      'the bot’s answer',
      async () => inbox('wmSecretA'),
      (m) => m.some((x) => x.includes('99元')),
    );
    assert.ok(
      llm.seenKeys().every((key) => key === `Bearer ${config.OPENAI_API_KEY}`),
      'the LLM got its key',
    );

    const login = await call('POST', '/api/auth/login', { userId: 'zhangsan', password });
    assert.equal(login.status, 200);
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    secrets.add(cookie.split('=')[1]!);
    const token = JSON.parse((await call('POST', '/api/tokens', { name: 'crm' }, { cookie })).text) as {
      token: string;
    };
    secrets.add(token.token);

    await customerSays('wmSecretB', '转人工，门锁坏了');
    const conversations = async () =>
      JSON.parse(
        (await call('GET', '/api/conversations?state=human', undefined, { authorization: `Bearer ${token.token}` }))
          .text,
      ) as {
        conversationId: string;
      }[];
    const [mine] = await until('the conversation with zhangsan', conversations, (list) => list.length > 0);
    const route = `/api/conversations/${encodeURIComponent(mine!.conversationId)}`;
    assert.equal((await call('POST', `${route}/reply`, { text: '您好，我来处理' }, { cookie })).status, 200);
    assert.equal((await call('POST', `${route}/resolve`, {}, { authorization: `Bearer ${token.token}` })).status, 200);

    await customerSays('wmSecretC', '我要人工');
    await until(
      'the SLA alert at the robot',
      async () => robot.hits,
      (hits) => hits.some((h) => h.includes('key=')),
    );

    // Refusals and errors, each of which could echo a credential.
    assert.equal((await call('POST', '/api/auth/login', { userId: 'zhangsan', password: `${password}x` })).status, 401);
    assert.equal(
      (await call('GET', '/api/auth/me', undefined, { authorization: `Bearer ${config.ADMIN_API_TOKEN}x` })).status,
      401,
    );
    assert.equal(
      (await call('GET', '/api/auth/me', undefined, { authorization: `Bearer ${token.token}x` })).status,
      401,
    );
    assert.equal(
      (await call('GET', `/wecom/callback?msg_signature=x&timestamp=1&nonce=n&echostr=${config.WECOM_TOKEN}`)).status,
      403,
    );
    assert.equal((await call('GET', '/api/settings', undefined, admin)).status, 200);
    assert.equal((await call('POST', '/api/kb/entries/x', { broken: true }, admin)).status, 404);
    for (const url of [...metricsUrls, `${apiUrl}/metrics`]) {
      const res = await fetch(url, { headers: admin });
      answers.push(await res.text());
    }
    // A refused start-up: the error names the variable, never the value.
    const refused = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'api', 'main.ts')], {
      env: {
        ...process.env,
        ADMIN_API_TOKEN: 'short',
        WECOM_TOKEN: `${config.WECOM_TOKEN} bad`,
        MONGODB_URI: 'mongodb://u:' + config.WECOM_SECRET + '@',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(refused.status, 1);
    output.push(refused.stdout, refused.stderr);
    for (const token of sandbox.simulator.issuedTokens()) secrets.add(token);
  });

  it('finds no secret in the output, metrics, answers, workflow histories or MongoDB', async () => {
    await Promise.all([api.stop(), worker.stop()]);
    const histories: string[] = [];
    const stored: string[] = [];
    const codec = new AesGcmPayloadCodec(config.PAYLOAD_ENCRYPTION_KEYS!);
    for await (const execution of client.workflow.list({ query: `TaskQueue="${config.TEMPORAL_TASK_QUEUE}"` })) {
      const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      const payloads: Payload[] = [];
      const walk = (value: unknown): void => {
        if (!value || typeof value !== 'object' || value instanceof Uint8Array) return;
        if ((value as Payload).data instanceof Uint8Array) payloads.push(value as Payload);
        for (const child of Object.values(value)) walk(child);
      };
      walk(history);
      // As stored: every payload's bytes, as text and in base64.
      const raw = payloads
        .map((p) => `${Buffer.from(p.data!).toString('utf8')} ${Buffer.from(p.data!).toString('base64')}`)
        .concat(JSON.stringify(history))
        .join('\n');
      const decrypted = (await codec.decode(payloads)).map((p) =>
        Buffer.from(p.data ?? new Uint8Array()).toString('utf8'),
      );
      stored.push(raw);
      histories.push(raw, ...decrypted);
    }
    const documents: string[] = [];
    for (const { name } of await mongoose.connection.db!.listCollections().toArray()) {
      documents.push(JSON.stringify(await mongoose.connection.db!.collection(name).find({}).toArray()));
    }

    // What was searched is the real thing: the story is in it.
    const everything = {
      output: output.join('\n'),
      answers: answers.join('\n'),
      histories: histories.join('\n'),
      documents: documents.join('\n'),
    };
    assert.ok(stored.length >= 4 && everything.histories.includes('满多少包邮'), 'decrypted histories hold the story');
    assert.ok(!stored.join('\n').includes('满多少包邮'), 'the stored histories do not');
    assert.ok(everything.documents.includes('您好，我来处理') && everything.documents.includes('scrypt$'));
    assert.match(everything.output, /"msg":"signed in"/);
    assert.match(everything.output, /Configuration error: .*ADMIN_API_TOKEN must be at least 24 characters/);
    assert.match(everything.answers, /cs_http_request_duration_seconds/);

    assert.ok(secrets.size >= 14, `searched for ${secrets.size} secrets`);
    for (const secret of secrets) {
      for (const [where, text] of Object.entries(everything)) {
        assert.ok(
          !text.includes(secret),
          `a secret (${secret.slice(0, 4)}…, ${secret.length} characters) is in the ${where}`,
        );
      }
    }
  });
});
