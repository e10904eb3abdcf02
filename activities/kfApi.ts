// The slice of the WeCom kf API the activities use, in WeCom's own field names. The real client
// (wecom/client.ts) satisfies it; keeping the slice here shows exactly what the workflows depend on.
import type { RawKfMessage } from './kfMessage';

export interface MenuItem {
  id: string;
  content: string;
}

export interface KfApi {
  syncMsg(req: { open_kfid: string; cursor?: string; token?: string; limit?: number }): Promise<{
    next_cursor?: string;
    has_more?: number;
    msg_list: RawKfMessage[];
  }>;
  sendText(req: { touser: string; open_kfid: string; msgid: string; content: string }): Promise<void>;
  sendMenu(req: {
    touser: string;
    open_kfid: string;
    msgid: string;
    head_content: string;
    items: MenuItem[];
    tail_content?: string;
  }): Promise<void>;
  sendOnEvent(req: {
    code: string;
    msgid: string;
    content?: string;
    menu?: { head_content: string; items: MenuItem[] };
  }): Promise<void>;
  getServiceState(req: {
    open_kfid: string;
    external_userid: string;
  }): Promise<{ service_state: number; servicer_userid?: string }>;
  transServiceState(req: {
    open_kfid: string;
    external_userid: string;
    service_state: number;
    servicer_userid?: string;
  }): Promise<{ msg_code?: string }>;
  /** The account's servicers; status 0 = receiving sessions, 1 = stopped (WECOM.md). */
  listServicers(openKfId: string): Promise<{ userid?: string; status?: number }[]>;
  batchGetCustomers(
    externalUserIds: string[],
    needEnterSessionContext?: boolean,
  ): Promise<
    {
      external_userid: string;
      nickname?: string;
      avatar?: string;
      gender?: number;
      unionid?: string;
      /** With needEnterSessionContext: the customer's last enter_session within 48 h. */
      enter_session_context?: { scene?: string; scene_param?: string };
    }[]
  >;
  /**
   * The names of the tags the corp's members gave this customer as an external contact
   * (externalcontact/get). Only where the corp lets the app read external contacts (else 48002).
   */
  externalContactTags(externalUserId: string): Promise<string[]>;
}

/** The WeCom errcode carried by an error from the client, if any. */
export function errcodeOf(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown } | undefined)?.errcode;
  return typeof code === 'number' ? code : undefined;
}
