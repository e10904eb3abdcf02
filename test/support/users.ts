// Users and credentials for tests, written straight into the test's database: a user with a role,
// and an API token or a password to act as them through the real api.
import { randomBytes } from 'node:crypto';
import { issueApiToken } from '../../api/auth/apiTokens';
import { hashPassword } from '../../api/auth/passwords';
import type { Principal } from '../../api/auth/principal';
import { UserModel, type Role } from '../../db/models/user';

export interface TestUser {
  userId: string;
  role?: Role;
  /** The agent they serve as (default: their userId for agents and supervisors). */
  agentId?: string | null;
  kbEditor?: boolean;
  wecomUserId?: string;
  password?: string;
}

export async function ensureUser(user: TestUser): Promise<void> {
  const role = user.role ?? 'agent';
  const agentId = user.agentId === null ? undefined : (user.agentId ?? (role === 'admin' ? undefined : user.userId));
  const now = new Date();
  await UserModel.updateOne(
    { userId: user.userId },
    {
      $setOnInsert: {
        userId: user.userId,
        name: user.userId,
        role,
        kbEditor: user.kbEditor ?? false,
        ...(agentId ? { agentId } : {}),
        ...(user.wecomUserId ? { wecomUserId: user.wecomUserId } : {}),
        ...(user.password ? { passwordHash: await hashPassword(user.password) } : {}),
        disabled: false,
        createdAt: now,
        updatedAt: now,
      },
    },
    { upsert: true },
  );
}

/** An API token acting as this user (created first when missing). */
export async function tokenFor(user: TestUser): Promise<string> {
  await ensureUser(user);
  return (await issueApiToken({ userId: user.userId, name: 'test', createdBy: 'test' })).token;
}

export const randomAdminToken = () => randomBytes(24).toString('hex');

/** A signed-in caller as the routes see it, for the pure access rules' tests (an agent unless said). */
export function principal(
  userId: string,
  role: Principal['role'] = 'agent',
  agentId: string | undefined = userId,
): Principal {
  return { userId, name: userId, role, kbEditor: false, agentId, via: 'session' };
}
