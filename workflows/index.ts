// Every workflow the worker registers. Deterministic code only: see eslint.config.mjs.
export { conversation } from './conversation';
export { dispatcher } from './dispatcher';
export { echoWorkflow } from './echo';
export { floorEchoWorkflow, floorInboxWorkflow } from './floor';
export { kfInbox } from './kfInbox';
export { slotReaper } from './slotReaper';
// The first versions, kept while runs started on them finish or move over.
export { conversationWorkflow } from './legacy/conversationWorkflow';
export { kfInboxWorkflow } from './legacy/kfInboxWorkflow';
