// The OpenAPI document is generated from the route definitions: every route the app mounts is in
// it, with its auth schemes, and what it marks invalid the api refuses.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { openApiPath } from '../../api/route';
import { createTemporalClient } from '../../api/temporal';
import { loadConfig } from '../../config/env';
import { createLogger } from '../../config/logger';
import { sandboxDevCredentials } from '../../wecom/sandbox/devCredentials';
import { connectTestMongo, dropTestMongo } from '../support/servers';
import { randomAdminToken } from '../support/users';

type Schema = {
  type?: string;
  required?: string[];
  additionalProperties?: boolean;
  maximum?: number;
  pattern?: string;
};
interface Operation {
  security: Record<string, string[]>[];
  'x-access': string;
  parameters: { name: string; in: 'path' | 'query'; required: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string; in?: string }> };
}

/** Every (method, path) the express app answers, read from its router. */
function mountedRoutes(app: Express): { method: string; path: string }[] {
  const found: { method: string; path: string }[] = [];
  const walk = (
    stack: { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown } }[],
  ) => {
    for (const layer of stack) {
      if (layer.route)
        for (const method of Object.keys(layer.route.methods)) found.push({ method, path: layer.route.path });
      else if (Array.isArray(layer.handle?.stack)) walk(layer.handle.stack as never);
    }
  };
  walk((app as unknown as { router: { stack: never } }).router.stack);
  return found;
}

/** A value that satisfies a path parameter's schema. */
const sample: Record<string, string> = {
  conversationId: 'conv:wkNone:wmNone:1',
  ticketNo: 'T20260101-0001',
  entryId: 'no-such-entry',
  agentId: 'nobody',
  userId: 'nobody',
  tokenId: '0123456789ab',
  replyId: 'qr_none',
  consultId: 'consult_00000000000000000000000000000000',
};

describe('OpenAPI document', () => {
  const adminToken = randomAdminToken();
  let app: Express;
  let server: Server;
  let url: string;
  let doc: Document;

  before(async () => {
    await connectTestMongo('openapi');
    const config = loadConfig({
      ...process.env,
      ADMIN_API_TOKEN: adminToken,
      WECOM_CORP_ID: sandboxDevCredentials.corpId,
      WECOM_SECRET: sandboxDevCredentials.secret,
      WECOM_TOKEN: sandboxDevCredentials.token,
      WECOM_ENCODING_AES_KEY: sandboxDevCredentials.encodingAesKey,
      WECOM_AGENT_ID: '1000002',
      PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    });
    app = createApp({
      config,
      temporal: createTemporalClient({ address: '127.0.0.1:1', namespace: 'default' }),
      log: createLogger('test', 'silent'),
    });
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const res = await fetch(`${url}/api/openapi.json`);
    assert.equal(res.status, 200, 'the document needs no credentials');
    doc = (await res.json()) as Document;
  });
  after(async () => {
    server?.close();
    await dropTestMongo();
  });

  it('is OpenAPI 3.1 with the cookie and bearer schemes', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
      ...doc.components.securitySchemes.bearerAuth,
      type: 'http',
      scheme: 'bearer',
    });
    assert.equal(doc.components.securitySchemes.cookieAuth!.in, 'cookie');
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const schemes = operation.security.flatMap((s) => Object.keys(s)).sort();
        if (operation['x-access'] === 'public') assert.deepEqual(schemes, [], `${method} ${path}`);
        else assert.deepEqual(schemes, ['bearerAuth', 'cookieAuth'], `${method} ${path}`);
      }
    }
  });

  it('describes every route the app mounts', () => {
    const routes = mountedRoutes(app);
    assert.ok(routes.length > 30, `found ${routes.length} routes`);
    const missing = routes.filter(({ method, path }) => !doc.paths[openApiPath(path)]?.[method]);
    assert.deepEqual(missing, []);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    assert.equal(documented.length, routes.length, 'and nothing it does not mount');
  });

  it('refuses every request the document marks invalid', async () => {
    const checked: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const pathParams = operation.parameters.filter((p) => p.in === 'path');
        const concrete = pathParams.reduce(
          (p, param) => p.replace(`{${param.name}}`, encodeURIComponent(sample[param.name]!)),
          path,
        );
        const send = (target: string, body?: unknown, type = 'application/json') =>
          fetch(`${url}${target}`, {
            method: method.toUpperCase(),
            headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': type }) },
            body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
            redirect: 'manual',
          });
        const requiredQuery = Object.fromEntries(
          operation.parameters.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, '1']),
        );
        const withQuery = (extra: Record<string, string> = {}) => {
          const query = new URLSearchParams({ ...requiredQuery, ...extra }).toString();
          return query ? `${concrete}?${query}` : concrete;
        };

        // A JSON body with a property the document does not allow.
        const json = operation.requestBody?.content['application/json']?.schema;
        if (json) {
          assert.equal(json.additionalProperties, false, `${method} ${path}: the body schema is closed`);
          const res = await send(withQuery(), { notInTheDocument: true });
          assert.equal(res.status, 400, `${method} ${path} with an unknown body property: ${await res.text()}`);
          checked.push(`${method} ${path} body`);
        }
        // A query parameter above its documented maximum, a required one missing.
        for (const param of operation.parameters.filter((p) => p.in === 'query')) {
          if (param.schema.maximum !== undefined) {
            const res = await send(
              withQuery({ [param.name]: String(param.schema.maximum + 1) }),
              json ? {} : undefined,
            );
            assert.equal(res.status, 400, `${method} ${path} ?${param.name} over its maximum`);
            checked.push(`${method} ${path} ?${param.name}`);
          }
          if (param.required) {
            const rest = Object.fromEntries(Object.entries(requiredQuery).filter(([k]) => k !== param.name));
            const query = new URLSearchParams(rest).toString();
            const res = await send(
              query ? `${concrete}?${query}` : concrete,
              method === 'post' ? '<xml/>' : undefined,
              'text/xml',
            );
            assert.equal(res.status, 400, `${method} ${path} without ${param.name}`);
            checked.push(`${method} ${path} without ${param.name}`);
          }
        }
        // A path parameter that breaks its documented pattern.
        for (const param of pathParams.filter((p) => p.schema.pattern)) {
          const res = await send(path.replace(`{${param.name}}`, 'not%20valid!'), json ? {} : undefined);
          assert.equal(res.status, 400, `${method} ${path} with a bad ${param.name}`);
          checked.push(`${method} ${path} {${param.name}}`);
        }
      }
    }
    assert.ok(checked.length > 40, `checked ${checked.length} invalid requests`);
  });
});
