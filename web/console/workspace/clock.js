// The one clock of the page: the server's time (each event carries serverNow, so a browser whose
// clock is off still counts the workflow's deadlines right), and a tick that updates
// every live time on the page: countdowns (data-due), waits (data-since) and warnings that appear
// at a moment (data-show-from).
import { make } from './dom.js';
import { duration } from './format.js';

let skew = 0;

export const now = () => Date.now() + skew;

export function syncClock(serverNow) {
  if (typeof serverNow === 'number') skew = serverNow - Date.now();
}

/** Writes every live time under root; called each second and after each render. */
export function tick(root = document) {
  const t = now();
  for (const node of root.querySelectorAll('[data-due]')) {
    const left = Number(node.dataset.due) - t;
    node.querySelector('.clock-value').textContent = duration(Math.max(0, left));
    node.classList.toggle('overdue', left <= 0);
  }
  for (const node of root.querySelectorAll('[data-since]')) {
    node.querySelector('.clock-value').textContent = duration(Math.max(0, t - Number(node.dataset.since)));
  }
  for (const node of root.querySelectorAll('[data-show-from]')) {
    node.hidden = t < Number(node.dataset.showFrom);
  }
}

// Four times a second: a shown time is never more than a quarter of a second behind.
setInterval(() => tick(), 250);

/** A live time: its label, then the ticking value (a countdown to `due`, or the wait since `since`). */
export function liveTime(label, { due, since, className = '' }) {
  const node = make('span', undefined, `clock ${className}`.trim());
  if (due !== undefined) node.dataset.due = String(due);
  if (since !== undefined) node.dataset.since = String(since);
  node.append(make('span', label, 'clock-label'), ' ', make('b', '', 'clock-value'));
  return node;
}
