// Development slice: the smallest workflow that crosses every real component (api → Temporal →
// activity → MongoDB). Kept as the plumbing check the foundation tests and /healthz rely on.
import { proxyActivities } from '@temporalio/workflow';
import type { EchoActivities } from '../activities/echo';

export interface EchoInput {
  echoId: string;
  text: string;
}

export interface EchoResult {
  echoId: string;
  text: string;
  storedAt: string;
}

const { recordEcho } = proxyActivities<EchoActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
});

export async function echoWorkflow(input: EchoInput): Promise<EchoResult> {
  return recordEcho(input);
}
