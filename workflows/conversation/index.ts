// One customer session as a durable state machine (DESIGN.md §4): bot → confirming → queued →
// human → ticket → closed. Each phase is a module of its own (phases/); this loop runs them in turn,
// applies agents' actions between steps (actions.ts), continues as new when the history grows
// long, and after close waits for the survey. Side effects are activities; decisions are domain/.
import { allHandlersFinished, condition, continueAsNew } from '@temporalio/workflow';
import type { ConversationSnapshot } from '../conversationContract';
import { registerActions } from './actions';
import { Conversation } from './context';
import { registerSignals } from './inbound';
import type { ConversationInput } from './input';
import { fromLegacy } from './legacy';
import { open } from './open';
import { botPhase } from './phases/bot';
import { afterClose, closePhase } from './phases/close';
import { humanPhase } from './phases/human';
import { queuePhase } from './phases/queue';
import { ticketPhase } from './phases/ticket';

export type { ConversationInput } from './input';

const phases = {
  bot: botPhase,
  confirming: botPhase,
  queued: queuePhase,
  human: humanPhase,
  ticket: ticketPhase,
};

export async function conversation(input: ConversationInput): Promise<ConversationSnapshot> {
  const c = new Conversation(input, input.carried ?? fromLegacy(input));
  registerSignals(c);
  registerActions(c);
  if (!input.carried && !input.fromLegacy) await open(c, input);

  while (c.d.phase !== 'closed') {
    if (c.d.closing) {
      await closePhase(c);
      break;
    }
    await phases[c.d.phase](c);
    if (!c.d.closing && c.continueAsNewDue() && (await settle(c))) {
      await continueAsNew<typeof conversation>({
        ...input,
        settings: c.settings,
        carried: c.d,
        fromLegacy: undefined,
        customer: undefined,
      });
    }
  }
  await afterClose(c);
  await settle(c);
  return c.state.snapshot();
}

/**
 * Before the run ends: every accepted action applied (or refused, once closed) and its handler
 * finished, and the records written. An action accepted while waiting is applied too, so a handler
 * waiting for the loop can never deadlock the hand-over. false when an action decided to close:
 * the loop closes first (a resolve waits for that).
 */
async function settle(c: Conversation): Promise<boolean> {
  for (;;) {
    await c.applyActions(c);
    if (c.d.closing && c.d.phase !== 'closed') return false;
    await c.records.flush();
    await condition(() => allHandlersFinished() || c.actions.length > 0);
    if (c.actions.length === 0) return true;
  }
}
