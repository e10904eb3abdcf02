// How a WeCom refusal is read. Refusals about this customer's session or message (state, 48 h,
// five replies, a servicer who stopped serving) are final for that message: the workflow records
// them and goes on. Errcodes that say our deployment is wrong (bad secret or corp id, an IP WeCom
// does not trust, an unknown kf account) or that we do not know are not the customer's fault: they
// raise an alert and fail the activity, which Temporal retries with backoff until someone fixes it,
// so the message waits instead of being dropped.
import { WecomErrcode } from '../wecom/errors';
import { errcodeOf } from './kfApi';

export const sessionRefusals = new Set<number>([
  WecomErrcode.overFiveMessages,
  WecomErrcode.over48Hours,
  WecomErrcode.tooManyMenuItems,
  WecomErrcode.sessionEnded,
  WecomErrcode.notServicer,
  WecomErrcode.transitionNotAllowed,
  WecomErrcode.stateForbidsSending,
  WecomErrcode.servicerStopped,
]);

/** send_msg with a msgid already used: the earlier attempt got through (WECOM.md). */
const DUPLICATE_MSGID_TEXT = /duplicate|msgid.{0,20}(exist|used|repeat)|重复/i;
export const isDuplicateSend = (error: unknown) =>
  errcodeOf(error) === WecomErrcode.duplicateMsgid ||
  DUPLICATE_MSGID_TEXT.test((error as { errmsg?: string }).errmsg ?? '');

export type WecomReading =
  { kind: 'refused'; errcode: number } | { kind: 'deployment'; errcode: number } | { kind: 'transient' };

/** What an error from the WeCom client means for the message it was about. */
export function readWecomError(error: unknown): WecomReading {
  const errcode = errcodeOf(error);
  if (errcode === undefined) return { kind: 'transient' };
  if (sessionRefusals.has(errcode)) return { kind: 'refused', errcode };
  // -1, 45009, 45033 and token codes are retried by the client; if they reach us they are still
  // transient. Everything else is a deployment problem or unknown: alert and wait.
  if ([-1, 45009, 45033, 40014, 42001, 41001].includes(errcode)) return { kind: 'transient' };
  return { kind: 'deployment', errcode };
}
