// One ticket's page: what it is about, its status, priority, assignee and due time, the customer and
// the conversation it came from; forms to change the status (told to the customer while WeCom
// allows it), the assignee, priority and due time, and to add a note; the notes, and the history of
// every change with whether the customer was told of each status and, when not, why. After a status
// change the page reads the ticket again until the conversation has said whether it could tell.
import { api, refusalText } from './api.js';
import { liveTime, now, tick } from './clock.js';
import { $, make } from './dom.js';
import { dateTime } from './format.js';
import { labels, word } from './labels.js';
import { session } from './session.js';

/** How long, and how often, to wait for the conversation to say whether the customer was told. */
const TOLD_WAIT_MS = 20_000;
const TOLD_EVERY_MS = 1500;

let current;
let hooks = { onBack: () => undefined, onConversation: () => undefined, onChanged: () => undefined };

export function initTicketPage(given) {
  hooks = { ...hooks, ...given };
}

export const openTicketNo = () => current?.ticketNo;

/** A datetime-local value (local time, minutes) for a moment. */
function localValue(at) {
  const date = new Date(at);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export async function openTicket(ticketNo) {
  const root = $('#detail');
  root.replaceChildren($('#ticket-template').content.cloneNode(true));
  root.classList.add('ticket-page');
  document.body.classList.add('viewing');
  current = { ticketNo, root, ticket: undefined, waiting: undefined };
  wire(current);
  await load(current);
}

export function closeTicket() {
  if (!current) return;
  clearTimeout(current.waiting);
  current.root.classList.remove('ticket-page');
  current = undefined;
}

async function load(page) {
  try {
    page.ticket = await api('GET', `/api/tickets/${encodeURIComponent(page.ticketNo)}`);
  } catch (error) {
    showError(page, error.status === 404 ? '工单不存在' : refusalText(error));
    return;
  }
  if (page === current) render(page);
}

function showError(page, message) {
  const node = $('.error', page.root);
  if (node) node.textContent = message ?? '';
}

// ---------------------------------------------------------------- drawing

const who = (entry) => entry.byName || entry.by || '系统';

/** An agent as people know them: their name and id, from the live roster. */
export function agentName(agentId) {
  if (!agentId) return '未分配';
  const agent = session.agents.find((a) => a.agentId === agentId);
  return agent ? `${agent.name}（${agentId}）` : agentId;
}

function notToldText(why) {
  const words = labels.ticketNotTold ?? {};
  const state = /^wecom_state_(\d+)$/.exec(why ?? '');
  if (state) return (words.wecom_state ?? '').replace('{state}', state[1]);
  const errcode = /^errcode_(.+)$/.exec(why ?? '');
  if (errcode) return (words.errcode ?? '').replace('{errcode}', errcode[1]);
  return words[why] ?? '原因未知';
}

/** How long until the due time, or how long past it. */
export function dueClock(ticket, className) {
  const due = new Date(ticket.dueAt).getTime();
  return ticket.overdue
    ? liveTime('已超时', { since: due, className: `${className} overdue` })
    : liveTime('距截止', { due, className });
}

const statusWord = (status) => `「${word('ticketStatuses', status)}」`;

/** What a history entry says, in one line (and a second for its note). */
function historyLine(entry) {
  switch (entry.kind) {
    case 'created':
      return [`${who(entry)} 创建了工单`, entry.note];
    case 'status':
      return [`${who(entry)} 将状态改为${statusWord(entry.status)}`, entry.note && `告知客户：${entry.note}`];
    case 'assignee':
      return [`${who(entry)} 将负责人由 ${agentName(entry.from)} 改为 ${agentName(entry.to)}`, entry.note];
    case 'priority':
      return [
        `${who(entry)} 将优先级由「${word('ticketPriorities', entry.from)}」改为「${word('ticketPriorities', entry.to)}」`,
        entry.note,
      ];
    case 'due':
      return [`${who(entry)} 将截止时间由 ${dateTime(entry.from)} 改为 ${dateTime(entry.to)}`, entry.note];
    case 'note':
      return [`${who(entry)} 添加了备注`, entry.note];
    case 'customer_notified':
      return [`已通知客户：状态${statusWord(entry.status)}`];
    case 'customer_not_notified':
      return [`未能通知客户状态${statusWord(entry.status)}`, notToldText(entry.why)];
    default:
      return [entry.kind];
  }
}

function render(page) {
  const t = page.ticket;
  const root = page.root;
  $('.ticket-title', root).textContent = `${t.ticketNo} · ${t.title}`;
  const badge = $('.ticket-status', root);
  badge.textContent = word('ticketStatuses', t.status);
  badge.className = `badge ticket-status ${t.status}`;
  const clock = $('.ticket-clock', root);
  const unfinished = ['open', 'in_progress'].includes(t.status);
  clock.replaceChildren(...(unfinished ? [dueClock(t, 'timer')] : []));

  const conversation = make('button', '查看会话', 'link');
  conversation.type = 'button';
  conversation.addEventListener('click', () => hooks.onConversation(t.conversationId));
  const facts = [
    ['状态', word('ticketStatuses', t.status)],
    ['优先级', word('ticketPriorities', t.priority)],
    ['负责人', agentName(t.assignee)],
    ['截止时间', `${dateTime(t.dueAt)}${t.overdue ? '（已超时）' : ''}`],
    ['客户', t.nickname ?? t.externalUserId],
    ['会话', conversation],
    ['创建时间', dateTime(t.createdAt)],
  ];
  $('.ticket-facts', root).replaceChildren(
    ...facts.flatMap(([term, value]) => {
      const dd = make('dd');
      dd.append(value);
      if (term === '截止时间' && t.overdue) dd.classList.add('overdue');
      return [make('dt', term), dd];
    }),
  );
  $('.ticket-description', root).textContent = t.description ?? '';
  $('.ticket-description', root).hidden = !t.description;

  const statusForm = $('.ticket-status-form', root);
  if (document.activeElement?.form !== statusForm) {
    statusForm.elements.status.value = t.status === 'open' ? 'in_progress' : t.status;
  }
  const edit = $('.ticket-edit-form', root);
  if (document.activeElement?.form !== edit) {
    const agents = [...session.agents];
    if (t.assignee && !agents.some((a) => a.agentId === t.assignee))
      agents.push({ agentId: t.assignee, name: t.assignee });
    edit.elements.assignee.replaceChildren(
      ...agents.map((agent) => {
        const option = make('option', `${agent.name}（${agent.agentId}）`);
        option.value = agent.agentId;
        return option;
      }),
    );
    edit.elements.assignee.value = t.assignee ?? '';
    edit.elements.priority.value = t.priority;
    edit.elements.dueAt.value = localValue(t.dueAt);
  }

  const notes = t.history.filter((entry) => entry.kind === 'note');
  $('.ticket-notes', root).replaceChildren(
    ...(notes.length
      ? notes.map((entry) => {
          const li = make('li', undefined, 'line note');
          li.append(make('small', `${who(entry)} · ${dateTime(entry.at)}`), entry.note);
          return li;
        })
      : [make('li', '还没有备注', 'none')]),
  );
  $('.ticket-history', root).replaceChildren(
    ...[...t.history].reverse().map((entry) => {
      const [line, detail] = historyLine(entry);
      const li = make('li', undefined, `entry ${entry.kind}`);
      li.append(make('time', dateTime(entry.at)), make('span', line, 'what'));
      if (detail) li.append(make('span', detail, 'entry-detail'));
      return li;
    }),
  );
  tick(root);
}

// ---------------------------------------------------------------- changes

async function change(page, form, method, path, body) {
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  showError(page, '');
  try {
    const answer = await api(method, `/api/tickets/${encodeURIComponent(page.ticketNo)}${path}`, body);
    if (page !== current) return undefined;
    page.ticket = answer;
    render(page);
    hooks.onChanged();
    return answer;
  } catch (error) {
    showError(page, error.status === 409 ? `未能保存：${error.message}` : refusalText(error));
    return undefined;
  } finally {
    button.disabled = false;
  }
}

/** Reads the ticket again until the status change's outcome at the customer is on it. */
function awaitTold(page, since) {
  const started = now();
  const again = async () => {
    if (page !== current) return;
    await load(page);
    const told = page.ticket?.history.slice(since).some((e) => e.kind.startsWith('customer_'));
    if (!told && now() - started < TOLD_WAIT_MS) page.waiting = setTimeout(() => void again(), TOLD_EVERY_MS);
  };
  page.waiting = setTimeout(() => void again(), TOLD_EVERY_MS);
}

function dueProblem(value) {
  const due = new Date(value).getTime();
  if (!Number.isFinite(due)) return '请填写截止时间';
  if (due <= now() + 60_000) return '截止时间需要晚于现在';
  if (due > now() + (labels.ticketDueMaxMs ?? 90 * 86_400_000)) return '截止时间不能超过 90 天';
  return undefined;
}

function wire(page) {
  const root = page.root;
  $('.back', root).addEventListener('click', () => hooks.onBack());
  const statusForm = $('.ticket-status-form', root);
  statusForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const status = statusForm.elements.status.value;
    if (status === page.ticket?.status) return showError(page, `工单已经是「${word('ticketStatuses', status)}」`);
    const since = page.ticket?.history.length ?? 0;
    const note = statusForm.elements.note.value.trim();
    const answer = await change(page, statusForm, 'POST', '/status', { status, ...(note ? { note } : {}) });
    if (!answer) return;
    statusForm.elements.note.value = '';
    if (answer.conversationNotified) awaitTold(page, since);
  });

  const edit = $('.ticket-edit-form', root);
  edit.noValidate = true;
  edit.addEventListener('submit', async (event) => {
    event.preventDefault();
    const t = page.ticket;
    if (!t) return;
    const body = {};
    if (edit.elements.assignee.value && edit.elements.assignee.value !== t.assignee)
      body.assignee = edit.elements.assignee.value;
    if (edit.elements.priority.value !== t.priority) body.priority = edit.elements.priority.value;
    if (edit.elements.dueAt.value !== localValue(t.dueAt)) {
      const problem = dueProblem(edit.elements.dueAt.value);
      if (problem) return showError(page, problem);
      body.dueAt = new Date(edit.elements.dueAt.value).toISOString();
    }
    if (Object.keys(body).length === 0) return showError(page, '没有需要保存的修改');
    const reason = edit.elements.reason.value.trim();
    if (await change(page, edit, 'PATCH', '', { ...body, ...(reason ? { reason } : {}) }))
      edit.elements.reason.value = '';
  });

  const noteForm = $('.ticket-note-form', root);
  noteForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = noteForm.elements.text.value.trim();
    if (!text) return showError(page, '请填写备注内容');
    if (await change(page, noteForm, 'POST', '/notes', { text })) noteForm.elements.text.value = '';
  });
}
