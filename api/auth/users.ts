// Users as the api sees them: the active user behind a credential, the principal it acts as, and
// the view other users and integrators get (never the password hash).
import { UserModel, type User } from '../../db/models/user';
import type { Principal } from './principal';

export async function activeUser(userId: string): Promise<User | undefined> {
  const user = await UserModel.findOne({ userId }).lean();
  return user && !user.disabled ? user : undefined;
}

export function principalOf(user: User, via: Principal['via']): Principal {
  return {
    userId: user.userId,
    name: user.name,
    role: user.role,
    kbEditor: Boolean(user.kbEditor),
    ...(user.agentId ? { agentId: user.agentId } : {}),
    via,
  };
}

export function userView(user: User & { _id?: unknown }) {
  const { passwordHash, _id, ...rest } = user;
  return { ...rest, hasPassword: Boolean(passwordHash) };
}
