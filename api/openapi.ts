// The OpenAPI 3.1 document of the api, generated from the route definitions (api/route.ts) and
// their zod schemas (z.toJSONSchema, JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
import { z } from 'zod';
import { openApiPath, type Route } from './route';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const ACCESS_TEXT: Record<Route['access'], string> = {
  public: 'No credentials.',
  user: 'Any signed-in user or API token; agents see only their own conversations and tickets and the queue.',
  kbEditor: 'Users with the knowledge-base editor permission, and admins.',
  supervisor: 'Supervisors and admins.',
  admin: 'Admins (or ADMIN_API_TOKEN).',
};

function parameters(route: Route) {
  const list: JsonSchema[] = [];
  for (const [where, object] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!object) continue;
    for (const [name, schema] of Object.entries(object.shape as Record<string, z.ZodType>)) {
      list.push({
        name,
        in: where,
        required: where === 'path' || !schema.safeParse(undefined).success,
        schema: toSchema(schema, 'input'),
        ...(schema.description ? { description: schema.description } : {}),
      });
    }
  }
  // Express path segments without a schema still appear, as plain strings.
  for (const match of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
    if (!list.some((p) => p.in === 'path' && p.name === match[1]))
      list.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  return list;
}

export function openApiDocument(routes: Route[], info: { title: string; version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const success = route.response ?? { description: 'OK' };
    const errors: Record<string, { description: string }> = { '400': { description: 'Invalid request' } };
    if (route.access !== 'public') {
      errors['401'] = { description: 'No valid credentials' };
      errors['403'] = { description: 'Not allowed for this caller' };
    }
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: `${route.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string) => (c ? c.toUpperCase() : ''))}`,
      summary: route.summary,
      description: [route.description, `Access: ${ACCESS_TEXT[route.access]}`].filter(Boolean).join('\n\n'),
      tags: [route.tag],
      'x-access': route.access,
      security: route.access === 'public' ? [] : [{ cookieAuth: [] }, { bearerAuth: [] }],
      parameters: parameters(route),
      ...(route.body
        ? {
            requestBody: {
              required: !route.body.safeParse(undefined).success,
              content: { [route.bodyType ?? 'application/json']: { schema: toSchema(route.body, 'input') } },
            },
          }
        : {}),
      responses: {
        '200': {
          description: success.description,
          ...(success.schema || success.type
            ? {
                content: {
                  [success.type ?? 'application/json']: success.schema
                    ? { schema: toSchema(success.schema, 'output') }
                    : {},
                },
              }
            : {}),
        },
        ...errors,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description:
        'The REST API of the customer-service system: conversations and agent actions, tickets, the knowledge base, agents, users and API tokens. Sign in on the web pages (session cookie) or send an API token (`Authorization: Bearer cst_…`, or ADMIN_API_TOKEN).',
    },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      securitySchemes: {
        cookieAuth: {
          type: 'apiKey',
          in: 'cookie',
          name: 'cs_session',
          description: 'Set by POST /api/auth/login or the WeCom sign-in (named __Host-cs_session over https).',
        },
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (POST /api/tokens) acting as its user, or ADMIN_API_TOKEN (admin).',
        },
      },
    },
  };
}
