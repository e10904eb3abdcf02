// The Temporal UI through the api, for supervisors and admins only: /temporal/* is forwarded to
// the UI on the internal network (TEMPORAL_UI_UPSTREAM; run the UI with TEMPORAL_UI_PUBLIC_PATH=
// /temporal). So the UI needs no port of its own, sits behind our sign-in, and calls the codec
// endpoint on the same origin with the supervisor's session: readable conversations for them,
// nothing at all for anyone else. Our session cookie and bearer token are not passed on.
import http from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { callerOf } from './auth/authenticate';
import { seesEverything } from './auth/principal';

export const TEMPORAL_UI_PATH = '/temporal';

export function temporalUiProxy(upstream: string, sessionCookieName: string) {
  const target = new URL(upstream);
  return (req: Request, res: Response, next: NextFunction): void => {
    const caller = callerOf(res);
    if (!caller) {
      if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html')
        return res.redirect(302, `/console/login.html?next=${encodeURIComponent(req.originalUrl)}`);
      return void res.status(401).json({ error: 'sign in as a supervisor to open the Temporal UI' });
    }
    if (!seesEverything(caller))
      return void res.status(403).json({ error: 'the Temporal UI is for supervisors and admins' });

    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: target.host };
    delete headers.authorization;
    const cookies = (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim())
      .filter((c) => c && !c.startsWith(`${sessionCookieName}=`));
    if (cookies.length > 0) headers.cookie = cookies.join('; ');
    else delete headers.cookie;
    headers['x-forwarded-proto'] = req.protocol;
    headers['x-forwarded-host'] = req.headers.host;

    const forwarded = http.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.originalUrl,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', (error) => {
      if (res.headersSent) return void res.destroy(error);
      next(Object.assign(new Error(`Temporal UI unreachable: ${error.message}`), { status: 502 }));
    });
    req.pipe(forwarded);
  };
}
