// The express application: security headers and the Host check, who is calling, then every route
// from its definition (api/route.ts), whose schemas also make /api/openapi.json. Built from its
// dependencies so tests can run it in-process against real servers.
import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Logger } from '../config/logger';
import { loadServiceLevels } from '../config/serviceLevels';
import { payloadCodec } from '../temporal/connectionOptions';
import { WecomClient } from '../wecom/client';
import { authenticate } from './auth/authenticate';
import { isHttps, sessionCookieName } from './auth/cookies';
import { TEMPORAL_UI_PATH, temporalUiProxy } from './temporalUiProxy';
import { hostCheck } from './hostCheck';
import { kfInboxSink, type KfCallbackEvent } from './kfInboxSink';
import { countConversationsIn, measureRequests } from './metrics';
import { openApiDocument } from './openapi';
import { mountRoutes, type Route } from './route';
import { agentRoutes } from './routes/agents';
import { analyticsRoutes } from './routes/analytics';
import { feedbackRoutes } from './routes/feedback';
import { reviewRoutes } from './routes/review';
import { kbEngines } from './kbEngine';
import { apiTokenRoutes } from './routes/apiTokens';
import { authRoutes } from './routes/auth';
import { codecCors, codecRoutes } from './routes/codec';
import { consoleRoutes, consoleStatic } from './routes/console';
import { conversationRoutes } from './routes/conversations';
import { customerRoutes } from './routes/customers';
import { devEchoRoutes } from './routes/devEcho';
import { healthRoutes } from './routes/health';
import { knowledgeBaseRoutes } from './routes/knowledgeBase';
import { consultRoutes } from './routes/consults';
import { noteRoutes } from './routes/notes';
import { rapidSupportRoutes } from './routes/rapidSupport';
import { operationsRoutes } from './routes/operations';
import { quickReplyRoutes } from './routes/quickReplies';
import { searchRoutes } from './routes/search';
import { ticketRoutes } from './routes/tickets';
import { userRoutes } from './routes/users';
import { wecomCallbackRoutes } from './routes/wecomCallback';
import { workspaceRoutes } from './routes/workspace';
import { WorkspaceHub } from './workspace/hub';
import { securityHeaders } from './securityHeaders';
import { traceRequests } from './tracing';
import { errorHandler } from './validate';

export interface AppDeps {
  config: Config;
  temporal: Client;
  log: Logger;
  /** Where verified WeCom callbacks go; by default the kf inbox workflows. */
  wecomSink?: (event: KfCallbackEvent) => Promise<void>;
  /** How long an agent action may take before it is answered 202 (api/routes/conversations.ts). */
  actionAnswerWithinMs?: number;
  /** Tracing is on (tracing/setup.ts): each request gets its span. */
  traced?: boolean;
}

/** Requests to the api are small; the codec carries workflow payloads (up to Temporal's 2 MB each). */
const API_BODY_LIMIT = '64kb';
const CODEC_BODY_LIMIT = '8mb';
const KB_IMPORT_LIMIT = '4mb';
/** A customer import carries up to 2,000 rows (api/routes/customers.ts). */
const CUSTOMER_IMPORT_LIMIT = '1mb';

export function createApp({ config, temporal, log, wecomSink, actionAnswerWithinMs, traced }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind a TLS-terminating proxy, the client's address and scheme come from X-Forwarded-*.
  app.set('trust proxy', config.TRUST_PROXY_HOPS);
  if (traced) app.use(traceRequests);
  app.use(measureRequests);
  countConversationsIn(temporal, config.TEMPORAL_TASK_QUEUE);
  app.use(hostCheck(config.publicUrl, config.ALLOWED_HOSTS));
  app.use(securityHeaders({ frameAncestors: config.FRAME_ANCESTORS, https: isHttps(config.publicUrl) }));

  // The pages are static and public (what they show comes from the API): served before any look-up.
  app.use(consoleStatic());

  const temporalUiOrigin = new URL(config.TEMPORAL_UI_URL).origin;
  app.use('/api/codec', codecCors([temporalUiOrigin]), express.json({ limit: CODEC_BODY_LIMIT }));
  // A KB file is larger than any other request (the demo's is 15 kB; a real one a few hundred).
  app.use('/api/kb/import', express.json({ limit: KB_IMPORT_LIMIT }));
  app.use('/api/customers/import', express.json({ limit: CUSTOMER_IMPORT_LIMIT }));
  app.use('/api', express.json({ limit: API_BODY_LIMIT }));
  app.use(
    authenticate({
      publicUrl: config.publicUrl,
      adminApiToken: config.ADMIN_API_TOKEN,
      trustedOrigins: [temporalUiOrigin],
    }),
  );
  if (config.TEMPORAL_UI_UPSTREAM) {
    app.use(TEMPORAL_UI_PATH, temporalUiProxy(config.TEMPORAL_UI_UPSTREAM, sessionCookieName(config.publicUrl)));
  }

  const wecomSignIn =
    config.wecom && config.WECOM_AGENT_ID
      ? new WecomClient({ baseUrl: config.WECOM_API_BASE, corpId: config.wecom.corpId, secret: config.wecom.secret })
      : undefined;
  const engines = kbEngines(config);
  const hub = new WorkspaceHub({ temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, log });
  const serviceLevels = loadServiceLevels(config.SERVICE_LEVELS_FILE);
  app.locals.workspaceHub = hub; // api/main.ts ends the streams on shutdown
  const routes: Route[] = [
    ...healthRoutes(temporal, config.embeddings),
    ...(config.wecom
      ? wecomCallbackRoutes({
          credentials: config.wecom,
          sink: wecomSink ?? kfInboxSink(temporal, config.TEMPORAL_TASK_QUEUE),
          log,
        })
      : []),
    ...authRoutes({
      config,
      log,
      wecomUserIdForCode: wecomSignIn && ((code) => wecomSignIn.userIdForSignInCode(code)),
    }),
    ...consoleRoutes(config),
    // The development slice: never in production.
    ...(config.NODE_ENV === 'production' ? [] : devEchoRoutes(temporal, config.TEMPORAL_TASK_QUEUE)),
    ...conversationRoutes(temporal, actionAnswerWithinMs),
    ...workspaceRoutes(config, hub, serviceLevels),
    ...noteRoutes(temporal, hub),
    ...consultRoutes(temporal, hub, actionAnswerWithinMs),
    ...rapidSupportRoutes(),
    ...customerRoutes(temporal, hub, serviceLevels),
    ...searchRoutes(),
    ...quickReplyRoutes(),
    ...agentRoutes(temporal, config.TEMPORAL_TASK_QUEUE),
    ...ticketRoutes(temporal, hub),
    ...knowledgeBaseRoutes(engines),
    ...reviewRoutes(),
    ...feedbackRoutes(temporal),
    ...analyticsRoutes(config, temporal),
    ...userRoutes(),
    ...apiTokenRoutes(),
    ...codecRoutes(payloadCodec(config), log),
  ];
  let document: unknown;
  routes.push(
    ...operationsRoutes(
      config,
      () =>
        (document ??= openApiDocument(routes, {
          title: 'WeCom AI customer service',
          version: '1',
          serverUrl: config.publicUrl,
        })),
    ),
  );
  mountRoutes(app, routes);
  app.use('/api', (_req, res) => void res.status(404).json({ error: 'no such route' }));
  app.use(errorHandler(log));
  return app;
}
