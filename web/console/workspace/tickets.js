// The ticket list (工单): mine, my team's (who shares a skill with me; supervisors: everyone's) or
// all (supervisors), only the overdue ones, by status; soonest due first, each with its live due
// time. Read from the api when shown, when a filter changes, after a change and every half minute
// while it is in view (the tickets collection grows: never faster).
import { api, refusalText } from './api.js';
import { tick } from './clock.js';
import { $, $$, make } from './dom.js';
import { word } from './labels.js';
import { isSupervisor } from './session.js';
import { agentName, dueClock } from './ticketPage.js';

const REFRESH_MS = 30_000;
const filters = { scope: 'mine', overdue: false, status: '' };
let onOpen = () => undefined;
let selected;
let timer;

export const ticketViewShown = () => document.body.classList.contains('ticket-view');

function item(ticket) {
  const li = make('li');
  li.dataset.ticket = ticket.ticketNo;
  li.tabIndex = 0;
  if (ticket.ticketNo === selected) li.classList.add('selected');
  const top = make('div', undefined, 'row-top');
  top.append(make('strong', ticket.title, 'name'));
  top.append(make('span', word('ticketStatuses', ticket.status), `status ${ticket.status}`));
  li.append(top);
  const meta = make('div', undefined, 'meta');
  meta.append(
    make('span', `${ticket.ticketNo} · ${word('ticketPriorities', ticket.priority)}`, `priority ${ticket.priority}`),
    make('span', ` · ${agentName(ticket.assignee)}`),
  );
  li.append(meta);
  const due = make('div', undefined, 'meta');
  if (['open', 'in_progress'].includes(ticket.status)) {
    due.append(dueClock(ticket, 'ticket-due'));
  }
  due.append(make('span', ` ${ticket.nickname ?? ticket.externalUserId}`, 'customer'));
  li.append(due);
  li.addEventListener('click', () => onOpen(ticket.ticketNo));
  li.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') onOpen(ticket.ticketNo);
  });
  return li;
}

export async function loadTickets() {
  clearTimeout(timer);
  if (ticketViewShown() && !document.hidden) timer = setTimeout(() => void loadTickets(), REFRESH_MS);
  const query = new URLSearchParams({ scope: filters.scope });
  if (filters.overdue) query.set('overdue', 'true');
  if (filters.status) query.set('status', filters.status);
  const list = $('#ticket-items');
  let tickets;
  try {
    tickets = await api('GET', `/api/tickets?${query}`);
  } catch (error) {
    list.replaceChildren(make('li', refusalText(error), 'none'));
    return;
  }
  list.replaceChildren(...(tickets.length ? tickets.map(item) : [make('li', '没有符合条件的工单', 'none')]));
  $('#ticket-view-count').textContent = tickets.length ? String(tickets.length) : '';
  tick(list);
}

/** Marks the ticket shown on its page. */
export function selectTicket(ticketNo) {
  selected = ticketNo;
  for (const li of $$('#ticket-items li')) li.classList.toggle('selected', li.dataset.ticket === ticketNo);
}

function drawFilters() {
  for (const button of $$('[data-scope]'))
    button.setAttribute('aria-pressed', String(button.dataset.scope === filters.scope));
}

export function initTickets(open) {
  onOpen = open;
  if (isSupervisor()) filters.scope = 'all';
  for (const button of $$('[data-scope]')) {
    button.hidden = button.dataset.scope === 'all' && !isSupervisor();
    button.addEventListener('click', () => {
      filters.scope = button.dataset.scope;
      drawFilters();
      void loadTickets();
    });
  }
  const box = $('#ticket-list');
  box.querySelector('[name=overdue]').addEventListener('change', (event) => {
    filters.overdue = event.target.checked;
    void loadTickets();
  });
  box.querySelector('[name=status]').addEventListener('change', (event) => {
    filters.status = event.target.value;
    void loadTickets();
  });
  drawFilters();
}
