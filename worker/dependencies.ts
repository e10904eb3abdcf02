// What the activities need, built from the configuration: the WeCom client, the understanding
// engine over the knowledge base in MongoDB (seeded from KB_FILE, rebuilt when operators edit it),
// the optional LLM, the demo agents, and a Temporal client for the inbox's signal-with-start.
import type { Client } from '@temporalio/client';
import type { ActivityDeps } from '../activities';
import type { KfApi } from '../activities/kfApi';
import { BotEngine } from '../bot/engine';
import { loadKnowledgeBaseFile } from '../bot/kb';
import { knowledgeBaseStamp, loadKnowledgeBaseFromMongo, seedKnowledgeBase } from '../bot/kbStore';
import { LlmAssistant } from '../bot/llm';
import { refineWithLlm } from '../bot/llmRefine';
import { observeWecomCall } from '../activities/metrics';
import { seedAgents } from '../activities/routing';
import type { Config } from '../config/env';
import type { Logger } from '../config/logger';
import { WecomClient } from '../wecom/client';
import { ensureIdempotencyIndexes } from '../db/indexes';

const KB_RELOAD_MS = 30_000;

function unconfiguredKf(): KfApi {
  const fail = async (): Promise<never> => {
    throw new Error('WeCom is not configured: set WECOM_CORP_ID, WECOM_SECRET, WECOM_TOKEN and WECOM_ENCODING_AES_KEY');
  };
  return {
    syncMsg: fail,
    sendText: fail,
    sendMenu: fail,
    sendOnEvent: fail,
    getServiceState: fail,
    transServiceState: fail,
    listServicers: fail,
    batchGetCustomers: fail,
  };
}

export async function buildActivityDeps(
  config: Config,
  temporal: Client,
  log: Logger,
): Promise<{ deps: ActivityDeps; close(): void }> {
  const kf = config.wecom
    ? new WecomClient({
        baseUrl: config.WECOM_API_BASE,
        corpId: config.wecom.corpId,
        secret: config.wecom.secret,
        onCall: observeWecomCall,
      })
    : unconfiguredKf();
  if (!config.wecom) log.warn('no WeCom credentials: conversations cannot reach customers');

  const file = loadKnowledgeBaseFile(config.KB_FILE);
  const seeded = await seedKnowledgeBase(file);
  if (seeded > 0) log.info({ entries: seeded, file: config.KB_FILE }, 'knowledge base seeded into MongoDB');
  let engine = BotEngine.fromKnowledgeBase(await loadKnowledgeBaseFromMongo(file));
  let stamp = await knowledgeBaseStamp();
  log.info({ entries: engine.entryCount }, 'understanding engine ready');
  const reload = setInterval(() => {
    void (async () => {
      const next = await knowledgeBaseStamp();
      if (next === stamp) return;
      engine = BotEngine.fromKnowledgeBase(await loadKnowledgeBaseFromMongo(file));
      stamp = next;
      log.info({ entries: engine.entryCount }, 'knowledge base changed: engine rebuilt');
    })().catch((error: unknown) => log.warn({ error: (error as Error).message }, 'knowledge base reload failed'));
  }, KB_RELOAD_MS);
  reload.unref();

  // Appends and routing's atomic reservation rely on unique indexes: build them before any work.
  await ensureIdempotencyIndexes();
  const agents = await seedAgents(config.AGENTS_FILE);
  if (agents > 0) log.info({ agents, file: config.AGENTS_FILE }, 'agents seeded');

  const llm = config.llm
    ? new LlmAssistant({ baseURL: config.llm.baseURL, apiKey: config.llm.apiKey, model: config.llm.model })
    : undefined;
  return {
    deps: {
      kf,
      temporal,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      humanMode: config.HUMAN_MODE,
      settings: config.CONVERSATION_SETTINGS,
      understand: (text, recent) => engine.understand(text, recent),
      refine: llm
        ? (understood, text) =>
            refineWithLlm(understood, text, engine, llm, undefined, ({ entryId, claims }) =>
              log.warn({ entryId, claims }, 'LLM rewrite not grounded on its KB entry: the entry’s answer is sent'),
            )
        : undefined,
      summarize: llm ? ({ reason, transcript }) => llm.summarize(reason, transcript) : undefined,
      alertWebhookUrl: config.ALERT_WEBHOOK_URL,
    },
    close: () => clearInterval(reload),
  };
}
