// The agent workspace for the signed-in user, in the browser and in the WeCom sidebar: their
// conversations and the queue (supervisors everyone's), the open conversation and the helpers
// beside it, all live from one event stream; and the tickets they follow up, with a page for each.
// The open conversation or ticket is in the address (#c=…, #t=…), so a reload comes back to it.
// Plain modules, no build step.
import { api } from './api.js';
import { $, make } from './dom.js';
import { initCustomer, onCustomerChanged, showCustomer } from './customer.js';
import {
  closeConversation,
  customerShown,
  initDetail,
  onGone,
  onNotes,
  onSnapshot,
  openConversation,
  openConversationId,
  refreshDetail,
} from './detail.js';
import { loadLabels, word } from './labels.js';
import { redrawLists, renderLists } from './lists.js';
import { notifyOn, setNotify } from './notify.js';
import { initRapidSupport, membershipBox, onRapidSupport } from './rapidSupport.js';
import { initSearch } from './search.js';
import { isSupervisor, session } from './session.js';
import { connect } from './stream.js';
import './feedback.js'; // the 👍/👎 control under the bot's KB answers
import { initTicketForm } from './ticketForm.js';
import { closeTicket, initTicketPage, openTicket } from './ticketPage.js';
import { initTickets, loadTickets, selectTicket, ticketViewShown } from './tickets.js';
import { initTools, loadQuickReplies, questionChanged } from './tools.js';
import { agentsChanged, initTransfer } from './transfer.js';

const ROLES = { agent: '客服', supervisor: '主管', admin: '管理员' };

const listContext = () => ({ selected: openConversationId(), onOpen: open });

function open(conversationId) {
  closeTicket();
  history.replaceState(null, '', `#c=${encodeURIComponent(conversationId)}`);
  void openConversation(conversationId);
}

// ---------------------------------------------------------------- conversations or tickets

function showView(view) {
  document.body.classList.toggle('ticket-view', view === 'tickets');
  for (const tab of document.querySelectorAll('[data-view]'))
    tab.setAttribute('aria-selected', String(tab.dataset.view === view));
  const empty = $('#detail > .empty');
  if (empty) empty.textContent = view === 'tickets' ? '选择左侧的工单' : '选择左侧的会话';
  if (view === 'tickets') void loadTickets();
}

function openTicketPage(ticketNo) {
  if (openConversationId()) closeConversation();
  showView('tickets');
  history.replaceState(null, '', `#t=${encodeURIComponent(ticketNo)}`);
  selectTicket(ticketNo);
  void openTicket(ticketNo);
}

function leaveTicketPage() {
  closeTicket();
  selectTicket(undefined);
  history.replaceState(null, '', location.pathname);
  document.body.classList.remove('viewing');
  $('#detail').replaceChildren(make('p', '选择左侧的工单', 'empty'));
}

function wireViews() {
  for (const tab of document.querySelectorAll('[data-view]'))
    tab.addEventListener('click', () => showView(tab.dataset.view));
  initTickets(openTicketPage);
  initTicketPage({
    onBack: leaveTicketPage,
    onConversation: (conversationId) => {
      showView('conversations');
      open(conversationId);
    },
    onChanged: () => void loadTickets(),
  });
}

const handlers = {
  lists: (lists) => renderLists(lists, listContext()),
  agents: ({ agents }) => {
    session.agents = agents;
    showAgents(agents);
    agentsChanged();
  },
  snapshot: onSnapshot,
  gone: onGone,
  notes: onNotes,
  rapidSupport: onRapidSupport,
  customer: onCustomerChanged,
};

function live(on) {
  $('#live').classList.toggle('on', on);
  $('#live').title = on ? '实时连接正常' : '正在重新连接…';
}

// ---------------------------------------------------------------- the header

async function signIn() {
  session.me = await api('GET', '/api/auth/me');
  $('#me').textContent = `${session.me.name}（${ROLES[session.me.role] ?? session.me.role}）`;
  $('#status').hidden = !session.me.agentId;
  for (const section of document.querySelectorAll('.supervisor')) section.hidden = !isSupervisor();
}

function showAgents(agents) {
  const mine = agents.find((agent) => agent.agentId === session.me.agentId);
  if (mine && document.activeElement !== $('#status')) $('#status').value = mine.status;
  if (!isSupervisor()) return;
  $('#agents').replaceChildren(
    ...agents.map((agent) => {
      const row = make('tr');
      row.dataset.agent = agent.agentId;
      const status = make('select');
      status.setAttribute('aria-label', `${agent.name} 的状态`);
      for (const value of ['online', 'away', 'offline']) {
        const option = make('option', word('agentStatuses', value));
        option.value = value;
        status.append(option);
      }
      status.value = agent.status;
      status.addEventListener('change', async () => {
        const own = agent.agentId === session.me.agentId;
        const reason = own
          ? undefined
          : prompt(`为什么把 ${agent.name} 设为「${word('agentStatuses', status.value)}」？`);
        if (!own && !reason) return void (status.value = agent.status);
        await api('POST', `/api/agents/${encodeURIComponent(agent.agentId)}/status`, { status: status.value, reason });
      });
      const cell = make('td');
      cell.append(status);
      const group = make('td', undefined, 'group-member');
      group.append(membershipBox(agent));
      row.append(
        make('td', `${agent.name}（${agent.agentId}）`),
        make('td', `${agent.load}/${agent.capacity}`),
        cell,
        group,
      );
      return row;
    }),
  );
}

function wireHeader() {
  $('#status').addEventListener('change', async (event) => {
    await api('POST', `/api/agents/${encodeURIComponent(session.me.agentId)}/status`, { status: event.target.value });
  });
  $('#signout').addEventListener('click', async () => {
    await fetch('/api/auth/logout', { method: 'POST' });
    location.assign('login.html');
  });
  const bell = $('#notify');
  const drawBell = () => {
    bell.setAttribute('aria-pressed', String(notifyOn()));
  };
  bell.addEventListener('click', async () => {
    await setNotify(!notifyOn());
    drawBell();
  });
  drawBell();
}

// ---------------------------------------------------------------- start

(async () => {
  await signIn();
  await loadLabels(api);
  wireHeader();
  wireViews();
  initDetail({
    onOpen: (conversationId) => {
      connect(conversationId, handlers, live);
      void showCustomer(conversationId);
      redrawLists(listContext());
    },
    onClose: () => {
      history.replaceState(null, '', location.pathname);
      connect(undefined, handlers, live);
      void showCustomer(undefined);
      redrawLists(listContext());
    },
    onQuestion: questionChanged,
    onSeen: () => redrawLists(listContext()),
  });
  initCustomer({ onChange: customerShown });
  initTransfer();
  initTicketForm();
  initRapidSupport({
    onOpen: (conversationId) => {
      showView('conversations');
      open(conversationId);
    },
    onChange: refreshDetail,
  });
  initTools();
  initSearch(open);
  void loadQuickReplies();
  questionChanged('');
  const linked = /^#c=(.+)$/.exec(location.hash)?.[1];
  const linkedTicket = /^#t=(.+)$/.exec(location.hash)?.[1];
  if (linked) void openConversation(decodeURIComponent(linked));
  else connect(undefined, handlers, live);
  if (linkedTicket) openTicketPage(decodeURIComponent(linkedTicket));
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) return;
    redrawLists(listContext());
    if (ticketViewShown()) void loadTickets();
  });
})();
