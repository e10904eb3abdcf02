// Browser sessions: a random cookie value; the database keeps only its digest and expiry.
import { SessionModel } from '../../db/models/session';
import { digest, newSecret } from './secrets';

export async function startSession(
  userId: string,
  via: 'password' | 'wecom',
  hours: number,
): Promise<{ token: string; expiresAt: Date }> {
  const now = new Date();
  // No TTL indexes on FerretDB: sweep the expired ones here, where sessions are created anyway.
  await SessionModel.deleteMany({ expiresAt: { $lt: now } });
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + hours * 3600_000);
  await SessionModel.create({ _id: digest(token), userId, createdAt: now, expiresAt, via });
  return { token, expiresAt };
}

/** The signed-in user id, or undefined for an unknown or expired session. */
export async function sessionUserId(token: string): Promise<string | undefined> {
  const session = await SessionModel.findById(digest(token)).lean();
  if (!session || session.expiresAt.getTime() <= Date.now()) return undefined;
  return session.userId;
}

export async function endSession(token: string): Promise<void> {
  await SessionModel.deleteOne({ _id: digest(token) });
}

/** Signs a user out everywhere (disabled, role changed, password reset). */
export async function endSessionsOf(userId: string): Promise<void> {
  await SessionModel.deleteMany({ userId });
}
