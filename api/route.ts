// One definition per REST route: its path, who may call it, and the zod schemas of its path
// parameters, query and body. The same definition validates requests, checks the caller, and
// becomes the route's entry in /api/openapi.json (api/openapi.ts), so the document cannot drift
// from what the api accepts.
import type { Request, RequestHandler, Response, Router } from 'express';
import { type z } from 'zod';
import { callerOf } from './auth/authenticate';
import { refusal, type Access, type Principal } from './auth/principal';
import { HttpError } from './validate';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface RouteInput<P, Q, B, A extends Access> {
  params: P;
  query: Q;
  body: B;
  /** The caller; absent only on public routes. */
  caller: A extends 'public' ? Principal | undefined : Principal;
  req: Request;
  res: Response;
}

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, A extends Access> {
  method: Method;
  /** Express syntax (`/api/tickets/:ticketNo`). */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  access: A;
  params?: P;
  query?: Q;
  body?: B;
  /** The body's media type when it is not JSON (the WeCom callback's XML). */
  bodyType?: string;
  /** What a success answers, for the document (JSON unless said otherwise). */
  response?: { description: string; type?: string; schema?: z.ZodType };
  /** Middleware before validation (a body parser of its own). */
  before?: RequestHandler[];
  /** Answers with the returned value as JSON, or answers itself and returns undefined. */
  handle(input: RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>, A>): unknown;
}

export type Route = RouteSpec<AnyObject, AnyObject, z.ZodType, Access>;

export function defineRoute<
  P extends AnyObject = AnyObject,
  Q extends AnyObject = AnyObject,
  B extends z.ZodType = z.ZodUndefined,
  A extends Access = Access,
>(spec: RouteSpec<P, Q, B, A>): Route {
  return spec as unknown as Route;
}

function parsePart(part: 'path parameter' | 'query' | 'request body', schema: z.ZodType, value: unknown): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new HttpError(400, `invalid ${part}: ${summary}`, issues);
}

/** Checks the caller against the route's access; throws the 401 or 403. */
function admit(route: Route, res: Response): Principal | undefined {
  if (route.access === 'public') return callerOf(res);
  const caller = callerOf(res);
  if (!caller) {
    const problem = res.locals.credentialProblem as string | undefined;
    res.setHeader('WWW-Authenticate', 'Bearer realm="api"');
    throw new HttpError(401, problem ?? 'sign in, or send an API token as Authorization: Bearer <token>');
  }
  if (route.access !== 'user') {
    const why = refusal(caller, route.access);
    if (why) throw new HttpError(403, why);
  }
  return caller;
}

export function mountRoutes(router: Router, routes: Route[]): void {
  for (const route of routes) {
    router[route.method](route.path, ...(route.before ?? []), async (req: Request, res: Response) => {
      const caller = admit(route, res);
      const input = {
        params: route.params ? parsePart('path parameter', route.params, req.params) : req.params,
        query: route.query ? parsePart('query', route.query, req.query) : {},
        body: route.body ? parsePart('request body', route.body, req.body ?? {}) : undefined,
        caller,
        req,
        res,
      };
      const result = await route.handle(input as never);
      if (result !== undefined && !res.headersSent) res.json(result);
    });
  }
}

/** `/api/tickets/:ticketNo` → `/api/tickets/{ticketNo}` */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
