// Pure rules the conversation workflow relies on: deterministic msgids, WeCom's reply window and
// reply limit, UTF-8 byte counting, sync_msg normalisation and the settings override.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeKfMessage } from '../../activities/kfMessage';
import { loadConfig } from '../../config/env';
import { conversationSettings } from '../../domain/conversationSettings';
import { outboundMsgid } from '../../domain/msgid';
import { canReply } from '../../domain/replyWindow';
import { utf8Length } from '../../domain/wecomText';

describe('outbound msgids', () => {
  const id = 'conv:wkAbCdEf0123456789abcdef:wmXyZ0123456789ABCDEFGHIJKLMNOP:12';
  it('are the same for the same conversation and sequence (a retried send reuses it)', () => {
    assert.equal(outboundMsgid(id, 7), outboundMsgid(id, 7));
  });
  it('differ across sequences, parts and conversations', () => {
    const ids = new Set([
      outboundMsgid(id, 1),
      outboundMsgid(id, 2),
      outboundMsgid(id, 1, 1),
      outboundMsgid(id.replace(':12', ':13'), 1),
    ]);
    assert.equal(ids.size, 4);
  });
  it('fit WeCom: at most 32 bytes of [0-9a-zA-Z_-]', () => {
    for (const seq of [1, 99, 123_456_789]) {
      const msgid = outboundMsgid(id, seq, 3);
      assert.match(msgid, /^[0-9a-zA-Z_-]{1,32}$/, msgid);
    }
  });
});

describe('WeCom reply rules', () => {
  const limits = { replyWindowMs: 48 * 3600_000, maxRepliesPerCustomerMessage: 5 };
  const cases: [string, number, number | undefined, number, string][] = [
    ['fresh message', 1_000, 0, 0, 'ok'],
    ['fifth reply', 1_000, 0, 4, 'ok'],
    ['sixth reply', 1_000, 0, 5, 'reply_limit'],
    ['exactly 48 h', 48 * 3600_000, 0, 0, 'ok'],
    ['after 48 h', 48 * 3600_000 + 1, 0, 0, 'window_expired'],
    ['no customer message', 1_000, undefined, 0, 'no_customer_message'],
  ];
  for (const [name, now, last, replies, expected] of cases) {
    it(name, () => assert.equal(canReply(now, last, replies, limits), expected));
  }
});

describe('UTF-8 length', () => {
  it('counts bytes as WeCom does', () => {
    assert.equal(utf8Length('abc'), 3);
    assert.equal(utf8Length('你好'), 6);
    assert.equal(utf8Length('é'), 2);
    assert.equal(utf8Length('😀'), 4);
  });
});

describe('sync_msg normalisation', () => {
  it('reads a customer text and a menu click', () => {
    const text = normalizeKfMessage({
      msgid: 'm1',
      external_userid: 'wm1',
      send_time: 100,
      origin: 3,
      msgtype: 'text',
      text: { content: '你好' },
    });
    assert.deepEqual(text, {
      externalUserId: 'wm1',
      message: {
        msgid: 'm1',
        sendTime: 100,
        servicerUserId: undefined,
        origin: 'customer',
        kind: 'text',
        text: '你好',
        menuId: undefined,
      },
    });
    const click = normalizeKfMessage({
      msgid: 'm2',
      external_userid: 'wm1',
      origin: 3,
      msgtype: 'text',
      text: { content: '已解决', menu_id: 'confirm_yes' },
    });
    assert.equal(click?.message.kind, 'menu_click');
    assert.equal(click?.message.menuId, 'confirm_yes');
  });
  it('reads events, whose customer sits inside the event', () => {
    const event = normalizeKfMessage({
      msgid: 'e1',
      origin: 4,
      msgtype: 'event',
      event: { event_type: 'session_status_change', external_userid: 'wm2', change_type: 3, msg_code: 'CODE' },
    });
    assert.equal(event?.externalUserId, 'wm2');
    assert.equal(event?.message.event?.type, 'session_status_change');
    assert.equal(event?.message.event?.changeType, 3);
    assert.equal(event?.message.event?.msgCode, 'CODE');
  });
  it('marks servicer messages (origin 5) and unknown types without failing', () => {
    const servicer = normalizeKfMessage({
      msgid: 's1',
      external_userid: 'wm3',
      origin: 5,
      servicer_userid: 'zhangsan',
      msgtype: 'text',
      text: { content: '您好' },
    });
    assert.equal(servicer?.message.origin, 'servicer');
    const future = normalizeKfMessage({ msgid: 'f1', external_userid: 'wm3', origin: 3, msgtype: 'hologram' });
    assert.equal(future?.message.kind, 'media');
    assert.equal(future?.message.text, '[hologram]');
  });
  it('skips items that belong to no customer', () => {
    assert.equal(
      normalizeKfMessage({ msgid: 'x', origin: 4, msgtype: 'event', event: { event_type: 'servicer_status_change' } }),
      undefined,
    );
  });
});

describe('conversation settings', () => {
  it('has production defaults', () => {
    const settings = conversationSettings();
    assert.equal(settings.replyWindowMs, 48 * 3600_000);
    assert.equal(settings.maxRepliesPerCustomerMessage, 5);
  });
  it('are overridden by CONVERSATION_SETTINGS and validated', () => {
    assert.equal(
      loadConfig({ CONVERSATION_SETTINGS: '{"queueWaitSlaMs": 1000}' }).CONVERSATION_SETTINGS.queueWaitSlaMs,
      1000,
    );
    assert.throws(
      () => loadConfig({ CONVERSATION_SETTINGS: '{"queueWaitSlaMs": -1}' }),
      /CONVERSATION_SETTINGS must be a JSON object/,
    );
    assert.throws(() => loadConfig({ CONVERSATION_SETTINGS: 'nope' }), /not valid JSON/);
  });
});
