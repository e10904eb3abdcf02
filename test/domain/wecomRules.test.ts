// WeCom's rules as the conversation applies them: the session states our API may speak or move in,
// the reply budget with replies kept for people, menus that answer only their own turn, and texts
// cut to 2,048 bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { confirmMenuId, isSurveyClick, parseMenuId, surveyMenuId } from '../../domain/menus';
import { canReply } from '../../domain/replyWindow';
import { apiMayMove, apiMaySend, sessionAfter, type WecomServiceState } from '../../domain/wecomSession';
import { splitForWecom, utf8Length } from '../../domain/wecomText';

describe('WeCom session states', () => {
  it('our API speaks only in 0 and 1', () => {
    assert.deepEqual(
      ([0, 1, 2, 3, 4] as WecomServiceState[]).map((state) => apiMaySend({ state })),
      [true, true, false, false, false],
    );
  });
  it('moves WeCom allows, and nothing out of 4', () => {
    const allowed = ['0>1', '0>2', '0>3', '1>2', '1>3', '2>3', '3>3', '3>4', '1>4', '2>4'];
    for (const from of [0, 1, 2, 3, 4] as WecomServiceState[])
      for (const to of [1, 2, 3, 4] as WecomServiceState[])
        assert.equal(apiMayMove(from, to), allowed.includes(`${from}>${to}`), `${from}>${to}`);
  });
  it('follows what sync_msg reports', () => {
    assert.deepEqual(sessionAfter({ state: 4 }, { kind: 'customer_wrote' }), { state: 0 });
    assert.deepEqual(sessionAfter({ state: 1 }, { kind: 'customer_wrote' }), { state: 1 });
    assert.deepEqual(sessionAfter({ state: 1 }, { kind: 'servicer_wrote', servicer: 'li' }), {
      state: 3,
      servicer: 'li',
    });
    assert.deepEqual(sessionAfter({ state: 2 }, { kind: 'status_change', changeType: 1, newServicer: 'li' }), {
      state: 3,
      servicer: 'li',
    });
    assert.deepEqual(sessionAfter({ state: 3, servicer: 'li' }, { kind: 'status_change', changeType: 3 }), {
      state: 4,
    });
  });
});

describe('the reply budget', () => {
  const limits = { replyWindowMs: 48 * 3600_000, maxRepliesPerCustomerMessage: 5, repliesReservedForPeople: 2 };
  it('notices leave two of the five replies to people', () => {
    const cases: [number, 'person' | 'bot' | 'notice', string][] = [
      [2, 'notice', 'ok'],
      [3, 'notice', 'reply_limit'],
      [3, 'person', 'ok'],
      [4, 'person', 'ok'],
      [5, 'person', 'reply_limit'],
      [4, 'bot', 'ok'],
    ];
    for (const [used, speaker, verdict] of cases)
      assert.equal(canReply(1000, 0, used, limits, speaker), verdict, `${used} ${speaker}`);
  });
});

describe('menu ids', () => {
  it('carry the turn or session they belong to', () => {
    assert.deepEqual(parseMenuId(confirmMenuId('no', 7)), { menu: 'confirm', option: 'no', turn: 7 });
    assert.deepEqual(parseMenuId(surveyMenuId('dissatisfied', 3)), {
      menu: 'survey',
      score: 'dissatisfied',
      session: 3,
    });
    assert.deepEqual(parseMenuId('confirm_yes'), { menu: 'confirm', option: 'yes', turn: undefined });
    assert.equal(parseMenuId('something_else'), undefined);
    assert.equal(isSurveyClick('csat_neutral.2'), true);
    assert.equal(isSurveyClick('confirm_yes.2'), false);
  });
});

describe('texts over 2,048 bytes', () => {
  it('are cut into parts WeCom accepts, at a sentence end, the rest behind an ellipsis', () => {
    const sentence = '请先打开App进入设备页。';
    const long = sentence.repeat(200);
    const parts = splitForWecom(long, 2);
    assert.equal(parts.length, 2);
    assert.ok(parts.every((p) => utf8Length(p) <= 2048));
    assert.ok(parts[0]!.endsWith('。'), 'the first part ends at a sentence');
    assert.ok(parts[1]!.endsWith('…'), 'what does not fit is marked');
    assert.deepEqual(splitForWecom('短消息'), ['短消息']);
    const emoji = '😀'.repeat(600);
    assert.ok(splitForWecom(emoji, 1).every((p) => utf8Length(p) <= 2048));
  });
});
