// The development set's figures stay at the bar: a regression guard for the engine and the
// policy (the eval command prints the same figures; the project is also measured on unseen cases).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BotEngine } from '../../bot/engine';
import { evaluate, type EvalCase } from '../../bot/evaluation/evaluate';
import { loadKnowledgeBaseFile } from '../../bot/kb';

const root = path.resolve(__dirname, '..', '..');
// A copy of ../shared/eval/dev.jsonl, so the guard runs wherever the repository is cloned.
const devSet = path.join(root, 'test', 'fixtures', 'eval-dev.jsonl');

describe('bot figures on the development set', () => {
  it('meet the bar: accuracy ≥ 90%, risk and human-request recall 100%, few false handoffs', () => {
    assert.ok(fs.existsSync(devSet), `the development set is expected at ${devSet}`);
    const cases = fs
      .readFileSync(devSet, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as EvalCase);
    const report = evaluate(
      BotEngine.fromKnowledgeBase(loadKnowledgeBaseFile(path.join(root, 'kb', 'demo-faq.json'))),
      cases,
    );
    assert.ok(report.answerAccuracy >= 0.9, `answer accuracy ${report.answerAccuracy}`);
    assert.equal(report.handoffRecall.customer_request, 1);
    assert.equal(report.handoffRecall.high_risk, 1);
    assert.ok(report.handoffRecall.negative_sentiment! >= 0.95);
    assert.ok(report.falseHandoffRate <= 0.03, `false handoffs ${report.falseHandoffRate}`);
    assert.ok(report.unknownWrongAnswerRate <= 0.05, `wrong answers on unknown ${report.unknownWrongAnswerRate}`);
    assert.equal(report.multiTurnAccuracy, 1, JSON.stringify(report.failures.filter((f) => f.turns.length > 1)));
  });
});
