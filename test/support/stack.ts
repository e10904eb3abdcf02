// The whole product in one test process, on the harness's real Temporal and FerretDB: a WeCom
// sandbox, the api (real HTTP callbacks from the sandbox), and a worker with the real activities.
// Each stack has its own kf account id, task queue and database, so test files do not meet.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import mongoose from 'mongoose';
import { createActivities } from '../../activities';
import { createApp } from '../../api/app';
import { loadConfig, type Config } from '../../config/env';
import { createLogger } from '../../config/logger';
import { AgentModel } from '../../db/models/agent';
import { ConversationModel } from '../../db/models/conversation';
import type { ConversationSettings } from '../../domain/conversationSettings';
import { createWorker } from '../../worker/createWorker';
import { buildActivityDeps } from '../../worker/dependencies';
import { ensureSearchAttributes } from '../../worker/searchAttributes';
import { snapshotQuery, type ConversationSnapshot } from '../../workflows/conversationContract';
import { sandboxCredentials, startSandbox, type RunningSandbox } from './sandbox';
import { nativeConnection, requireEnv, temporalClient, uniqueMongoUri, workflowBundle } from './servers';
import { randomAdminToken, tokenFor, type TestUser } from './users';
import { dataConverter } from '../../temporal/connectionOptions';
import { sandboxDevCredentials } from '../../wecom/sandbox/devCredentials';

/** Timers in seconds instead of minutes. */
export const fastSettings: Partial<ConversationSettings> = {
  burstWindowMs: 300,
  confirmationTimeoutMs: 4000,
  botIdleCloseMs: 20_000,
  queueWaitSlaMs: 3000,
  routingRetryMs: 300,
  firstResponseSlaMs: 4000,
  humanIdleNudgeMs: 20_000,
  humanIdleCloseMs: 20_000,
  csatWaitMs: 4000,
};

export interface Stack {
  config: Config;
  sandbox: RunningSandbox;
  client: Client;
  apiUrl: string;
  openKfId: string;
  worker?: Worker;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
  say(customer: string, text: string): Promise<void>;
  click(customer: string, menuId: string, content: string): Promise<void>;
  /** The customer taps the item with this text in the newest menu that has one (its real id). */
  choose(customer: string, content: string): Promise<string>;
  /** What the customer has received so far (contents). */
  received(customer: string): Promise<string[]>;
  /** Polls until the predicate holds; fails with the last value. */
  until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs?: number): Promise<T>;
  conversationOf(customer: string): Promise<string>;
  /** Waits until the customer's conversation is with an agent. */
  withAgent(customer: string): Promise<{ conversationId: string; snapshot: ConversationSnapshot }>;
  /** Only these agents online (capacity 10 each), written straight into MongoDB. */
  onlineOnly(agentIds: string[]): Promise<void>;
  /** Hands a customer to this agent, the only one online; the conversation's id. */
  handTo(agentId: string, customer: string, text?: string): Promise<string>;
  /** The customer's WeCom session as the sandbox holds it. */
  session(customer: string): Promise<{ service_state: number; servicer_userid?: string }>;
  snapshot(conversationId: string): Promise<ConversationSnapshot>;
  /** The REST API as an admin (ADMIN_API_TOKEN). */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** The REST API as this user (an agent unless said otherwise), through an API token. */
  as(user: string | TestUser): { api: Stack['api'] };
  adminToken: string;
}

export type ApiCall = <T = unknown>(
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: T }>;

/** A fetch of the api that answers status and JSON, with these credentials. */
export function apiClient(apiUrl: string, bearer: () => Promise<string | undefined>): ApiCall {
  return async <T>(method: string, path: string, body?: unknown) => {
    const token = await bearer();
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as T };
  };
}

