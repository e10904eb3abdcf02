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

// Rewordings written apart from the development set (colloquial, with context, English, traditional
// characters, out-of-KB questions): how the engine does on wording it was not built around.
const extraSet = path.join(root, 'test', 'fixtures', 'eval-extra.jsonl');

function run(file: string) {
  assert.ok(fs.existsSync(file), `the cases are expected at ${file}`);
  const cases = fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as EvalCase);
  return evaluate(BotEngine.fromKnowledgeBase(loadKnowledgeBaseFile(path.join(root, 'kb', 'demo-faq.json'))), cases);
}

describe('bot figures on the development set', () => {
  it('meet the bar: accuracy ≥ 90%, risk and human-request recall 100%, few false handoffs', () => {
    const report = run(devSet);
    assert.ok(report.answerAccuracy >= 0.9, `answer accuracy ${report.answerAccuracy}`);
    assert.equal(report.handoffRecall.customer_request, 1);
    assert.equal(report.handoffRecall.high_risk, 1);
    assert.ok(report.handoffRecall.negative_sentiment! >= 0.95);
    assert.ok(report.falseHandoffRate <= 0.03, `false handoffs ${report.falseHandoffRate}`);
    assert.ok(report.unknownWrongAnswerRate <= 0.05, `wrong answers on unknown ${report.unknownWrongAnswerRate}`);
    assert.equal(report.multiTurnAccuracy, 1, JSON.stringify(report.failures.filter((f) => f.turns.length > 1)));
  });
});

describe('bot figures on rewordings outside the development set', () => {
  it('answer most, hand off every human request and risk, and never answer what the KB does not know', () => {
    const report = run(extraSet);
    assert.ok(report.answerAccuracy >= 0.88, `answer accuracy ${report.answerAccuracy}`);
    for (const [reason, recall] of Object.entries(report.handoffRecall)) assert.equal(recall, 1, reason);
    assert.ok(Object.keys(report.handoffRecall).length >= 6, 'every handoff reason is covered');
    assert.equal(report.multiTurnAccuracy, 1, JSON.stringify(report.failures.filter((f) => f.turns.length > 1)));
    assert.equal(report.falseHandoffRate, 0);
    assert.equal(report.unknownWrongAnswerRate, 0);
  });
});
