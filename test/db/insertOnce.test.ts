// Appending to the collections that grow with traffic: a retried append (same unique keys) stores
// nothing twice and fails nothing, on the real MongoDB-wire server; the new documents are named, so
// metrics count each event once however often its activity runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertOnce } from '../../db/insertOnce';
import { ensureIdempotencyIndexes } from '../../db/indexes';
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

describe('insertOnce', () => {
  before(async () => {
    await connectTestMongo('append');
    await ensureIdempotencyIndexes(); // the unique msgid index makes the retry a no-op
  });
  after(() => dropTestMongo());

  it('inserts new documents and skips the ones already stored, in one call', async () => {
    assert.deepEqual(await insertOnce(MessageModel, [message('a'), message('b')]), [0, 1]);
    assert.deepEqual(await insertOnce(MessageModel, [message('b'), message('c'), message('a')]), [1]);
    assert.deepEqual(await insertOnce(MessageModel, [message('a')]), []);
    assert.deepEqual(await insertOnce(MessageModel, []), []);
    const stored = await MessageModel.find({ conversationId: 'conv-1' }).sort({ msgid: 1 }).lean();
    assert.deepEqual(
      stored.map((m) => m.msgid),
      ['a', 'b', 'c'],
    );
  });
});
