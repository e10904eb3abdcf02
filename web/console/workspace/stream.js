// The live connection to the api (server-sent events, api/workspace/hub.ts): lists, agents, the
// open conversation's snapshot, `gone`, `notes`, `rapidSupport` (the group's requests for help) and
// `customer` (its customer's profile changed). Opening another conversation reconnects with it; a
// lost connection comes back by itself, and one refused for being signed out sends the browser to
// sign in.
import { api } from './api.js';
import { syncClock } from './clock.js';

const EVENTS = ['lists', 'agents', 'snapshot', 'gone', 'notes', 'rapidSupport', 'customer'];
let source;
let retry;

export function connect(open, handlers, onLive) {
  clearTimeout(retry);
  source?.close();
  const url = `/api/workspace/events${open ? `?open=${encodeURIComponent(open)}` : ''}`;
  const current = new EventSource(url);
  source = current;
  for (const name of EVENTS) {
    current.addEventListener(name, (event) => {
      const data = JSON.parse(event.data);
      syncClock(data.serverNow);
      handlers[name]?.(data);
    });
  }
  current.onopen = () => onLive(true);
  current.onerror = () => {
    onLive(false);
    if (current.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
    // Refused (signed out?): api() sends the browser to sign in on a 401; else try again shortly.
    retry = setTimeout(async () => {
      await api('GET', '/api/auth/me');
      if (source === current) connect(open, handlers, onLive);
    }, 3000);
  };
}
