// Structured logs (pino), one event per line. Message bodies stay out of info level, and the
// configured secrets are scrubbed from every line whatever logged them (an error from a library
// that quotes a URL, a stack, a request).
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(
  name: string,
  level: string = process.env.LOG_LEVEL ?? 'info',
  secrets: readonly string[] = [],
): Logger {
  // A line is JSON: look for each secret as it appears inside a JSON string.
  const escaped = secrets.map((secret) => JSON.stringify(secret).slice(1, -1));
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: escaped.length > 0 ? { streamWrite: (line) => scrub(line, escaped) } : {},
  });
}

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out;
}
