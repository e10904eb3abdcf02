// For the people who run the system: /metrics (supervisors and admins; Prometheus scrapes the
// internal API_METRICS_PORT instead), the effective settings (admins; secrets are only said to be
// set), and the OpenAPI document (public: it describes, it holds nothing).
import { register } from 'prom-client';
import type { Config } from '../../config/env';
import { defineRoute, type Route } from '../route';

const SECRET_KEYS = new Set([
  'WECOM_SECRET',
  'WECOM_TOKEN',
  'WECOM_ENCODING_AES_KEY',
  'OPENAI_API_KEY',
  'ADMIN_API_TOKEN',
  'PAYLOAD_ENCRYPTION_KEYS',
  'ALERT_WEBHOOK_URL',
  'MONGODB_URI',
]);

export function settingsView(config: Config): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!/^[A-Z_]+$/.test(key) || value === undefined) continue;
    if (key === 'PAYLOAD_ENCRYPTION_KEYS')
      view[key] = { set: true, keyIds: (value as { id: string }[]).map((k) => k.id) };
    else view[key] = SECRET_KEYS.has(key) ? { set: true } : value;
  }
  return view;
}

export function operationsRoutes(config: Config, openApi: () => unknown): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/metrics',
      tag: 'operations',
      summary: 'Prometheus metrics of the api',
      access: 'supervisor',
      response: { description: 'Prometheus text format', type: 'text/plain' },
      async handle({ res }) {
        res.type(register.contentType).send(await register.metrics());
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/settings',
      tag: 'operations',
      summary: 'The effective configuration (secrets shown only as set)',
      access: 'admin',
      handle: () => settingsView(config),
    }),
    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      tag: 'operations',
      summary: 'This document (OpenAPI 3.1)',
      access: 'public',
      handle: () => openApi(),
    }),
  ];
}
