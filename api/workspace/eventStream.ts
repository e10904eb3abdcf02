// One server-sent-events stream to a browser: the headers that keep proxies from buffering it, named
// events with JSON data, a comment now and then so idle connections stay open, and an end after a
// while so the browser reconnects and signs in again (a disabled user or an ended session loses
// the stream within that time, as every other request would be refused at once).
import type { Response } from 'express';

const KEEPALIVE_MS = 15_000;
/** Browsers reconnect this long after the stream ends (EventSource's retry). */
const RECONNECT_MS = 1000;

export interface EventStream {
  send(event: string, data: unknown): void;
  close(): void;
  readonly closed: boolean;
}

export function openEventStream(res: Response, lifetimeMs: number, onClose: () => void): EventStream {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write(`retry: ${RECONNECT_MS}\n\n`);

  let closed = false;
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  const lifetime = setTimeout(() => stream.close(), lifetimeMs);
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    clearTimeout(lifetime);
    onClose();
  };
  res.on('close', finish);

  const stream: EventStream = {
    send(event, data) {
      if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close() {
      finish();
      res.end();
    },
    get closed() {
      return closed;
    },
  };
  return stream;
}
