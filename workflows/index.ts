// Every workflow the worker registers. Deterministic code only: see eslint.config.mjs.
//
// Each export requires its workflow's module when a run starts, not when the bundle loads: the
// workflow sandbox evaluates the modules a run requires once per run (every cached run has module
// instances of its own), so a conversation does not also carry the dispatcher's, the inbox's or
// the frozen first version's modules in memory, nor they the conversation's (docs/PERFORMANCE.md).
/* eslint-disable @typescript-eslint/no-require-imports -- the lazy requires above */
import type * as Conversation from './conversation';
import type * as Dispatcher from './dispatcher';
import type * as Echo from './echo';
import type * as Floor from './floor';
import type * as KfInbox from './kfInbox';
import type * as SlotReaper from './slotReaper';
import type * as LegacyConversation from './legacy/conversationWorkflow';
import type * as LegacyKfInbox from './legacy/kfInboxWorkflow';

export const conversation: typeof Conversation.conversation = (...args) =>
  (require('./conversation') as typeof Conversation).conversation(...args);
export const dispatcher: typeof Dispatcher.dispatcher = (...args) =>
  (require('./dispatcher') as typeof Dispatcher).dispatcher(...args);
export const echoWorkflow: typeof Echo.echoWorkflow = (...args) =>
  (require('./echo') as typeof Echo).echoWorkflow(...args);
export const floorEchoWorkflow: typeof Floor.floorEchoWorkflow = (...args) =>
  (require('./floor') as typeof Floor).floorEchoWorkflow(...args);
export const floorInboxWorkflow: typeof Floor.floorInboxWorkflow = (...args) =>
  (require('./floor') as typeof Floor).floorInboxWorkflow(...args);
export const kfInbox: typeof KfInbox.kfInbox = (...args) => (require('./kfInbox') as typeof KfInbox).kfInbox(...args);
export const slotReaper: typeof SlotReaper.slotReaper = (...args) =>
  (require('./slotReaper') as typeof SlotReaper).slotReaper(...args);
// The first versions, kept while runs started on them finish or move over.
export const conversationWorkflow: typeof LegacyConversation.conversationWorkflow = (...args) =>
  (require('./legacy/conversationWorkflow') as typeof LegacyConversation).conversationWorkflow(...args);
export const kfInboxWorkflow: typeof LegacyKfInbox.kfInboxWorkflow = (...args) =>
  (require('./legacy/kfInboxWorkflow') as typeof LegacyKfInbox).kfInboxWorkflow(...args);
