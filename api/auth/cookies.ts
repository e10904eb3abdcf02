// The session cookie: HttpOnly (no script can read it), SameSite=Lax (not sent on cross-site
// POSTs), Secure and __Host- prefixed when the public URL is https (never sent in clear, and no
// subdomain can set one for us).
import type { Request, Response } from 'express';

export const isHttps = (publicUrl: string) => publicUrl.startsWith('https:');

export const sessionCookieName = (publicUrl: string) => (isHttps(publicUrl) ? '__Host-cs_session' : 'cs_session');

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function setCookie(
  res: Response,
  publicUrl: string,
  name: string,
  value: string,
  options: { expires?: Date; maxAgeSeconds?: number },
): void {
  const attributes = [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    ...(isHttps(publicUrl) ? ['Secure'] : []),
    ...(options.expires ? [`Expires=${options.expires.toUTCString()}`] : []),
    ...(options.maxAgeSeconds !== undefined ? [`Max-Age=${options.maxAgeSeconds}`] : []),
  ];
  res.append('Set-Cookie', attributes.join('; '));
}

export const clearCookie = (res: Response, publicUrl: string, name: string) =>
  setCookie(res, publicUrl, name, '', { maxAgeSeconds: 0 });
