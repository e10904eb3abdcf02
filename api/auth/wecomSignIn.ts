// Signing in with WeCom (OAuth2): inside the WeCom client the page asks 网页授权 (snsapi_base, silent),
// in a desktop browser 扫码登录 (the member scans a QR code with WeCom). Either way WeCom sends the
// browser back with a one-time code, which /cgi-bin/auth/getuserinfo turns into the member's userid.
// The redirect_uri's domain must be the app's trusted domain (可信域名) in the WeCom admin console.

export interface WecomSignInConfig {
  corpId: string;
  agentId: string;
  oauthBase: string;
  ssoBase: string;
}

export function wecomAuthorizeUrl(
  config: WecomSignInConfig,
  redirectUri: string,
  state: string,
  inWecomClient: boolean,
): string {
  if (inWecomClient) {
    const query = new URLSearchParams({
      appid: config.corpId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'snsapi_base',
      state,
      agentid: config.agentId,
    });
    return `${config.oauthBase.replace(/\/$/, '')}/connect/oauth2/authorize?${query}#wechat_redirect`;
  }
  const query = new URLSearchParams({
    login_type: 'CorpApp',
    appid: config.corpId,
    agentid: config.agentId,
    redirect_uri: redirectUri,
    state,
  });
  return `${config.ssoBase.replace(/\/$/, '')}/wwlogin/sso/login?${query}`;
}

/** The WeCom client's browser says so in its user agent (wxwork). */
export const isWecomClient = (userAgent: string | undefined) => /wxwork/i.test(userAgent ?? '');
