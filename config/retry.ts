// Start-up waits for dependencies instead of crashing: in docker-compose and in the local stack the
// worker may come up before Temporal or MongoDB does.
import type { Logger } from '../config/logger';

export async function retryUntil<T>(
  what: string,
  attempt: () => Promise<T>,
  log: Logger,
  { timeoutMs = 120_000, delayMs = 500 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`${what} unreachable after ${Math.round(timeoutMs / 1000)}s: ${(error as Error).message}`);
      }
      if (tries === 1 || tries % 10 === 0)
        log.warn({ what, tries, error: (error as Error).message }, 'waiting for dependency');
      await new Promise((resolve) => setTimeout(resolve, Math.min(delayMs * tries, 5000)));
    }
  }
}
