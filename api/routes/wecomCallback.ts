// GET/POST /wecom/callback: WeCom's URL verification and its encrypted kf callbacks (WECOM.md
// "Callback"). A valid kf_msg_or_event is handed to the sink (signal-with-start of the account's
// inbox workflow) before "success" is answered: if that fails we answer 500 and WeCom retries,
// so no news is lost; the sink is a single Temporal call, well inside WeCom's 5 s.
import { trace } from '@opentelemetry/api';
import express from 'express';
import { z } from 'zod';
import type { Logger } from '../../config/logger';
import { CallbackXmlError, parseCallbackEvent, parseEnvelope } from '../../wecom/callbackXml';
import { CallbackCryptoError, decryptPayload, isValidSignature, type CallbackCredentials } from '../../wecom/crypto';
import type { KfCallbackEvent } from '../kfInboxSink';
import { defineRoute, type Route } from '../route';

export interface WecomCallbackOptions {
  credentials: CallbackCredentials;
  sink: (event: KfCallbackEvent) => Promise<void>;
  log: Logger;
  /** Callbacks whose timestamp is further than this from our clock are refused (replays). */
  maxClockSkewSeconds?: number;
  now?: () => number;
}

const signed = {
  msg_signature: z.string().min(1).max(128),
  timestamp: z.string().regex(/^\d{1,12}$/, 'must be seconds since the epoch'),
  nonce: z.string().min(1).max(128),
};

export function wecomCallbackRoutes(options: WecomCallbackOptions): Route[] {
  const { credentials, log } = options;
  const skew = options.maxClockSkewSeconds ?? 300;
  const now = options.now ?? Date.now;
  // The same window for the URL verification and the callbacks: an old signed request replayed
  // is refused either way.
  const fresh = (timestamp: string) => Math.abs(now() / 1000 - Number(timestamp)) <= skew;

  return [
    defineRoute({
      method: 'get',
      path: '/wecom/callback',
      tag: 'WeCom callback',
      summary: 'WeCom’s URL verification (answers the decrypted echostr)',
      description: 'Authenticated by WeCom’s msg_signature over the Token, not by our credentials.',
      access: 'public',
      // Express has already URL-decoded the query.
      query: z.object({ ...signed, echostr: z.string().min(1).max(1024) }),
      response: { description: 'The decrypted echostr', type: 'text/plain' },
      handle({ query, res }) {
        if (!fresh(query.timestamp)) return void res.status(403).type('text/plain').send('stale timestamp');
        if (!isValidSignature(credentials.token, query, query.echostr))
          return void res.status(403).type('text/plain').send('bad signature');
        try {
          res.type('text/plain').send(decryptPayload(credentials, query.echostr));
        } catch (error) {
          log.warn({ error: (error as Error).message }, 'URL verification: bad echostr');
          res.status(400).type('text/plain').send('bad echostr');
        }
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/wecom/callback',
      tag: 'WeCom callback',
      summary: 'WeCom’s encrypted kf callback (kf_msg_or_event)',
      description: 'Authenticated by WeCom’s msg_signature over the Token, not by our credentials.',
      access: 'public',
      query: z.object(signed),
      body: z.string().max(64 * 1024),
      bodyType: 'text/xml',
      before: [express.text({ type: () => true, limit: '64kb' })],
      response: { description: '`success`', type: 'text/plain' },
      async handle({ query, body, res }) {
        if (!fresh(query.timestamp)) return void res.status(403).type('text/plain').send('stale timestamp');
        let event;
        try {
          const { encrypt } = parseEnvelope(body);
          if (!isValidSignature(credentials.token, query, encrypt)) {
            log.warn('callback with a bad signature refused');
            return void res.status(403).type('text/plain').send('bad signature');
          }
          event = parseCallbackEvent(decryptPayload(credentials, encrypt));
        } catch (error) {
          if (error instanceof CallbackXmlError || error instanceof CallbackCryptoError) {
            log.warn({ error: error.message }, 'callback refused');
            return void res.status(400).type('text/plain').send(error.message);
          }
          throw error;
        }
        if (event.MsgType === 'event' && event.Event === 'kf_msg_or_event' && event.OpenKfId) {
          trace.getActiveSpan()?.setAttribute('wecom.open_kfid', event.OpenKfId);
          try {
            await options.sink({ openKfId: event.OpenKfId, token: event.Token });
          } catch (error) {
            log.error(
              { error: (error as Error).message, openKfId: event.OpenKfId },
              'could not hand the callback to the inbox',
            );
            return void res.status(500).type('text/plain').send('retry later');
          }
        } else {
          log.info({ msgType: event.MsgType, event: event.Event }, 'callback ignored: not a kf event');
        }
        res.type('text/plain').send('success');
        return undefined;
      },
    }),
  ];
}
