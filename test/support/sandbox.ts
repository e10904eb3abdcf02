// A WeCom sandbox on a free port for one test file, with the development credentials.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sandboxDevCredentials as dev } from '../../wecom/sandbox/devCredentials';
import { createSandbox, type Sandbox } from '../../wecom/sandbox/server';

export const sandboxCredentials = {
  corpId: dev.corpId,
  secret: dev.secret,
  token: dev.token,
  encodingAesKey: dev.encodingAesKey,
};
export const OPEN_KFID = dev.openKfId;

export interface RunningSandbox extends Sandbox {
  url: string;
  close(): Promise<void>;
  /** POST to the control API and return the JSON answer. */
  control<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T>;
  inbox(
    externalUserId: string,
  ): Promise<
    { msgid: string; msgtype: string; content: string; via: string; menu?: { id: string; content: string }[] }[]
  >;
}

export async function startSandbox(
  callbackUrl = 'http://127.0.0.1:9/wecom/callback',
  openKfId: string = dev.openKfId,
  servicers: readonly string[] = dev.servicers,
): Promise<RunningSandbox> {
  const sandbox = createSandbox({
    ...sandboxCredentials,
    callbackUrl,
    openKfId,
    accountName: dev.accountName,
    servicers,
  });
  const server: Server = sandbox.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...sandbox,
    url,
    close: () => new Promise((resolve) => server.close(() => resolve())),
    async control<T>(path: string, body: unknown = {}) {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as T;
      if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    async inbox(externalUserId: string) {
      const res = await fetch(`${url}/sandbox/customers/${externalUserId}/inbox`);
      return ((await res.json()) as { messages: never[] }).messages;
    },
  };
}
