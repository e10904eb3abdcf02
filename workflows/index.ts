// Every workflow the worker registers. Deterministic code only: see eslint.config.mjs.
//
// Each export requires its workflow's module when a run starts, not when the bundle loads. The
// current workflows' modules are loaded once and shared by every run (worker/workflowBundle.ts);
// the frozen first versions' modules are evaluated per run, so only their own runs carry them
// (docs/PERFORMANCE.md, runs 6 and 10).
/* eslint-disable @typescript-eslint/no-require-imports -- the lazy requires above */
import type * as Conversation from './conversation';
import type * as Dispatcher from './dispatcher';
import type * as Echo from './echo';
import type * as Floor from './floor';
import type * as KfInbox from './kfInbox';
import type * as SlotReaper from './slotReaper';
import type * as LegacyConversation from './legacy/conversationWorkflow';
import type * as LegacyKfInbox from './legacy/kfInboxWorkflow';

/** A workflow function that requires its module (`load`) when a run calls it. */
function lazily<M, K extends keyof M>(load: () => M, name: K): M[K] {
  return ((...args: unknown[]) => (load()[name] as (...args: unknown[]) => unknown)(...args)) as M[K];
}

export const conversation = lazily(() => require('./conversation') as typeof Conversation, 'conversation');
export const dispatcher = lazily(() => require('./dispatcher') as typeof Dispatcher, 'dispatcher');
export const echoWorkflow = lazily(() => require('./echo') as typeof Echo, 'echoWorkflow');
export const floorEchoWorkflow = lazily(() => require('./floor') as typeof Floor, 'floorEchoWorkflow');
export const floorInboxWorkflow = lazily(() => require('./floor') as typeof Floor, 'floorInboxWorkflow');
export const kfInbox = lazily(() => require('./kfInbox') as typeof KfInbox, 'kfInbox');
export const slotReaper = lazily(() => require('./slotReaper') as typeof SlotReaper, 'slotReaper');
// The first versions, kept while runs started on them finish or move over.
export const conversationWorkflow = lazily(
  () => require('./legacy/conversationWorkflow') as typeof LegacyConversation,
  'conversationWorkflow',
);
export const kfInboxWorkflow = lazily(
  () => require('./legacy/kfInboxWorkflow') as typeof LegacyKfInbox,
  'kfInboxWorkflow',
);
