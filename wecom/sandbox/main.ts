// Runs the WeCom sandbox as its own process (started by `npm start` when no WeCom credentials are
// configured). Configuration from the environment; prints one "listening" line when ready.
import { z } from 'zod';
import { sandboxDevCredentials as dev } from './devCredentials';
import { createSandbox } from './server';

const env = z
  .object({
    SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
    WECOM_CORP_ID: z.string().default(dev.corpId),
    WECOM_SECRET: z.string().default(dev.secret),
    WECOM_TOKEN: z.string().default(dev.token),
    WECOM_ENCODING_AES_KEY: z.string().length(43).default(dev.encodingAesKey),
    SANDBOX_CALLBACK_URL: z.url().default('http://127.0.0.1:3000/wecom/callback'),
    SANDBOX_OPEN_KFID: z.string().default(dev.openKfId),
  })
  .safeParse(process.env);
if (!env.success) {
  const issue = env.error.issues[0]!;
  process.stderr.write(`Configuration error: ${String(issue.path[0])} ${issue.message}\n`);
  process.exit(1);
}
const config = env.data;

const sandbox = createSandbox({
  corpId: config.WECOM_CORP_ID,
  secret: config.WECOM_SECRET,
  token: config.WECOM_TOKEN,
  encodingAesKey: config.WECOM_ENCODING_AES_KEY,
  callbackUrl: config.SANDBOX_CALLBACK_URL,
  openKfId: config.SANDBOX_OPEN_KFID,
  accountName: dev.accountName,
  servicers: dev.servicers,
});
const server = sandbox.app.listen(config.SANDBOX_PORT, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`sandbox listening on http://127.0.0.1:${port}\n`);
});
server.on('error', (error) => {
  process.stderr.write(`sandbox cannot listen on SANDBOX_PORT ${config.SANDBOX_PORT}: ${error.message}\n`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
