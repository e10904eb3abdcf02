// The payload encryption keys as configured (PAYLOAD_ENCRYPTION_KEYS): `id:base64key,...`. The first
// key encrypts new payloads; every key still decrypts, so a rotated-out key keeps old histories
// readable. Errors describe the problem and never echo a key.

export interface EncryptionKey {
  /** Written into each payload's metadata, so the reader knows which key to use. */
  id: string;
  key: Buffer;
  toJSON?(): unknown;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;

export function parseKeyRing(text: string): EncryptionKey[] {
  const keys = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item, index) => {
      const colon = item.indexOf(':');
      const id = colon > 0 ? item.slice(0, colon) : '';
      if (!KEY_ID.test(id)) {
        throw new Error(`must be id:base64key pairs separated by commas (key ${index + 1} has no valid id)`);
      }
      const encoded = item.slice(colon + 1);
      const key = Buffer.from(encoded, 'base64');
      if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
        throw new Error(`key ${id} must be 32 bytes in base64 (e.g. openssl rand -base64 32)`);
      }
      // Printed or logged, a key shows its id only.
      return { id, key, toJSON: () => ({ id }) };
    });
  if (keys.length === 0) throw new Error('must hold at least one id:base64key');
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) throw new Error('has the same key id twice');
  return keys;
}
