// Turns a kf/sync_msg item into the conversation's InboundMessage, tolerant of message types and
// events it does not know (WeCom adds them): those become 'media' or a generic event. Text is cut
// to a bounded length here, at the edge, so a 100 kB message is still understood and answered
// (from its beginning) while the workflow's history, the transcript and the LLM see a bounded text.
import type { InboundMessage } from '../workflows/conversationContract';

/** The fields of a sync_msg item we read (WECOM.md "kf/sync_msg"); everything optional but msgid. */
export interface RawKfMessage {
  msgid: string;
  open_kfid?: string;
  external_userid?: string;
  send_time?: number;
  origin?: number;
  servicer_userid?: string;
  msgtype?: string;
  text?: { content?: string; menu_id?: string };
  event?: {
    event_type?: string;
    open_kfid?: string;
    external_userid?: string;
    scene?: string;
    scene_param?: string;
    welcome_code?: string;
    fail_msgid?: string;
    fail_type?: number;
    change_type?: number;
    old_servicer_userid?: string;
    new_servicer_userid?: string;
    msg_code?: string;
    servicer_userid?: string;
  };
  [payload: string]: unknown;
}

export interface CustomerInbound {
  externalUserId: string;
  message: InboundMessage;
}

const ORIGIN = { 3: 'customer', 4: 'event', 5: 'servicer' } as const;

/** Longer customer texts are cut to this many characters (a question fits many times over). */
export const MAX_INBOUND_TEXT_CHARS = 2000;
const MAX_DETAIL_CHARS = 200;

/** The first `max` characters (whole code points, never half a surrogate pair), marked when cut. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1; // a high surrogate would lose its pair
  return `${text.slice(0, end)}…`;
}

/** undefined for items that belong to no customer (e.g. servicer_status_change). */
export function normalizeKfMessage(raw: RawKfMessage): CustomerInbound | undefined {
  // Events carry the customer inside `event`; tolerate an empty top-level field as well.
  const externalUserId = raw.external_userid || raw.event?.external_userid;
  if (!externalUserId) return undefined;
  const origin = ORIGIN[(raw.origin ?? 3) as keyof typeof ORIGIN] ?? (raw.msgtype === 'event' ? 'event' : 'customer');
  const base = { msgid: raw.msgid, sendTime: raw.send_time ?? 0, servicerUserId: raw.servicer_userid };
  if (raw.msgtype === 'event' || origin === 'event') {
    const ev = raw.event ?? {};
    return {
      externalUserId,
      message: {
        ...base,
        origin: 'event',
        kind: 'event',
        event: {
          type: ev.event_type ?? 'unknown',
          changeType: ev.change_type,
          oldServicerUserId: ev.old_servicer_userid,
          newServicerUserId: ev.new_servicer_userid,
          msgCode: ev.msg_code,
          welcomeCode: ev.welcome_code,
          scene: ev.scene,
          sceneParam: ev.scene_param,
          failMsgid: ev.fail_msgid,
          failType: ev.fail_type,
        },
      },
    };
  }
  if (raw.msgtype === 'text') {
    const menuId = raw.text?.menu_id || undefined;
    return {
      externalUserId,
      message: {
        ...base,
        origin,
        kind: menuId ? 'menu_click' : 'text',
        text: cutText(raw.text?.content ?? '', MAX_INBOUND_TEXT_CHARS),
        menuId: menuId && cutText(menuId, MAX_DETAIL_CHARS),
      },
    };
  }
  // image, voice, video, file, location, link, business_card, miniprogram, and types added later
  return { externalUserId, message: { ...base, origin, kind: 'media', text: describeMedia(raw) } };
}

function describeMedia(raw: RawKfMessage): string {
  const payload = raw[raw.msgtype ?? ''] as Record<string, unknown> | undefined;
  const detail = payload && (payload.title ?? payload.name ?? payload.address);
  return `[${cutText(raw.msgtype ?? 'unknown', 40)}${typeof detail === 'string' ? `: ${cutText(detail, MAX_DETAIL_CHARS)}` : ''}]`;
}
