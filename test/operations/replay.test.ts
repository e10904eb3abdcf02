// What-if replay over recorded conversations: customers ask through the real stack, then
// `npm run -s replay -- --since … --policy <file> --json` replays their turns with a stricter
// confidence threshold. The answers given with less confidence than the new threshold (as the
// recorded bot_answer events say) must flip — to asking again — and no other conversation.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { EventModel } from '../../db/models/event';
import { defaultPolicyConfig } from '../../domain/policy';
import { startStack, type Stack } from '../support/stack';

const ROOT = path.resolve(__dirname, '..', '..');
const THRESHOLD = 0.99;

describe('what-if replay', () => {
  let stack: Stack;
  const since = new Date(Date.now() - 60_000);
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.close());

  it('a stricter confidence threshold flips exactly the answers given below it', async () => {
    const questions = {
      wmReplay1: '怎么查询物流信息？', // an entry's own question: answered with full confidence
      wmReplay2: '快递到哪了怎么看',
      wmReplay3: '满多少包邮',
      wmReplay4: '转人工', // a handoff either way
    };
    for (const [customer, text] of Object.entries(questions)) await stack.say(customer, text);
    for (const customer of Object.keys(questions))
      await stack.until(
        `${customer} answered`,
        () => stack.received(customer),
        (m) => m.length > 0,
      );
    // The events are written with each turn's delivery or the workflow's next flush.
    const answers = await stack.until(
      'the answers recorded',
      () => EventModel.find({ type: 'bot_answer', openKfId: stack.openKfId }).lean(),
      (found) => found.length >= 3,
    );
    assert.equal(answers.length, 3);
    const expected = answers
      .filter((e) => (e.data as { confidence: number }).confidence < THRESHOLD)
      .map((e) => e.conversationId)
      .sort();
    assert.ok(
      expected.length >= 1 && expected.length < 3,
      `some but not all flip: ${JSON.stringify(answers.map((a) => a.data))}`,
    );

    const policyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'replay-')), 'policy.json');
    fs.writeFileSync(
      policyFile,
      JSON.stringify({
        ...defaultPolicyConfig,
        answerConfidence: THRESHOLD,
        answerConfidenceWithQuestion: THRESHOLD,
        answerProbability: THRESHOLD,
      }),
    );
    const started = performance.now();
    const { stdout } = await promisify(execFile)(
      'npm',
      ['run', '-s', 'replay', '--', '--since', since.toISOString(), '--policy', policyFile, '--json'],
      { cwd: ROOT, env: { ...process.env, MONGODB_URI: stack.config.MONGODB_URI } },
    );
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'one JSON line');
    const report = JSON.parse(lines[0]!) as {
      conversations: number;
      flipped: {
        conversationId: string;
        before: { ending: string; answers: string[] };
        after: { ending: string; answers: string[]; unknowns: number };
      }[];
      handoffsByReason: { before: Record<string, number>; after: Record<string, number> };
      answers: { before: number; after: number };
      seconds: number;
    };
    process.stdout.write(
      `# replay of ${report.conversations} conversations: ${report.seconds} s inside, ${((performance.now() - started) / 1000).toFixed(1)} s with npm\n`,
    );
    assert.equal(report.conversations, 4);
    assert.deepEqual(report.flipped.map((f) => f.conversationId).sort(), expected);
    for (const flip of report.flipped) {
      assert.equal(flip.before.answers.length, 1);
      assert.deepEqual([flip.after.answers, flip.after.unknowns], [[], 1], 'asked to say it again instead');
    }
    assert.equal(report.answers.before - report.answers.after, expected.length);
    assert.deepEqual(report.handoffsByReason.before, report.handoffsByReason.after);
    assert.equal(report.handoffsByReason.before.customer_request, 1);
  });
});
