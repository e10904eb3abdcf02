// Every workflow the worker registers. Deterministic code only: see eslint.config.mjs.
export { conversationWorkflow } from './conversation';
export { echoWorkflow } from './echo';
export { floorEchoWorkflow, floorInboxWorkflow } from './floor';
export { kfInboxWorkflow } from './kfInbox';
