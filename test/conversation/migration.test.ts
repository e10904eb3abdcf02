// A conversation started on the first workflow version (workflows/legacy/) moves over to the current
// one at its next wait, carrying what it knew, and goes on answering: deploys never strand running
// conversations, and the recorded histories of the old version keep replaying (replay.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { conversationSettings } from '../../domain/conversationSettings';
import { defaultPolicyConfig } from '../../domain/policy';
import { CONVERSATION_WORKFLOW, conversationWorkflowId } from '../../workflows/conversationContract';
import { maybeRecordHistory } from '../support/histories';
import { fastSettings, startStack, type Stack } from '../support/stack';

describe('moving to the current workflow version', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ settings: { burstWindowMs: 0 } });
  });
  after(() => stack?.close());

  it('a conversation on the first version continues as the current one and keeps answering', async () => {
    const customer = 'wmLegacy1';
    const workflowId = conversationWorkflowId(stack.openKfId, customer, 1);
    const handle = await stack.client.workflow.start('conversationWorkflow', {
      workflowId,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      args: [
        {
          openKfId: stack.openKfId,
          externalUserId: customer,
          session: 1,
          humanMode: 'console',
          settings: conversationSettings(fastSettings),
          policy: defaultPolicyConfig,
        },
      ],
    });
    const firstRun = handle.firstExecutionRunId;
    await stack.until(
      'the move to the current version',
      async () => (await stack.client.workflow.getHandle(workflowId).describe()).type,
      (type) => type === CONVERSATION_WORKFLOW,
    );
    await stack.say(customer, '运费怎么算');
    const received = await stack.until(
      'the answer from the current version',
      () => stack.received(customer),
      (m) => m.length >= 2,
    );
    assert.match(received[0]!, /99元/);
    const first = await stack.client.workflow.getHandle(workflowId, firstRun).describe();
    assert.equal(first.type, 'conversationWorkflow');
    assert.equal(first.status.name, 'CONTINUED_AS_NEW');
    await maybeRecordHistory(stack.client, workflowId, 'v1-moved-to-current', firstRun);
  });
});
