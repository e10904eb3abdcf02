// The knowledge base in MongoDB (FerretDB here): seeded once, edited at run time, and the engine
// built from it answers with the edit.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BotEngine } from '../../bot/engine';
import { loadKnowledgeBaseFile } from '../../bot/kb';
import { knowledgeBaseStamp, loadKnowledgeBaseFromMongo, seedKnowledgeBase } from '../../bot/kbStore';
import { KbEntryModel } from '../../db/models/kbEntry';
import { connectTestMongo, dropTestMongo } from '../support/servers';

describe('knowledge base in MongoDB', () => {
  const file = loadKnowledgeBaseFile(path.resolve(__dirname, '..', '..', 'kb', 'demo-faq.json'));
  before(() => connectTestMongo('kb'));
  after(() => dropTestMongo());

  it('seeds the file once and never overwrites an existing KB', async () => {
    assert.equal(await seedKnowledgeBase(file), file.entries.length);
    assert.equal(await seedKnowledgeBase(file), 0);
    assert.equal(await KbEntryModel.countDocuments(), file.entries.length);
  });

  it('serves run-time edits to a rebuilt engine, and the stamp tells when to rebuild', async () => {
    const before = await knowledgeBaseStamp();
    await KbEntryModel.create({
      entryId: 'gift-wrap',
      skill: 'presales',
      question: '可以提供礼品包装吗？',
      similar: ['能包装成礼物吗', '送人的话有礼盒吗'],
      answer: '下单时勾选“礼品包装”即可，免费提供礼盒和贺卡。',
      updatedAt: new Date(Date.now() + 1000),
    });
    assert.notEqual(await knowledgeBaseStamp(), before);
    const engine = BotEngine.fromKnowledgeBase(await loadKnowledgeBaseFromMongo(file));
    assert.equal(engine.understand('这个能包装成礼物送人吗').entryId, 'gift-wrap');
    await KbEntryModel.updateOne(
      { entryId: 'gift-wrap' },
      { $set: { enabled: false, updatedAt: new Date(Date.now() + 2000) } },
    );
    const without = BotEngine.fromKnowledgeBase(await loadKnowledgeBaseFromMongo(file));
    assert.notEqual(without.understand('这个能包装成礼物送人吗').entryId, 'gift-wrap');
  });
});
