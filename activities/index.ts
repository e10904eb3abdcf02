// Every activity the worker registers, built from the process's dependencies.
import type { Client } from '@temporalio/client';
import type { ConversationSettings } from '../domain/conversationSettings';
import type { ServiceLevels } from '../domain/serviceLevels';
import type { HumanMode } from '../workflows/conversationContract';
import { createAlertActivities } from './alerts';
import { createConversationActivities } from './conversation';
import { createEchoActivities } from './echo';
import { createFloorActivities } from './floor';
import { createInboxActivities } from './inbox';
import type { KfApi } from './kfApi';
import { createRoutingActivities } from './routing';
import { createTicketActivities } from './tickets';
import type { UnderstandingDeps } from './understanding';

export interface ActivityDeps extends UnderstandingDeps {
  kf: KfApi;
  temporal: Client;
  taskQueue: string;
  humanMode: HumanMode;
  settings: ConversationSettings;
  serviceLevels?: ServiceLevels;
  alertWebhookUrl?: string;
  /** The inbox's head start on a customer's text (activities/inbox.ts). */
  anticipate?(text: string): void;
}

export function createActivities(deps: ActivityDeps) {
  const alerts = createAlertActivities({ webhookUrl: deps.alertWebhookUrl });
  return {
    ...createEchoActivities(),
    ...createFloorActivities(deps),
    ...createInboxActivities(deps),
    ...createConversationActivities({ ...deps, alert: alerts.raiseAlert }),
    ...createRoutingActivities(deps),
    ...alerts,
    ...createTicketActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;
