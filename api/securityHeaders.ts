// Headers every answer carries: a Content-Security-Policy that lets our pages load only our own
// scripts and styles and be embedded only where FRAME_ANCESTORS allows (the WeCom sidebar), no
// MIME sniffing, no referrer leaking conversation ids, HSTS when served over https.
import type { NextFunction, Request, Response } from 'express';
import { TEMPORAL_UI_PATH } from './temporalUiProxy';

export function securityHeaders(options: { frameAncestors: string; https: boolean }) {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${options.frameAncestors}`,
  ].join('; ');
  return (req: Request, res: Response, next: NextFunction): void => {
    // The proxied Temporal UI brings its own headers (its pages need inline scripts).
    if (req.path === TEMPORAL_UI_PATH || req.path.startsWith(`${TEMPORAL_UI_PATH}/`)) return next();
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    if (options.https) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
    next();
  };
}
