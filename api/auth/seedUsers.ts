// Users created when there are none yet: the demo users of the local stack (kb/demo-users.json,
// development only), or a USERS_FILE for a first deployment. Passwords in the file are hashed on
// the way in; a user without one signs in with WeCom or gets a password from an admin.
import fs from 'node:fs';
import { z } from 'zod';
import { ROLES, UserModel } from '../../db/models/user';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords';

const seedUser = z.object({
  userId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  name: z.string().min(1).max(64),
  role: z.enum(ROLES),
  kbEditor: z.boolean().default(false),
  agentId: z.string().min(1).max(64).optional(),
  wecomUserId: z.string().min(1).max(64).optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH).optional(),
});

export type SeedUser = z.infer<typeof seedUser>;

export function readUsersFile(file: string): SeedUser[] {
  const parsed = z.array(seedUser).safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.')} ${issue.message}`);
  }
  return parsed.data;
}

/** Creates the file's users if the collection is empty; returns how many were created. */
export async function seedUsers(file: string): Promise<number> {
  if ((await UserModel.countDocuments({})) > 0) return 0;
  const users = readUsersFile(file);
  const now = new Date();
  for (const { password, ...user } of users) {
    await UserModel.updateOne(
      { userId: user.userId },
      {
        $setOnInsert: {
          ...user,
          ...(password ? { passwordHash: await hashPassword(password) } : {}),
          disabled: false,
          createdAt: now,
          updatedAt: now,
        },
      },
      { upsert: true },
    );
  }
  return users.length;
}
