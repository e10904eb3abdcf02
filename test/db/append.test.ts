// Appending to the collections that grow with traffic: a retried append (same unique keys) stores
// nothing twice and fails nothing, on the real MongoDB-wire server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { appendOnce } from '../../db/append';
import { MessageModel } from '../../db/models/message';
import { connectTestMongo, dropTestMongo } from '../support/servers';

const message = (msgid: string) => ({
  msgid,
  conversationId: 'conv-1',
  openKfId: 'wkTest',
  externalUserId: 'customer-1',
  direction: 'out',
  from: 'bot',
  msgtype: 'text',
  text: msgid,
  sentAt: new Date(),
});

describe('appendOnce', () => {
  before(async () => {
    await connectTestMongo('append');
    await MessageModel.init(); // the unique msgid index makes the retry a no-op
  });
  after(() => dropTestMongo());

  it('inserts new documents and skips the ones already stored, in one call', async () => {
    assert.equal(await appendOnce(MessageModel, [message('a'), message('b')]), 2);
    assert.equal(await appendOnce(MessageModel, [message('b'), message('c'), message('a')]), 1);
    assert.equal(await appendOnce(MessageModel, []), 0);
    const stored = await MessageModel.find({ conversationId: 'conv-1' }).sort({ msgid: 1 }).lean();
    assert.deepEqual(
      stored.map((m) => m.msgid),
      ['a', 'b', 'c'],
    );
  });
});
