// An agent action handed to the conversation workflow as an update: accepted (its validator passed)
// or refused with the reason, then its result in time. The workflow's refusals become HTTP: the
// request is wrong (400) or cannot be done now (409), with the refusal's kind as `details.reason`.
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Response } from 'express';
import type { UpdateDefinition } from '@temporalio/common';
import { actionFailureTypes } from '../workflows/conversationContract';
import { HttpError } from './validate';

/**
 * An action the workflow accepted but has not finished by then (a take-over waiting for the agent
 * to be free) is answered 202: it goes on in the workflow, and no request hangs on it.
 */
export const ACTION_ANSWER_WITHIN_MS = 20_000;
const STILL_RUNNING = Symbol('still running');

async function withinTime<T>(work: Promise<T>, ms: number): Promise<T | typeof STILL_RUNNING> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof STILL_RUNNING>((resolve) => (timer = setTimeout(() => resolve(STILL_RUNNING), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A refused action's failure type → HTTP: the request is wrong (400) or cannot be done now (409). */
const BAD_REQUEST: string[] = [actionFailureTypes.invalidRequest, actionFailureTypes.unknownAgent];

/** The workflow's answer, or the HTTP error that says why it refused. */
export async function workflowAnswer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new HttpError(404, 'no such conversation');
    // A refused action says why and what kind of refusal it is (workflows/conversationContract.ts).
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause;
      const type = cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
      const message = (cause as Error | undefined)?.message ?? error.message;
      throw new HttpError(type && BAD_REQUEST.includes(type) ? 400 : 409, message, type ? { reason: type } : undefined);
    }
    throw error;
  }
}

/** Runs the update; answers its result, or 202 when the workflow is still carrying it out. */
export async function runAction<Ret, Req>(
  temporal: Client,
  conversationId: string,
  update: UpdateDefinition<Ret, [Req]>,
  request: Req,
  res: Response,
  answerWithinMs = ACTION_ANSWER_WITHIN_MS,
): Promise<Ret | { accepted: true; pending: string }> {
  const started = await workflowAnswer(() =>
    temporal.workflow.getHandle(conversationId).startUpdate(update, { args: [request], waitForStage: 'ACCEPTED' }),
  );
  const result = await withinTime(
    workflowAnswer(() => started.result()),
    answerWithinMs,
  );
  if (result !== STILL_RUNNING) return result;
  res.status(202);
  return { accepted: true, pending: 'the workflow accepted the action and is still carrying it out' };
}
