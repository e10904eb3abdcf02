// Every activity of the conversation workflow: understanding, the one write path (deliver/record),
// the customer and their WeCom session, and what the first workflow version still calls.
import type { KfApi } from './kfApi';
import { createLegacyConversationActivities } from './legacyConversation';
import { createOutboundActivities, type OutboundDeps } from './outbound';
import { createSessionActivities } from './session';
import { createUnderstandingActivities, type UnderstandingDeps } from './understanding';

export interface ConversationDeps extends UnderstandingDeps {
  kf: KfApi;
  alert: OutboundDeps['alert'];
}

export function createConversationActivities(deps: ConversationDeps) {
  const outbound = createOutboundActivities(deps);
  return {
    ...createUnderstandingActivities(deps),
    ...outbound,
    ...createSessionActivities(deps),
    ...createLegacyConversationActivities(outbound),
  };
}

export type ConversationActivities = ReturnType<typeof createConversationActivities>;
