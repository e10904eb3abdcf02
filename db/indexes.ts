// The unique indexes that make appends idempotent (a msgid, an event id, an agent's slot) must exist
// before the first write relies on them: mongoose builds indexes in the background, so the worker
// waits for these at start-up instead.
import { AgentSlotModel } from './models/agentSlot';
import { EventModel } from './models/event';
import { MessageModel } from './models/message';

export async function ensureIdempotencyIndexes(): Promise<void> {
  await Promise.all([MessageModel.init(), EventModel.init(), AgentSlotModel.init()]);
}
