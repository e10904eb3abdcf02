// Stores the echo text. Idempotent: keyed by echoId, so a retried activity writes one document.
import { Context } from '@temporalio/activity';
import { EchoRecordModel } from '../db/models/echoRecord';
import type { EchoInput, EchoResult } from '../workflows/echo';

export function createEchoActivities() {
  return {
    async recordEcho(input: EchoInput): Promise<EchoResult> {
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'none';
      const doc = await EchoRecordModel.findOneAndUpdate(
        { echoId: input.echoId },
        { $setOnInsert: { echoId: input.echoId, text: input.text, workflowId, storedAt: new Date() } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
      if (!doc) throw new Error(`echo record ${input.echoId} was not stored`);
      return { echoId: doc.echoId, text: doc.text, storedAt: doc.storedAt.toISOString() };
    },
  };
}

export type EchoActivities = ReturnType<typeof createEchoActivities>;
