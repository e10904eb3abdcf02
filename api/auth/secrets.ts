// Random credentials and how they are stored: only a SHA-256 digest is kept for a session or an
// API token (they are long random values, so a fast digest is enough; passwords use scrypt).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const newSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

export const digest = (value: string) => createHash('sha256').update(value).digest('hex');

/** Constant-time comparison of two secrets of any length. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(digest(a), 'hex'), Buffer.from(digest(b), 'hex'));
}
