// Agent actions: reply, take over, transfer, ticket, back to the bot, resolve. Each is a workflow
// update. Its validator refuses at once what cannot be done now, with a typed failure the api maps
// to HTTP; its handler only records the intent and waits; the loop applies intents one at a time
// at its waits (Conversation.wait), so an action never lands in the middle of a bot turn or of
// another action, and one that can no longer be done when its turn comes fails with the reason.
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import type { Actor } from '../../domain/conversationEvents';
import { initialMemory } from '../../domain/policy';
import { replies } from '../../domain/replies';
import { ticketDueAt } from '../../domain/sla';
import { apiMaySend } from '../../domain/wecomSession';
import { utf8Length, WECOM_TEXT_MAX_BYTES } from '../../domain/wecomText';
import {
  actionFailureTypes as failure,
  agentReplyUpdate,
  createTicketUpdate,
  resolveUpdate,
  returnToBotUpdate,
  takeOverUpdate,
  transferUpdate,
  TICKET_DUE_MAX_MS,
  type ActionBase,
  type ActionFailureType,
} from '../conversationContract';
import { routing, tickets, wecom } from './activities';
import { assign, releaseAgent, requeue } from './assignment';
import type { Conversation } from './context';
import { firstResponseEvent } from './facts';
import { writeHandoffCard } from './handoff';
import { currentTrace, inTrace } from '../traces';

const refuse = (type: ActionFailureType, message: string) =>
  ApplicationFailure.create({ type, message, nonRetryable: true });

const isSupervisor = (actor?: Actor) => actor?.role === 'supervisor' || actor?.role === 'admin';

/** At most this many actions wait for the loop; more are refused as busy (Temporal allows 10 in flight). */
const MAX_PENDING = 5;

/** Records the action and waits for the loop to apply it; its result or its refusal. */
async function enqueue<T>(c: Conversation, apply: (c: Conversation) => Promise<T>): Promise<T> {
  let outcome: { value: T } | { error: unknown } | undefined;
  // Applied in the agent's request's trace: its reply reaches WeCom in the trace of the request.
  const trace = currentTrace();
  c.actions.push({
    apply: (conversation) =>
      inTrace(trace, async () => {
        try {
          outcome = { value: await apply(conversation) };
        } catch (error) {
          outcome = { error };
        }
      }),
  });
  await condition(() => outcome !== undefined);
  if ('error' in outcome!) throw outcome.error;
  return outcome!.value;
}

/** The loop's half: applies every recorded action in order (new ones may arrive meanwhile). */
export async function applyActions(c: Conversation): Promise<void> {
  for (let action = c.actions.shift(); action; action = c.actions.shift()) await action.apply(c);
}

// ---------------------------------------------------------------- checks shared by validator and apply

function checkOpen(c: Conversation): void {
  if (c.state.closingOrClosed) throw refuse(failure.closing, 'the conversation is closing');
}

/** The conversation is with this agent, or a supervisor acts on it. */
function checkHolder(c: Conversation, req: ActionBase): void {
  checkOpen(c);
  const d = c.d;
  if (d.phase !== 'human') throw refuse(failure.wrongState, `the conversation is ${d.phase}, not with an agent`);
  if (d.agent?.agentId !== req.agentId && !isSupervisor(req.actor))
    throw refuse(failure.notYours, `the conversation is with ${d.agent?.agentId ?? 'nobody'}, not with ${req.agentId}`);
}

function checkAgentId(agentId: unknown): void {
  if (typeof agentId !== 'string' || !agentId.trim()) throw refuse(failure.invalidRequest, 'agentId is required');
}

function refusalOf(reason: string, agentId: string): ApplicationFailure {
  if (reason === 'unknown_agent') return refuse(failure.unknownAgent, `there is no agent ${agentId}`);
  const why = {
    offline: 'is offline',
    away: 'is away',
    full: 'has no free capacity',
    not_servicer: 'is not serving this WeCom account now',
  }[reason];
  return refuse(failure.agentUnavailable, `agent ${agentId} ${why ?? 'cannot take it now'}`);
}

function checkPending(c: Conversation): void {
  if (c.actions.length >= MAX_PENDING) throw refuse(failure.busy, 'too many actions in progress; try again');
}

// ---------------------------------------------------------------- the actions

