// The configured values that must never appear in logs, metrics, error answers or workflow
// payloads: the logger scrubs them from every line, and a test greps a whole run for them.
import type { Config } from './env';

export function configuredSecrets(config: Config): string[] {
  const values = [
    config.WECOM_SECRET,
    config.WECOM_TOKEN,
    config.WECOM_ENCODING_AES_KEY,
    config.OPENAI_API_KEY,
    config.ADMIN_API_TOKEN,
    ...(config.PAYLOAD_ENCRYPTION_KEYS ?? []).map((k) => k.key.toString('base64')),
    // A group robot's webhook is its key; a MongoDB URI may carry a password.
    config.ALERT_WEBHOOK_URL && new URL(config.ALERT_WEBHOOK_URL).searchParams.get('key'),
    passwordOf(config.MONGODB_URI),
  ];
  // Very short values would scrub ordinary words; the config's own rules keep real ones longer.
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= 6))];
}

function passwordOf(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^:/@]+:([^@/]+)@/.exec(uri);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
