// API tokens for integrations. Each user creates and revokes their own (the token acts with their
// role); admins create tokens for any user (e.g. a service user for a CRM) and revoke any. The
// token is shown once, in the answer that creates it.
import { z } from 'zod';
import { ApiTokenModel } from '../../db/models/apiToken';
import { issueApiToken } from '../auth/apiTokens';
import { hasRole } from '../auth/principal';
import { activeUser } from '../auth/users';
import { pageQuery } from '../pagination';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';

const view = ({ _id, ...token }: { _id: unknown } & Record<string, unknown>) => token;

export function apiTokenRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/tokens',
      tag: 'API tokens',
      summary: 'List API tokens (yours; admins: everyone’s)',
      access: 'user',
      query: z.object(pageQuery(100, 500)),
      async handle({ query, caller }) {
        const filter = hasRole(caller, 'admin') ? {} : { userId: caller.userId };
        const tokens = await ApiTokenModel.find(filter)
          .sort({ createdAt: -1 })
          .skip(query.offset)
          .limit(query.limit)
          .lean();
        return tokens.map(view);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tokens',
      tag: 'API tokens',
      summary: 'Create an API token (the answer holds the token, shown once)',
      access: 'user',
      body: z.strictObject({
        name: z.string().trim().min(1).max(100),
        userId: z.string().min(1).max(64).optional().describe('Admins only: the user the token acts as.'),
        expiresInDays: z.number().int().min(1).max(3650).optional(),
      }),
      async handle({ body, caller, res }) {
        const owner = body.userId ?? caller.userId;
        if (owner !== caller.userId && !hasRole(caller, 'admin'))
          throw new HttpError(403, 'only admins create tokens for other users');
        if (caller.via === 'adminToken' && !body.userId)
          throw new HttpError(400, 'with ADMIN_API_TOKEN, name the userId the token acts as');
        if (!(await activeUser(owner))) throw new HttpError(404, `no active user ${owner}`);
        const issued = await issueApiToken({
          userId: owner,
          name: body.name,
          createdBy: caller.userId,
          expiresInDays: body.expiresInDays,
        });
        res.status(201);
        return issued;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/tokens/:tokenId',
      tag: 'API tokens',
      summary: 'Revoke an API token (at once)',
      access: 'user',
      params: z.object({ tokenId: z.string().regex(/^[0-9a-f]{12}$/) }),
      async handle({ params, caller }) {
        const token = await ApiTokenModel.findOne({ tokenId: params.tokenId }).lean();
        if (!token) throw new HttpError(404, `no token ${params.tokenId}`);
        if (token.userId !== caller.userId && !hasRole(caller, 'admin')) throw new HttpError(403, 'not your token');
        const revoked = await ApiTokenModel.findOneAndUpdate(
          { tokenId: params.tokenId },
          { $set: { revokedAt: token.revokedAt ?? new Date() } },
          { returnDocument: 'after' },
        ).lean();
        return view(revoked!);
      },
    }),
  ];
}
