// The agent's helpers beside the conversation: quick replies (shared and personal, searchable),
// the knowledge base's answers for the customer's current question, and the customer's profile
// with their earlier sessions and tickets. A wide screen shows them as a column; a narrow one
// (the WeCom sidebar) as a sheet over the conversation.
import { api, refusalText } from './api.js';
import { insertIntoComposer } from './detail.js';
import { $, $$, make } from './dom.js';
import { dateTime } from './format.js';
import { word } from './labels.js';
import { isSupervisor } from './session.js';

let replies = [];
let question = '';
let searchTimer;

function pick(title, text, className) {
  const li = make('li', undefined, className);
  const button = make('button', undefined, 'pick');
  button.type = 'button';
  button.append(make('strong', title), make('span', text, 'text'));
  button.addEventListener('click', () => {
    if (insertIntoComposer(text)) document.body.classList.remove('tools-open');
  });
  li.append(button);
  return li;
}

function drawReplies() {
  const words = $('#reply-search').value.trim().toLowerCase();
  const shown = replies.filter((r) => !words || `${r.title} ${r.text}`.toLowerCase().includes(words));
  $('#quick-replies').replaceChildren(
    ...(shown.length
      ? shown.map((r) => pick(`${r.scope === 'personal' ? '我的 · ' : ''}${r.title}`, r.text, r.scope))
      : [make('li', '没有匹配的快捷回复', 'none')]),
  );
}

async function drawSuggestions() {
  const words = $('#reply-search').value.trim();
  const text = words || question;
  const list = $('#suggestions');
  if (!text) {
    list.replaceChildren(make('li', '客户还没有提问', 'none'));
    return;
  }
  const found = await api('GET', `/api/kb/suggestions?text=${encodeURIComponent(text)}`).catch(() => []);
  list.replaceChildren(
    ...(found.length
      ? found.map((s) => pick(s.question, s.answer, 'kb'))
      : [make('li', '知识库里没有相关答案', 'none')]),
  );
}

export async function loadQuickReplies() {
  replies = await api('GET', '/api/quick-replies').catch(() => []);
  drawReplies();
}

/** The customer's latest question changed: new suggestions. */
export function questionChanged(text) {
  question = text ?? '';
  void drawSuggestions();
}

export async function showCustomer(conversationId) {
  const box = $('#customer');
  if (!conversationId) {
    box.replaceChildren(make('p', '打开一个会话后显示客户资料', 'empty'));
    return;
  }
  box.replaceChildren(make('p', '加载中…', 'empty'));
  let customer;
  try {
    customer = await api('GET', `/api/conversations/${encodeURIComponent(conversationId)}/customer`);
  } catch (error) {
    box.replaceChildren(make('p', refusalText(error), 'empty'));
    return;
  }
  const profile = make('dl', undefined, 'profile');
  for (const [term, value] of [
    ['昵称', customer.nickname ?? '—'],
    ['客户 ID', customer.externalUserId],
    ['等级', word('tiers', customer.tier)],
    ['标签', customer.tags.join('、') || '—'],
  ]) {
    profile.append(make('dt', term), make('dd', value));
  }
  const sessions = make('ul', undefined, 'history');
  sessions.append(
    ...(customer.sessions.length
      ? customer.sessions.map((s) => {
          const li = make('li');
          li.append(
            make('strong', `第 ${s.session} 次会话 · ${dateTime(s.startedAt)}`),
            make(
              'span',
              [
                word('states', s.state),
                s.closedReason && word('closedReasons', s.closedReason),
                s.handoffReason && word('handoffReasons', s.handoffReason),
                s.agentId && `客服 ${s.agentId}`,
                s.csat && `评价 ${word('csat', s.csat)}`,
                s.ticketNo && `工单 ${s.ticketNo}`,
              ]
                .filter(Boolean)
                .join(' · '),
              'sub',
            ),
          );
          if (s.handoffSummary) li.append(make('span', s.handoffSummary, 'summary-line'));
          return li;
        })
      : [make('li', '没有更早的会话', 'none')]),
  );
  const tickets = make('ul', undefined, 'history');
  tickets.append(
    ...(customer.tickets.length
      ? customer.tickets.map((t) => {
          const li = make('li');
          li.append(
            make('strong', `${t.ticketNo} · ${t.title}`),
            make(
              'span',
              `${word('ticketStatuses', t.status)} · ${word('ticketPriorities', t.priority)} · 截止 ${dateTime(t.dueAt)}`,
              'sub',
            ),
          );
          return li;
        })
      : [make('li', '没有工单', 'none')]),
  );
  box.replaceChildren(make('h3', '客户资料'), profile, make('h3', '历史会话'), sessions, make('h3', '工单'), tickets);
}

function selectTool(name) {
  for (const tab of $$('[data-tool]', $('.tool-tabs')))
    tab.setAttribute('aria-selected', String(tab.dataset.tool === name));
  for (const section of $$('.tool')) section.hidden = section.dataset.tool !== name;
}

export function initTools() {
  for (const tab of $$('[role=tab][data-tool]')) tab.addEventListener('click', () => selectTool(tab.dataset.tool));
  $('.close-tools').addEventListener('click', () => document.body.classList.remove('tools-open'));
  $('#reply-search').addEventListener('input', () => {
    drawReplies();
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void drawSuggestions(), 250);
  });
  $('.shared-only').hidden = !isSupervisor();
  $('#add-reply').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      await api('POST', '/api/quick-replies', {
        title: form.elements.title.value.trim(),
        text: form.elements.text.value.trim(),
        shared: form.elements.shared.checked,
      });
      form.reset();
      form.closest('details').open = false;
      await loadQuickReplies();
    } catch (error) {
      alert(refusalText(error));
    }
  });
}
