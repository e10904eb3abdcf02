// Every non-zero WeCom errcode becomes a WecomApiError carrying errcode and errmsg, so callers
// decide by code (WECOM.md "Error codes the adapter must know").
export class WecomApiError extends Error {
  override name = 'WecomApiError';
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly path: string,
  ) {
    super(`WeCom ${path} failed: errcode ${errcode} ${errmsg}`);
  }
}

export const WecomErrcode = {
  busy: -1,
  invalidSecret: 40001,
  invalidCorpId: 40013,
  invalidToken: 40014,
  invalidSecret2: 40091,
  invalidOAuthCode: 40029,
  missingToken: 41001,
  tokenExpired: 42001,
  rateLimited: 45009,
  tooConcurrent: 45033,
  /** The app may not call this API (externalcontact/get without the 客户联系 permission). */
  apiForbidden: 48002,
  ipNotTrusted: 60020,
  /** externalcontact/get: nobody in the corp has this customer as an external contact. */
  notExternalContact: 84061,
  badOpenKfId: 95000,
  overFiveMessages: 95001,
  over48Hours: 95002,
  openKfIdNotFound: 95004,
  badSyncToken: 95007,
  tooManyMenuItems: 95008,
  sessionEnded: 95013,
  notServicer: 95014,
  transitionNotAllowed: 95016,
  stateForbidsSending: 95018,
  servicerStopped: 95019,
  duplicateMsgid: 95999,
} as const;
