// Development credentials of the WeCom sandbox. The local stack passes them to the api, the worker
// and the sandbox when no real WECOM_* credentials are configured. Not secrets: never use them
// against the real WeCom.
export const sandboxDevCredentials = {
  corpId: 'wwsandbox00000001',
  secret: 'sandbox-kf-secret',
  token: 'SandboxCallbackToken2026',
  encodingAesKey: 'SandboxEncodingAesKey0000000000000000000001',
  openKfId: 'wkSandboxStore000001',
  /** The self-built app's AgentId, for signing in with WeCom. */
  agentId: '1000002',
  accountName: '智能家居旗舰店',
  servicers: ['zhangsan', 'lisi', 'wangwu', 'zhaoliu', 'supervisor01'],
} as const;
