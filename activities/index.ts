// Every activity the worker registers, built from the process's dependencies.
import type { Client } from '@temporalio/client';
import type { TranscriptEntry } from '../workflows/conversationContract';
import type { ConversationSettings } from '../domain/conversationSettings';
import type { Understanding } from '../domain/understanding';
import type { HumanMode } from '../workflows/conversationContract';
import { createAlertActivities } from './alerts';
import { createConversationActivities } from './conversation';
import { createEchoActivities } from './echo';
import { createFloorActivities } from './floor';
import { createInboxActivities } from './inbox';
import type { KfApi } from './kfApi';
import { createRoutingActivities } from './routing';
import { createTicketActivities } from './tickets';

export interface ActivityDeps {
  kf: KfApi;
  temporal: Client;
  taskQueue: string;
  humanMode: HumanMode;
  settings: ConversationSettings;
  understand(text: string, recentCustomerTurns: string[]): Understanding | Promise<Understanding>;
  summarize?(input: { reason: string; transcript: TranscriptEntry[] }): Promise<string | undefined>;
  alertWebhookUrl?: string;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createEchoActivities(),
    ...createFloorActivities(deps),
    ...createInboxActivities(deps),
    ...createConversationActivities(deps),
    ...createRoutingActivities(),
    ...createAlertActivities({ webhookUrl: deps.alertWebhookUrl }),
    ...createTicketActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;
