// Answers only for our own host names: PUBLIC_URL's, ALLOWED_HOSTS, and loopback. A request for
// any other Host (DNS rebinding, a stray virtual host, cache poisoning through a forged Host) gets
// 421 before it reaches a route.
import type { NextFunction, Request, Response } from 'express';

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]', '::1'];

export function hostCheck(publicUrl: string, allowed: string[]) {
  const names = new Set([new URL(publicUrl).hostname, ...allowed, ...LOOPBACK].map((h) => h.toLowerCase()));
  return (req: Request, res: Response, next: NextFunction): void => {
    const host = (req.headers.host ?? '').toLowerCase();
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
    if (names.has(name)) return next();
    res.status(421).type('text/plain').send('unknown host');
  };
}
