// Configuration from the environment, validated once at start-up. Every process (launcher, api,
// worker, sandbox) reads it through loadConfig so a bad value fails the same way everywhere.
import path from 'node:path';
import { z } from 'zod';
import { conversationSettings } from '../domain/conversationSettings';

const REPO_ROOT = path.resolve(__dirname, '..');
export const DEFAULT_KB_FILE = path.join(REPO_ROOT, 'kb', 'demo-faq.json');
export const DEFAULT_AGENTS_FILE = path.join(REPO_ROOT, 'kb', 'demo-agents.json');
export const DEFAULT_WECOM_API_BASE = 'https://qyapi.weixin.qq.com';

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = z.preprocess(blankToUndefined, z.string().optional());
const port = (fallback: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).default(fallback));
const optionalCount = z.preprocess(blankToUndefined, z.coerce.number().int().min(1).optional());
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

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
  TEMPORAL_UI_URL: z.preprocess(blankToUndefined, httpUrl.default('http://127.0.0.1:8233')),
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

  OPENAI_BASE_URL: z.preprocess(blankToUndefined, httpUrl.optional()),
  OPENAI_API_KEY: optionalString,
  OPENAI_MODEL: optionalString,

  ALERT_WEBHOOK_URL: z.preprocess(blankToUndefined, httpUrl.optional()),

  /** JSON overriding the conversation timers and limits of domain/conversationSettings.ts. */
  CONVERSATION_SETTINGS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((text, ctx) => {
        try {
          return conversationSettings(text ? JSON.parse(text) : {});
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
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates the environment; throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? 'environment');
      const got = typeof source[key] === 'string' ? ` (got ${JSON.stringify(source[key])})` : '';
      return `${key} ${issue.message}${got}`;
    });
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
  return { ...env, wecom, llm };
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
