// WeCom's official test vectors (test/fixtures/wecom-testvectors.json) and the checks the official
// package leaves to us: ReceiveId must be our corp id, garbage must be refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import vectors from '../fixtures/wecom-testvectors.json';
import { parseCallbackEvent, parseEnvelope } from '../../wecom/callbackXml';
import {
  CallbackCryptoError,
  decryptPayload,
  encryptPayload,
  isValidSignature,
  signatureFor,
} from '../../wecom/crypto';

const credentials = { token: vectors.token, encodingAesKey: vectors.encodingAESKey, corpId: vectors.corpId };

describe('WeCom callback crypto (official vectors)', () => {
  it('verifies the URL-verification signature and decrypts echostr', () => {
    const v = vectors.urlVerification;
    assert.equal(signatureFor(credentials.token, v.timestamp, v.nonce, v.echostr), v.msg_signature);
    assert.ok(isValidSignature(credentials.token, v, v.echostr));
    assert.equal(decryptPayload(credentials, v.echostr), v.plaintext);
  });

  it('verifies the message signature and decrypts the message', () => {
    const v = vectors.message;
    const { encrypt } = parseEnvelope(v.body);
    assert.equal(encrypt, v.encrypt);
    assert.ok(isValidSignature(credentials.token, v, encrypt));
    const plain = decryptPayload(credentials, encrypt);
    assert.equal(plain, v.plaintext);
    assert.equal(parseCallbackEvent(plain).MsgType, 'text');
  });

  it('refuses a tampered signature, timestamp or ciphertext', () => {
    const v = vectors.message;
    assert.equal(
      isValidSignature(credentials.token, { ...v, msg_signature: v.msg_signature.replace(/^./, '1') }, v.encrypt),
      false,
    );
    assert.equal(isValidSignature(credentials.token, { ...v, timestamp: '1476422780' }, v.encrypt), false);
    assert.equal(isValidSignature('otherToken', v, v.encrypt), false);
  });

  it('refuses a message for another corp (ReceiveId check)', () => {
    assert.throws(
      () => decryptPayload({ ...credentials, corpId: 'wwsomeoneelse' }, vectors.message.encrypt),
      CallbackCryptoError,
    );
  });

  it('refuses garbage ciphertext instead of returning junk', () => {
    const garbage = Buffer.alloc(64, 7).toString('base64');
    assert.throws(() => decryptPayload(credentials, garbage), CallbackCryptoError);
    assert.throws(() => decryptPayload(credentials, 'not base64 at all!'), CallbackCryptoError);
    assert.throws(() => decryptPayload(credentials, Buffer.alloc(20).toString('base64')), CallbackCryptoError);
  });

  it('round-trips what the sandbox encrypts', () => {
    const xml = '<xml><ToUserName>ww1436e0e65a779aee</ToUserName><Event>kf_msg_or_event</Event></xml>';
    assert.equal(decryptPayload(credentials, encryptPayload(credentials, xml)), xml);
  });
});
