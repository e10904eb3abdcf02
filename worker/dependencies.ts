// What the activities need, built from the configuration: the WeCom client, the understanding
// over the knowledge base in MongoDB (seeded from KB_FILE, rebuilt when operators edit it; hybrid
// with the embedding server, lexical without it), the optional LLM, the demo agents, and a Temporal
// client for the inbox's signal-with-start.
import type { Client } from '@temporalio/client';
import { loadServiceLevels } from '../config/serviceLevels';
import type { ActivityDeps } from '../activities';
import type { KfApi } from '../activities/kfApi';
import { loadKnowledgeBaseFile } from '../bot/kb';
import { knowledgeBaseStamp, loadKnowledgeBaseFromMongo, seedKnowledgeBase } from '../bot/kbStore';
import { LlmAssistant } from '../bot/llm';
import { refineWithLlm } from '../bot/llmRefine';
import { embeddingsFrom } from '../bot/semantic/embeddings';
import { Understander } from '../bot/understander';
import { observeWecomCall } from '../activities/metrics';
import { seedAgents } from '../activities/routing';
import type { Config } from '../config/env';
import type { Logger } from '../config/logger';
import { WecomClient } from '../wecom/client';
import { ensureIdempotencyIndexes } from '../db/indexes';

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
    externalContactTags: fail,
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
  const embeddings = embeddingsFrom(config.embeddings);
  // The entries' questions and skills, for the handoff card's readable intents.
  let readable = new Map<string, { question: string; skill: string }>();
  const build = async (why: string) => {
    const kb = await loadKnowledgeBaseFromMongo(file);
    const understander = await Understander.create(kb, embeddings);
    readable = new Map(kb.entries.map((entry) => [entry.id, { question: entry.question, skill: entry.skill }]));
    const retrieval = understander.engine.semantics ? 'hybrid' : 'lexical';
    if (understander.semanticError) {
      log.warn(
        { error: understander.semanticError },
        'embedding the knowledge base failed: lexical retrieval until it works',
      );
    }
    log.info({ entries: understander.engine.entryCount, retrieval }, why);
    return understander;
  };
  let understander = await build('understanding engine ready');
  let stamp = await knowledgeBaseStamp();
  // The KB's vectors are computed when the KB changes (only new or edited texts, see VectorCache),
  // and again while an embedding server that was down at start-up has not answered yet.
  const reload = setInterval(() => {
    void (async () => {
      const next = await knowledgeBaseStamp();
      if (next === stamp && !understander.wantsSemantics) return;
      understander = await build(
        next === stamp ? 'embedding server back: engine rebuilt' : 'knowledge base changed: engine rebuilt',
      );
      stamp = next;
    })().catch((error: unknown) => log.warn({ error: (error as Error).message }, 'knowledge base reload failed'));
  }, config.KB_RELOAD_SECONDS * 1000);
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
      serviceLevels: loadServiceLevels(config.SERVICE_LEVELS_FILE),
      understand: (text, recent) => understander.understand(text, recent),
      anticipate: (text) => understander.anticipate(text),
      refine: llm
        ? (understood, text) =>
            refineWithLlm(understood, text, understander.engine, llm, undefined, ({ entryId, claims }) =>
              log.warn({ entryId, claims }, 'LLM rewrite not grounded on its KB entry: the entry’s answer is sent'),
            )
        : undefined,
      summarize: llm ? ({ reason, transcript }) => llm.summarize(reason, transcript) : undefined,
      describeEntries: (entryIds) => ({
        entries: Object.fromEntries(entryIds.flatMap((id) => (readable.has(id) ? [[id, readable.get(id)!]] : []))),
        skills: file.skills,
      }),
      alertWebhookUrl: config.ALERT_WEBHOOK_URL,
    },
    close: () => clearInterval(reload),
  };
}
