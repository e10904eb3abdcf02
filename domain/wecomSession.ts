// WeCom's own session state for one customer (WECOM.md "Session state"), as the conversation
// tracks it: who holds the session decides whether our API may speak and which moves WeCom allows.
// 0 new, 1 our API (the bot or console agents), 2 WeCom's pool, 3 a servicer, 4 ended.
export type WecomServiceState = 0 | 1 | 2 | 3 | 4;

export interface WecomSession {
  state: WecomServiceState;
  /** The servicer's userid in state 3. */
  servicer?: string;
}

/** send_msg is allowed only in states 0 and 1 (else 95018). */
export const apiMaySend = (session: WecomSession): boolean => session.state === 0 || session.state === 1;

const MOVES = new Set(['0>1', '0>2', '0>3', '1>2', '1>3', '2>3', '3>3', '3>4', '1>4', '2>4']);

/** The moves kf/service_state/trans accepts; nothing leaves 4 by API (WECOM.md). */
export const apiMayMove = (from: WecomServiceState, to: WecomServiceState): boolean => MOVES.has(`${from}>${to}`);

/** The session after what sync_msg reported (session_status_change, a servicer or customer writing). */
export function sessionAfter(
  session: WecomSession,
  happened:
    | { kind: 'customer_wrote' }
    | { kind: 'servicer_wrote'; servicer: string }
    | { kind: 'status_change'; changeType?: number; newServicer?: string },
): WecomSession {
  switch (happened.kind) {
    case 'customer_wrote':
      // An ended session starts again as new when the customer writes.
      return session.state === 4 ? { state: 0 } : session;
    case 'servicer_wrote':
      return { state: 3, servicer: happened.servicer };
    case 'status_change':
      // 1 taken from the pool, 2 transferred, 4 re-opened: a servicer holds it; 3 ended.
      if (happened.changeType === 3) return { state: 4 };
      if (happened.newServicer && [1, 2, 4].includes(happened.changeType ?? 0))
        return { state: 3, servicer: happened.newServicer };
      return session;
  }
}
