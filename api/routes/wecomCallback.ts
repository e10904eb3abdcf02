// GET/POST /wecom/callback: WeCom's URL verification and its encrypted kf callbacks (WECOM.md
// "Callback"). A valid kf_msg_or_event is handed to the sink (signal-with-start of the account's
// inbox workflow) before "success" is answered: if that fails we answer 500 and WeCom retries,
// so no news is lost; the sink is a single Temporal call, well inside WeCom's 5 s.
import express, { Router, type Request } from 'express';
import type { Logger } from '../../config/logger';
import { CallbackXmlError, parseCallbackEvent, parseEnvelope } from '../../wecom/callbackXml';
import { CallbackCryptoError, decryptPayload, isValidSignature, type CallbackCredentials } from '../../wecom/crypto';
import type { KfCallbackEvent } from '../kfInboxSink';

export interface WecomCallbackOptions {
  credentials: CallbackCredentials;
  sink: (event: KfCallbackEvent) => Promise<void>;
  log: Logger;
  /** Callbacks whose timestamp is further than this from our clock are refused (replays). */
  maxClockSkewSeconds?: number;
  now?: () => number;
}

const SIGNED = ['msg_signature', 'timestamp', 'nonce'] as const;

function signedQuery(req: Request): { msg_signature: string; timestamp: string; nonce: string } | undefined {
  const values = SIGNED.map((key) => req.query[key]);
  if (!values.every((v): v is string => typeof v === 'string' && v.length > 0)) return undefined;
  const [msg_signature, timestamp, nonce] = values as [string, string, string];
  return { msg_signature, timestamp, nonce };
}

export function wecomCallbackRoutes(options: WecomCallbackOptions): Router {
  const { credentials, log } = options;
  const skew = options.maxClockSkewSeconds ?? 300;
  const now = options.now ?? Date.now;
  const router = Router();
  const fresh = (timestamp: string) => /^\d+$/.test(timestamp) && Math.abs(now() / 1000 - Number(timestamp)) <= skew;

  // URL verification. Express has already URL-decoded the query.
  router.get('/wecom/callback', (req, res) => {
    const query = signedQuery(req);
    const echostr = typeof req.query.echostr === 'string' ? req.query.echostr : undefined;
    if (!query || !echostr)
      return void res.status(400).type('text/plain').send('missing msg_signature, timestamp, nonce or echostr');
    if (!isValidSignature(credentials.token, query, echostr))
      return void res.status(403).type('text/plain').send('bad signature');
    try {
      res.type('text/plain').send(decryptPayload(credentials, echostr));
    } catch (error) {
      log.warn({ error: (error as Error).message }, 'URL verification: bad echostr');
      res.status(400).type('text/plain').send('bad echostr');
    }
  });

  router.post('/wecom/callback', express.text({ type: () => true, limit: '64kb' }), async (req, res) => {
    const query = signedQuery(req);
    if (!query) return void res.status(400).type('text/plain').send('missing msg_signature, timestamp or nonce');
    if (!fresh(query.timestamp)) return void res.status(403).type('text/plain').send('stale timestamp');
    let event;
    try {
      const { encrypt } = parseEnvelope(typeof req.body === 'string' ? req.body : '');
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
  });
  return router;
}
