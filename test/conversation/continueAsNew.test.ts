// A long conversation continues as new with its whole state: the transcript, the memory and the
// outbound counter carry over, and messages sent around the hand-over are not lost.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { snapshotQuery } from '../../workflows/conversationContract';
import { startStack, type Stack } from '../support/stack';

describe('continue-as-new', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      settings: { continueAsNewAfterEvents: 50, burstWindowMs: 0, confirmationTimeoutMs: 30_000 },
    });
  });
  after(() => stack?.close());

  it('keeps answering across runs and loses no message', async () => {
    const customer = 'wmLong1';
    const questions = [
      '运费怎么算',
      '怎么开发票',
      '支持花呗分期吗',
      '保修期多久',
      '怎么查物流',
      '可以寄到海外吗',
      '积分怎么用',
      '怎么注销账号',
    ];
    for (const [i, question] of questions.entries()) {
      await stack.say(customer, question);
      await stack.until(
        `the answer to ${question}`,
        () => stack.received(customer),
        (m) => m.length >= 2 * (i + 1),
      );
    }
    const conversationId = await stack.conversationOf(customer);
    const handle = stack.client.workflow.getHandle(conversationId);
    const runs: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId = "${conversationId}"` }))
      runs.push(wf.status.name);
    assert.ok(runs.includes('CONTINUED_AS_NEW'), `continued as new: ${runs.join(',')}`);
    const snapshot = await handle.query(snapshotQuery);
    assert.equal(snapshot.state, 'confirming');
    const asked = snapshot.transcriptTail.filter((t) => t.from === 'customer').map((t) => t.text);
    assert.deepEqual(asked.slice(-questions.length), questions, 'the transcript carried over');
    const received = await stack.received(customer);
    assert.equal(received.length, questions.length * 2, 'one answer and one menu per question, none twice');
    assert.equal(
      new Set(
        stack.sandbox.calls.filter((c) => c.path === 'kf/send_msg').map((c) => (c.body as { msgid: string }).msgid),
      ).size,
      received.length,
    );
  });
});
