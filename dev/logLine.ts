// Makes JSON log lines (pino from our processes, zap from the Temporal server) readable when the
// launcher prints them: "12:00:01 WARN  message key=value". Other lines pass through unchanged.
const pinoLevels: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const skip = new Set([
  'level',
  'time',
  'ts',
  'msg',
  'pid',
  'hostname',
  'name',
  'service',
  'logger',
  'caller',
  'stacktrace',
]);

export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level =
    typeof entry.level === 'number'
      ? (pinoLevels[entry.level] ?? String(entry.level))
      : String(entry.level ?? '').toUpperCase();
  const rawTime = entry.time ?? entry.ts;
  const time =
    typeof rawTime === 'string' || typeof rawTime === 'number'
      ? new Date(typeof rawTime === 'number' && rawTime < 1e12 ? rawTime * 1000 : rawTime)
      : undefined;
  const clock = time && !Number.isNaN(time.getTime()) ? time.toISOString().slice(11, 19) : '';
  const rest = Object.entries(entry)
    .filter(([key]) => !skip.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${clock} ${level.padEnd(5)} ${String(entry.msg ?? '')}${rest ? ` ${rest}` : ''}`;
}
