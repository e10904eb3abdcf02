// API tokens for integrations: `cst_<tokenId>_<secret>`, shown once; stored as a digest, listed and
// revoked by tokenId. A token acts as its user, with that user's role.
import { randomBytes } from 'node:crypto';
import { ApiTokenModel } from '../../db/models/apiToken';
import { digest, newSecret } from './secrets';

export const API_TOKEN_PREFIX = 'cst_';

export interface IssuedToken {
  token: string;
  tokenId: string;
  userId: string;
  name: string;
  createdAt: Date;
  expiresAt?: Date;
}

export async function issueApiToken(req: {
  userId: string;
  name: string;
  createdBy: string;
  expiresInDays?: number;
}): Promise<IssuedToken> {
  const tokenId = randomBytes(6).toString('hex');
  const token = `${API_TOKEN_PREFIX}${tokenId}_${newSecret()}`;
  const createdAt = new Date();
  const expiresAt = req.expiresInDays ? new Date(createdAt.getTime() + req.expiresInDays * 86_400_000) : undefined;
  await ApiTokenModel.create({
    _id: digest(token),
    tokenId,
    userId: req.userId,
    name: req.name,
    createdAt,
    createdBy: req.createdBy,
    expiresAt,
  });
  return { token, tokenId, userId: req.userId, name: req.name, createdAt, expiresAt };
}

/** The token's user id, or undefined for an unknown, revoked or expired token. */
export async function apiTokenUserId(token: string): Promise<string | undefined> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
  const record = await ApiTokenModel.findById(digest(token)).lean();
  if (!record || record.revokedAt) return undefined;
  if (record.expiresAt && record.expiresAt.getTime() <= Date.now()) return undefined;
  return record.userId;
}
