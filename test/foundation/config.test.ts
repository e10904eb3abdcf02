// Configuration is validated at start-up with one-line errors that name the variable.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_KB_FILE, loadConfig } from '../../config/env';
import { configuredSecrets } from '../../config/secrets';

const ROOT = path.resolve(__dirname, '..', '..');
const validWecom = {
  WECOM_CORP_ID: 'ww1436e0e65a779aee',
  WECOM_SECRET: 'secret',
  WECOM_TOKEN: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo',
  WECOM_ENCODING_AES_KEY: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt',
};

function configError(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('expected a configuration error');
}

describe('configuration', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadConfig({});
    assert.equal(config.PORT, 3000);
    assert.equal(config.TEMPORAL_ADDRESS, '127.0.0.1:7233');
    assert.equal(config.TEMPORAL_NAMESPACE, 'default');
    assert.equal(config.HUMAN_MODE, 'console');
    assert.equal(config.KB_FILE, DEFAULT_KB_FILE);
    assert.equal(config.WECOM_API_BASE, 'https://qyapi.weixin.qq.com');
    assert.equal(config.wecom, undefined);
    assert.equal(config.llm, undefined);
    assert.equal(config.OTEL_EXPORTER_OTLP_ENDPOINT, undefined, 'no traces unless asked for');
    assert.equal(config.TEMPORAL_GRPC_COMPRESSION, 'none', 'the worker does not gzip its gRPC to Temporal');
    assert.equal(loadConfig({ TEMPORAL_GRPC_COMPRESSION: 'gzip' }).TEMPORAL_GRPC_COMPRESSION, 'gzip');
    assert.equal(config.WORKFLOW_CALL_WATCHDOG, 'off', "no SDK watchdog thread per call (the preload's watch instead)");
    assert.equal(config.WORKFLOW_STACK_TRACES, 'off');
  });

  it('treats blank values as unset (docker-compose passes empty strings)', () => {
    const config = loadConfig({ WECOM_CORP_ID: '', OPENAI_MODEL: '  ', PORT: '' });
    assert.equal(config.wecom, undefined);
    assert.equal(config.llm, undefined);
    assert.equal(config.PORT, 3000);
  });

  it('groups the WeCom credentials and the LLM settings', () => {
    const config = loadConfig({ ...validWecom, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_MODEL: 'm' });
    assert.deepEqual(config.wecom, {
      corpId: validWecom.WECOM_CORP_ID,
      secret: 'secret',
      token: validWecom.WECOM_TOKEN,
      encodingAesKey: validWecom.WECOM_ENCODING_AES_KEY,
    });
    assert.equal(config.llm?.model, 'm');
  });

  const cases: [string, NodeJS.ProcessEnv, RegExp][] = [
    ['MONGODB_URI not a URI', { MONGODB_URI: 'not-a-uri' }, /^Configuration error: MONGODB_URI must be a mongodb/],
    ['PORT not a number', { PORT: 'eighty' }, /PORT/],
    ['TEMPORAL_ADDRESS without port', { TEMPORAL_ADDRESS: 'localhost' }, /TEMPORAL_ADDRESS must be host:port/],
    ['HUMAN_MODE unknown', { HUMAN_MODE: 'robot' }, /HUMAN_MODE/],
    [
      'AES key of the wrong length',
      { ...validWecom, WECOM_ENCODING_AES_KEY: 'short' },
      /WECOM_ENCODING_AES_KEY must be 43 letters or digits/,
    ],
    ['partial WeCom credentials', { WECOM_CORP_ID: 'ww1' }, /WECOM_SECRET is required when WECOM_CORP_ID is set/],
    ['LLM endpoint without a model', { OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' }, /OPENAI_MODEL is required/],
    ['OPENAI_BASE_URL not http', { OPENAI_BASE_URL: 'ftp://x', OPENAI_MODEL: 'm' }, /OPENAI_BASE_URL must be an http/],
    ['a short ADMIN_API_TOKEN', { ADMIN_API_TOKEN: 'letmein' }, /ADMIN_API_TOKEN must be at least 24 characters/],
    [
      'a payload key of the wrong size',
      { PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(16, 7).toString('base64')}` },
      /PAYLOAD_ENCRYPTION_KEYS key k1 must be 32 bytes in base64/,
    ],
    [
      'a payload key without an id',
      { PAYLOAD_ENCRYPTION_KEYS: Buffer.alloc(32, 7).toString('base64') },
      /PAYLOAD_ENCRYPTION_KEYS must be id:base64key pairs/,
    ],
    [
      'a client certificate without its key',
      { TEMPORAL_TLS_CLIENT_CERT_PATH: __filename },
      /TEMPORAL_TLS_CLIENT_KEY_PATH is required for mTLS/,
    ],
    [
      'a CA file that does not exist',
      { TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/nonexistent/ca.pem' },
      /TEMPORAL_TLS_SERVER_CA_CERT_PATH must be the path of a readable file/,
    ],
    [
      'WeCom sign-in without the app',
      { WECOM_AGENT_ID: '1000002' },
      /WECOM_AGENT_ID needs WECOM_CORP_ID and WECOM_SECRET/,
    ],
    ['production without PUBLIC_URL', { NODE_ENV: 'production' }, /PUBLIC_URL is required in production/],
    [
      'an OTLP endpoint that is not a URL',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' },
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/,
    ],
    ['a service name with spaces', { OTEL_SERVICE_NAME: 'cs api' }, /OTEL_SERVICE_NAME must be 1-64 letters/],
    ['an unknown gRPC compression', { TEMPORAL_GRPC_COMPRESSION: 'brotli' }, /TEMPORAL_GRPC_COMPRESSION/],
    ['a watchdog setting other than on or off', { WORKFLOW_CALL_WATCHDOG: 'yes' }, /WORKFLOW_CALL_WATCHDOG/],
  ];
  for (const [name, env, expected] of cases) {
    it(`rejects ${name} with one line naming the variable`, () => {
      const message = configError(env);
      assert.match(message, expected);
      assert.ok(!message.includes('\n'), 'one line');
    });
  }

  it('never prints the value of a variable, which may be a secret', () => {
    const secrets = {
      ADMIN_API_TOKEN: 'tooShortButSecret',
      MONGODB_URI: 'postgres://user:Pa55word-in-uri@db/x',
      PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(31, 9).toString('base64')}`,
      WECOM_TOKEN: 'not a valid token with spaces',
    };
    const message = configError(secrets);
    for (const [key, value] of Object.entries(secrets)) {
      assert.match(message, new RegExp(key), `${key} is named`);
      assert.ok(!message.includes(value), `${key}'s value is not printed`);
    }
    assert.ok(!message.includes('Pa55word'));
  });

  it('knows which values are secrets (for log scrubbing and the secrets test)', () => {
    const key = Buffer.alloc(32, 3).toString('base64');
    const config = loadConfig({
      ...validWecom,
      ADMIN_API_TOKEN: 'a'.repeat(32),
      PAYLOAD_ENCRYPTION_KEYS: `2026:${key}`,
      MONGODB_URI: 'mongodb://cs:s3cret-pass@db:27017/cs',
      ALERT_WEBHOOK_URL: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=robot-key-123',
    });
    assert.deepEqual(
      configuredSecrets(config).sort(),
      [
        'secret' /* WECOM_SECRET */,
        validWecom.WECOM_TOKEN,
        validWecom.WECOM_ENCODING_AES_KEY,
        'a'.repeat(32),
        key,
        'robot-key-123',
        's3cret-pass',
      ].sort(),
    );
  });

  it('npm start stops at once on a bad value, with one line and nothing started', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'dev', 'start.ts')], {
      cwd: ROOT,
      env: { ...process.env, MONGODB_URI: 'not-a-uri', TEMPORAL_ADDRESS: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 1);
    assert.equal(result.stderr.trim(), 'Configuration error: MONGODB_URI must be a mongodb:// or mongodb+srv:// URI');
    assert.equal(result.stdout.trim(), '', 'nothing was started');
  });
});