export function registerActions(c: Conversation): void {
  c.applyActions = applyActions;
  const { humanMode } = c.state.id;
  const servicerUserIds = async () =>
    humanMode === 'wecom' ? await wecom.listServingServicers({ openKfId: c.state.id.openKfId }) : undefined;

  setHandler(
    agentReplyUpdate,
    (req) =>
      enqueue(c, async () => {
        checkHolder(c, req);
        const d = c.d;
        const [said] = await c.out.say({ text: req.text.trim(), from: 'agent', agentId: req.agentId });
        const msgid = said === 'sent' ? d.transcript.at(-1)?.msgid : undefined;
        if (d.human) {
          if (d.human.agentRepliedAt === undefined) {
            d.human.agentRepliedAt = c.now();
            c.records.add(firstResponseEvent(c, req.agentId, d.human.assignedAt));
          }
          d.human.lastActivityAt = c.now();
          d.human.nudgedAt = undefined;
        }
        return { msgid: msgid ?? '', sent: msgid !== undefined };
      }),
    {
      validator: (req) => {
        checkAgentId(req.agentId);
        checkPending(c);
        checkHolder(c, req);
        if (humanMode === 'wecom') throw refuse(failure.wrongState, 'in wecom mode agents reply from the WeCom client');
        if (!req.text?.trim()) throw refuse(failure.invalidRequest, 'text is empty');
        if (utf8Length(req.text) > WECOM_TEXT_MAX_BYTES)
          throw refuse(failure.invalidRequest, `text is over ${WECOM_TEXT_MAX_BYTES} bytes (WeCom limit)`);
      },
    },
  );

  setHandler(
    takeOverUpdate,
    async (req) => {
      await enqueue(c, async () => {
        checkOpen(c);
        const d = c.d;
        const from = d.agent?.agentId;
        // Routing may have given it to this very agent meanwhile: then it is theirs, as asked.
        if (d.phase === 'human' && from === req.agentId) return;
        if (d.phase === 'human' && !isSupervisor(req.actor))
          throw refuse(failure.notYours, `the conversation is with ${from}`);
        if (d.phase === 'ticket') throw refuse(failure.wrongState, 'the conversation is a ticket now');
        const reserved = await routing.reserveAgent({
          conversationId: c.state.id.conversationId,
          agentId: req.agentId,
          servicerUserIds: await servicerUserIds(),
          overCapacity: isSupervisor(req.actor) && req.actor?.userId === req.agentId,
        });
        if ('refused' in reserved) throw refusalOf(reserved.refused, req.agentId);
        if (c.state.inBot) await writeHandoffCard(c, 'agent_requested', c.policy.priority.default + 1);
        if (from) c.records.add({ type: 'taken_over', from, to: req.agentId, by: req.actor, reason: req.reason });
        c.d.agent = undefined; // the previous holder's slot went with the reservation
        if (!(await assign(c, reserved.agent, { by: req.actor, reason: req.reason }))) {
          throw refusalOf('not_servicer', req.agentId);
        }
      });
      return c.state.snapshot();
    },
    {
      validator: (req) => {
        checkAgentId(req.agentId);
        checkPending(c);
        checkOpen(c);
        const d = c.d;
        if (d.phase === 'ticket') throw refuse(failure.wrongState, 'cannot take over a ticket conversation');
        if (d.phase === 'human' && d.agent?.agentId !== req.agentId && !isSupervisor(req.actor))
          throw refuse(
            failure.notYours,
            `the conversation is with ${d.agent?.agentId}; only a supervisor can take it over`,
          );
      },
    },
  );

  setHandler(
    transferUpdate,
    async (req) => {
      await enqueue(c, async () => {
        checkHolder(c, req);
        const d = c.d;
        const from = d.agent!;
        if (req.toAgentId) {
          const reserved = await routing.reserveAgent({
            conversationId: c.state.id.conversationId,
            agentId: req.toAgentId,
            servicerUserIds: await servicerUserIds(),
          });
          if ('refused' in reserved) {
            // The conversation stays with its agent (their slot went with the attempt).
            await routing.reserveAgent({
              conversationId: c.state.id.conversationId,
              agentId: from.agentId,
              overCapacity: true,
            });
            throw refusalOf(reserved.refused, req.toAgentId);
          }
          c.records.add({
            type: 'transfer',
            from: from.agentId,
            toAgentId: req.toAgentId,
            by: req.actor,
            reason: req.reason,
          });
          d.agent = undefined;
          if (!(await assign(c, reserved.agent, { by: req.actor, reason: req.reason }))) {
            await routing.reserveAgent({
              conversationId: c.state.id.conversationId,
              agentId: from.agentId,
              overCapacity: true,
            });
            d.agent = from;
            throw refusalOf('not_servicer', req.toAgentId);
          }
          return;
        }
        c.records.add({
          type: 'transfer',
          from: from.agentId,
          toSkill: req.toSkill,
          by: req.actor,
          reason: req.reason,
        });
        d.skill = req.toSkill;
        if (!d.excludedAgents.includes(from.agentId)) d.excludedAgents.push(from.agentId);
        await requeue(c, 'transfer', req.actor);
      });
      return c.state.snapshot();
    },
    {
      validator: (req) => {
        checkAgentId(req.agentId);
        checkPending(c);
        checkHolder(c, req);
        if (!req.toAgentId && !req.toSkill) throw refuse(failure.invalidRequest, 'give toAgentId or toSkill');
        if (req.toAgentId && req.toAgentId === c.d.agent?.agentId)
          throw refuse(failure.invalidRequest, 'the conversation is already with that agent');
      },
    },
  );

  setHandler(
    createTicketUpdate,
    (req) =>
      enqueue(c, async () => {
        checkHolder(c, req);
        const d = c.d;
        const { conversationId, openKfId, externalUserId } = c.state.id;
        const priority = req.priority ?? 'normal';
        const dueAt = req.dueAt ?? ticketDueAt(c.now(), priority, c.sla);
        const { ticketNo } = await tickets.createTicket({
          ticketId: `${conversationId}:${d.eventSeq + 1}`,
          conversationId,
          openKfId,
          externalUserId,
          title: req.title,
          description: req.description,
          priority,
          assignee: req.agentId,
          dueAt: new Date(dueAt).toISOString(),
        });
        d.ticket = { ticketNo, priority, dueAt, untold: [] };
        c.state.facts.ticketCreatedAt = c.now();
        c.records.add({ type: 'ticket_created', ticketNo, priority, agentId: req.agentId, by: req.actor });
        await releaseAgent(c);
        c.state.transition('ticket');
        await tellTicketCreated(c, ticketNo);
        return { ticketNo };
      }),
    {
      validator: (req) => {
        checkAgentId(req.agentId);
        checkPending(c);
        checkHolder(c, req);
        if (!req.title?.trim()) throw refuse(failure.invalidRequest, 'title is empty');
        if (req.priority && !['low', 'normal', 'high', 'urgent'].includes(req.priority))
          throw refuse(failure.invalidRequest, `unknown priority ${req.priority}`);
        if (req.dueAt !== undefined) {
          if (!Number.isFinite(req.dueAt) || req.dueAt <= c.now())
            throw refuse(failure.invalidRequest, 'the due time has passed');
          if (req.dueAt > c.now() + TICKET_DUE_MAX_MS)
            throw refuse(
              failure.invalidRequest,
              `the due time is more than ${TICKET_DUE_MAX_MS / 86_400_000} days ahead`,
            );
        }
      },
    },
  );

  setHandler(
    returnToBotUpdate,
    async (req) => {
      await enqueue(c, async () => {
        checkHolder(c, req);
        c.records.add({ type: 'returned_to_bot', agentId: c.d.agent!.agentId, by: req.actor });
        await releaseAgent(c);
        c.d.memory = initialMemory();
        c.state.transition('bot');
        c.d.botSince = c.now();
        await c.out.say({ text: replies.backToBot, from: 'system' });
      });
      return c.state.snapshot();
    },
    {
      validator: (req) => {
        checkAgentId(req.agentId);
        checkPending(c);
        checkHolder(c, req);
        // WeCom has no way back from a servicer (3) to the API (1): the servicer ends the session.
        if (humanMode === 'wecom')
          throw refuse(failure.wrongState, 'in wecom mode a servicer cannot return the session to the bot');
      },
    },
  );

  setHandler(
    resolveUpdate,
    async (req) => {
      await enqueue(c, async () => {
        if (c.d.phase !== 'ticket') checkHolder(c, req);
        else checkOpen(c);
        c.records.add({ type: 'resolved', by: req.agentId, actor: req.actor });
        c.d.closing = 'resolved_by_agent';
      });
      await condition(() => c.d.phase === 'closed');
      return c.state.snapshot();
    },
    {
      validator: (req) => {
        checkAgentId(req.agentId);
        checkPending(c);
        if (c.d.phase === 'ticket') checkOpen(c);
        else checkHolder(c, req);
      },
    },
  );
}

/**
 * Tells the customer about the new ticket. While a servicer holds the WeCom session (wecom mode) our
 * API may not send, so the session is ended and its end code carries the notice; the customer's next
 * message reopens it and reaches this conversation.
 */
async function tellTicketCreated(c: Conversation, ticketNo: string): Promise<void> {
  const d = c.d;
  if (apiMaySend(d.wecom)) {
    await c.out.say({ text: replies.ticketCreated(ticketNo), from: 'system' });
    return;
  }
  const { openKfId, externalUserId } = c.state.id;
  const ended = await wecom.setServiceState({ openKfId, externalUserId, state: 4 });
  if (!ended.ok) {
    c.records.add({ type: 'end_session_failed', errcode: ended.errcode });
    return;
  }
  d.wecom = { state: 4 };
  if (ended.msgCode) await c.out.say({ code: ended.msgCode, text: replies.ticketCreatedEnded(ticketNo) });
}
