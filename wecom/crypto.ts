// WeCom callback security: msg_signature (sha1 over the sorted token, timestamp, nonce and
// ciphertext) and AES decryption with the official @wecom/crypto package. That package does not
// check the ReceiveId and is lenient about padding, so both are checked here: garbage decrypts to
// a wrong ReceiveId or an impossible length and is refused.
import { timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

export class CallbackCryptoError extends Error {
  override name = 'CallbackCryptoError';
}

export interface CallbackCredentials {
  token: string;
  encodingAesKey: string;
  corpId: string;
}

export function signatureFor(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return getSignature(token, timestamp, nonce, encrypted);
}

export function isValidSignature(
  token: string,
  query: { msg_signature: string; timestamp: string; nonce: string },
  encrypted: string,
): boolean {
  const expected = Buffer.from(signatureFor(token, query.timestamp, query.nonce, encrypted));
  const given = Buffer.from(query.msg_signature.toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Decrypts a callback payload (or echostr); throws CallbackCryptoError on anything but a clean message for corpId. */
export function decryptPayload(credentials: CallbackCredentials, encrypted: string): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted) || Buffer.from(encrypted, 'base64').length % 32 !== 0) {
    throw new CallbackCryptoError('ciphertext is not base64 of whole AES blocks');
  }
  let result: ReturnType<typeof decrypt>;
  try {
    result = decrypt(credentials.encodingAesKey, encrypted);
  } catch (error) {
    throw new CallbackCryptoError(`cannot decrypt: ${(error as Error).message}`);
  }
  if (result.id !== credentials.corpId) {
    throw new CallbackCryptoError('ReceiveId does not match the corp id (wrong key, or not for us)');
  }
  return result.message;
}

export function encryptPayload(credentials: CallbackCredentials, message: string): string {
  return encrypt(credentials.encodingAesKey, message, credentials.corpId);
}
