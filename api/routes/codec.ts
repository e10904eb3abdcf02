// The codec endpoint (Temporal's remote codec protocol) for the Temporal UI and CLI: POST
// /api/codec/decode and /encode with `{payloads: [{metadata, data}]}` (bytes in base64). Only
// supervisors and admins get readable payloads, signed in on the web (the UI sends our session
// cookie with "include credentials") or with an API token (`temporal --codec-auth 'Bearer …'`);
// everyone else sees ciphertext. Every decode is logged with who asked.
import type { NextFunction, Request, Response } from 'express';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import type { Logger } from '../../config/logger';
import type { AesGcmPayloadCodec } from '../../temporal/payloadCodec';
import { PayloadDecryptionError } from '../../temporal/payloadCodec';
import { defineRoute, type Route } from '../route';
import { HttpError } from '../validate';

const base64 = z
  .string()
  .max(8_000_000)
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const payloads = z.strictObject({
  payloads: z
    .array(z.object({ metadata: z.record(z.string().max(256), base64).optional(), data: base64.optional() }))
    .max(1000),
});

const fromJson = (p: z.infer<typeof payloads>['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** CORS for the Temporal UI's origin only, with credentials (the session cookie). */
export function codecCors(allowedOrigins: string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    if (origin && allowedOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, x-namespace, authorization');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.vary('Origin');
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  };
}

export function codecRoutes(codec: AesGcmPayloadCodec | undefined, log: Logger): Route[] {
  const run = (direction: 'encode' | 'decode') =>
    defineRoute({
      method: 'post',
      path: `/api/codec/${direction}`,
      tag: 'codec',
      summary: `${direction === 'decode' ? 'Decrypt' : 'Encrypt'} Temporal payloads (remote codec for the Temporal UI and CLI)`,
      access: 'supervisor',
      body: payloads,
      async handle({ body, caller, req }) {
        if (!codec) throw new HttpError(404, 'payload encryption is not configured (PAYLOAD_ENCRYPTION_KEYS)');
        try {
          const out = await codec[direction](body.payloads.map(fromJson));
          log.info(
            { userId: caller.userId, direction, payloads: out.length, namespace: req.headers['x-namespace'] },
            'codec used',
          );
          return { payloads: out.map(toJson) };
        } catch (error) {
          if (error instanceof PayloadDecryptionError) throw new HttpError(400, error.message);
          throw error;
        }
      },
    });
  return [run('decode'), run('encode')];
}
