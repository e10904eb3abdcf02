// Users, managed by admins: create with a role (and optionally a password, the KB editor
// permission, the agent they serve as, their WeCom userid), change, disable. Disabling or changing
// a role signs the user out everywhere; their API tokens stop working with them.
import { z } from 'zod';
import { ROLES, UserModel } from '../../db/models/user';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { endSessionsOf } from '../auth/sessions';
import { userView } from '../auth/users';
import { pageQuery } from '../pagination';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';

const userId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)');
const fields = {
  name: z.string().trim().min(1).max(64),
  role: z.enum(ROLES),
  kbEditor: z.boolean(),
  agentId: z.string().min(1).max(64),
  wecomUserId: z.string().min(1).max(64),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(256),
  disabled: z.boolean(),
};

export function userRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/users',
      tag: 'users',
      summary: 'List users',
      access: 'admin',
      query: z.object(pageQuery(100, 500)),
      async handle({ query }) {
        const users = await UserModel.find({}).sort({ userId: 1 }).skip(query.offset).limit(query.limit).lean();
        return users.map(userView);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/users',
      tag: 'users',
      summary: 'Create a user',
      access: 'admin',
      body: z.strictObject({
        userId,
        name: fields.name,
        role: fields.role,
        kbEditor: fields.kbEditor.default(false),
        agentId: fields.agentId.optional(),
        wecomUserId: fields.wecomUserId.optional(),
        password: fields.password.optional(),
      }),
      async handle({ body, res }) {
        const { password, ...user } = body;
        if (await UserModel.exists({ userId: user.userId })) throw new HttpError(409, `user ${user.userId} exists`);
        const now = new Date();
        const created = await UserModel.create({
          ...user,
          ...(password ? { passwordHash: await hashPassword(password) } : {}),
          disabled: false,
          createdAt: now,
          updatedAt: now,
        });
        res.status(201);
        return userView(created.toObject());
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/users/:userId',
      tag: 'users',
      summary: 'Change a user (role, permission, agent, WeCom userid, password, disabled)',
      access: 'admin',
      params: z.object({ userId }),
      body: z
        .strictObject({
          name: fields.name.optional(),
          role: fields.role.optional(),
          kbEditor: fields.kbEditor.optional(),
          agentId: fields.agentId.nullable().optional(),
          wecomUserId: fields.wecomUserId.nullable().optional(),
          password: fields.password.optional(),
          disabled: fields.disabled.optional(),
        })
        .refine((b) => Object.keys(b).length > 0, 'nothing to change'),
      async handle({ params, body }) {
        const { password, agentId, wecomUserId, ...rest } = body;
        const set: Record<string, unknown> = { ...rest, updatedAt: new Date() };
        const unset: Record<string, 1> = {};
        for (const [key, value] of Object.entries({ agentId, wecomUserId })) {
          if (value === null) unset[key] = 1;
          else if (value !== undefined) set[key] = value;
        }
        if (password) set.passwordHash = await hashPassword(password);
        const updated = await UserModel.findOneAndUpdate(
          { userId: params.userId },
          { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) },
          { returnDocument: 'after' },
        ).lean();
        if (!updated) throw new HttpError(404, `no user ${params.userId}`);
        // What the user may do has changed: every session starts again with the new rights.
        if (body.disabled || body.role || password || body.kbEditor !== undefined || agentId !== undefined)
          await endSessionsOf(params.userId);
        return userView(updated);
      },
    }),
  ];
}
