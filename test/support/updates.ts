// What the api asked the workflow: the inputs of the updates a conversation accepted, read from
// its Temporal history (through the data converter, so it works with the payload codec too).
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';

export interface AcceptedUpdate {
  name: string;
  input: Record<string, unknown>;
}

export async function acceptedUpdates(client: Client, workflowId: string): Promise<AcceptedUpdate[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const found: AcceptedUpdate[] = [];
  for (const event of history.events ?? []) {
    const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    const payload = request?.input?.args?.payloads?.[0] as Payload | undefined;
    if (!request?.input?.name || !payload) continue;
    found.push({ name: request.input.name, input: (await decode(client, payload)) as Record<string, unknown> });
  }
  return found;
}

async function decode(client: Client, payload: Payload): Promise<unknown> {
  const { payloadConverter, payloadCodecs } = client.options.loadedDataConverter;
  let decoded = [payload];
  for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return payloadConverter.fromPayload(decoded[0]!);
}