export async function startStack(
  options: {
    humanMode?: 'console' | 'wecom';
    settings?: Partial<ConversationSettings>;
    worker?: boolean;
    env?: Record<string, string>;
    /** The kf account's servicers in the sandbox (default: the demo agents' WeCom userids). */
    servicers?: string[];
  } = {},
): Promise<Stack> {
  const openKfId = `wkTest${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const taskQueue = `cs-${openKfId}`;
  const sandbox = await startSandbox(undefined, openKfId, options.servicers);
  const adminToken = randomAdminToken();
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    TEMPORAL_ADDRESS: requireEnv('TEMPORAL_ADDRESS'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    MONGODB_URI: uniqueMongoUri('stack'),
    WECOM_CORP_ID: sandboxCredentials.corpId,
    WECOM_SECRET: sandboxCredentials.secret,
    WECOM_TOKEN: sandboxCredentials.token,
    WECOM_ENCODING_AES_KEY: sandboxCredentials.encodingAesKey,
    WECOM_API_BASE: sandbox.url,
    // The sandbox also stands in for WeCom's sign-in pages.
    WECOM_AGENT_ID: sandboxDevCredentials.agentId,
    WECOM_OAUTH_BASE: sandbox.url,
    WECOM_SSO_BASE: sandbox.url,
    HUMAN_MODE: options.humanMode ?? 'console',
    CONVERSATION_SETTINGS: JSON.stringify({ ...fastSettings, ...options.settings }),
    ADMIN_API_TOKEN: adminToken,
    ...options.env,
  });
  await mongoose.connect(config.MONGODB_URI, { serverSelectionTimeoutMS: 5000 });
  await ensureSearchAttributes(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
  const client = await temporalClient(dataConverter(config));
  const log = createLogger('test', 'silent');

  // Agent actions still running after 8 s answer 202 (20 s in production): tests see both.
  const app = createApp({ config, temporal: client, log, actionAnswerWithinMs: 8000 });
  const server: Server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await sandbox.control('/sandbox/callbacks', { url: `${apiUrl}/wecom/callback` });

  const { deps, close: closeDeps } = await buildActivityDeps(config, client, log);
  let connection: NativeConnection | undefined;
  let running: Promise<void> | undefined;

  const tokens = new Map<string, Promise<string>>();
  const stack: Stack = {
    config,
    adminToken,
    sandbox,
    client,
    apiUrl,
    openKfId,
    async startWorker() {
      connection ??= await nativeConnection();
      stack.worker = await createWorker({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: createActivities(deps),
        dataConverter: dataConverter(config),
      });
      running = stack.worker.run();
    },
    async stopWorker() {
      stack.worker?.shutdown();
      await running;
      stack.worker = undefined;
    },
    async close() {
      await stack.stopWorker();
      closeDeps();
      server.close();
      await sandbox.close();
      await connection?.close();
      await client.connection.close();
      await mongoose.connection.dropDatabase().catch(() => undefined);
      await mongoose.disconnect();
    },
    async say(customer, text) {
      await sandbox.control(`/sandbox/customers/${customer}/messages`, { text, openKfId });
    },
    async click(customer, menuId, content) {
      await sandbox.control(`/sandbox/customers/${customer}/menu-click`, { menuId, content, openKfId });
    },
    async choose(customer, content) {
      const menus = (await sandbox.inbox(customer)).filter((m) => m.menu?.some((item) => item.content === content));
      const item = menus.at(-1)?.menu?.find((i) => i.content === content);
      if (!item) throw new Error(`${customer} has no menu with ${content}`);
      await stack.click(customer, item.id, content);
      return item.id;
    },
    async received(customer) {
      return (await sandbox.inbox(customer)).map((m) => m.content);
    },
    async until(what, read, ok, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let value = await read();
      while (!ok(value)) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
        await new Promise((resolve) => setTimeout(resolve, 150));
        value = await read();
      }
      return value;
    },
    async conversationOf(customer) {
      const doc = await stack.until(
        `a conversation for ${customer}`,
        () => ConversationModel.findOne({ externalUserId: customer, openKfId }).sort({ session: -1 }).lean(),
        (d) => d !== null,
      );
      return doc!.conversationId;
    },
    async withAgent(customer) {
      const conversationId = await stack.conversationOf(customer);
      const snapshot = await stack.until(
        'an agent',
        () => stack.snapshot(conversationId),
        (s) => s.state === 'human',
      );
      return { conversationId, snapshot };
    },
    async onlineOnly(agentIds) {
      await Promise.all([
        AgentModel.updateMany({ agentId: { $nin: agentIds } }, { $set: { status: 'offline' } }),
        AgentModel.updateMany({ agentId: { $in: agentIds } }, { $set: { status: 'online', capacity: 10 } }),
      ]);
    },
    async handTo(agentId, customer, text = '转人工，门锁坏了') {
      await stack.onlineOnly([agentId]);
      await stack.say(customer, text);
      const { conversationId, snapshot } = await stack.withAgent(customer);
      if (snapshot.agentId !== agentId) throw new Error(`${customer} went to ${snapshot.agentId}, not ${agentId}`);
      return conversationId;
    },
    async session(customer) {
      const res = await fetch(`${sandbox.url}/sandbox/customers/${customer}/session?openKfId=${openKfId}`);
      return (await res.json()) as { service_state: number; servicer_userid?: string };
    },
    snapshot(conversationId) {
      return client.workflow.getHandle(conversationId).query(snapshotQuery);
    },
    api: apiClient(apiUrl, async () => adminToken),
    as(user) {
      const spec = typeof user === 'string' ? { userId: user } : user;
      return {
        api: apiClient(apiUrl, () => {
          if (!tokens.has(spec.userId)) tokens.set(spec.userId, tokenFor(spec));
          return tokens.get(spec.userId)!;
        }),
      };
    },
  };
  if (options.worker !== false) await stack.startWorker();
  return stack;
}
