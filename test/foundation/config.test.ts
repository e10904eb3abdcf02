// Configuration is validated at start-up with one-line errors that name the variable.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_KB_FILE, loadConfig } from '../../config/env';

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
  ];
  for (const [name, env, expected] of cases) {
    it(`rejects ${name} with one line naming the variable`, () => {
      const message = configError(env);
      assert.match(message, expected);
      assert.ok(!message.includes('\n'), 'one line');
    });
  }

  it('npm start stops at once on a bad value, with one line and nothing started', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'dev', 'start.ts')], {
      cwd: ROOT,
      env: { ...process.env, MONGODB_URI: 'not-a-uri', TEMPORAL_ADDRESS: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr.trim(),
      'Configuration error: MONGODB_URI must be a mongodb:// or mongodb+srv:// URI (got "not-a-uri")',
    );
    assert.equal(result.stdout.trim(), '', 'nothing was started');
  });
});
