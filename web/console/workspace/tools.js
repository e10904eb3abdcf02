// The agent's helpers beside the conversation: quick replies (shared and personal, searchable),
// the knowledge base's answers for the customer's current question, and the customer's profile
// with their earlier sessions and tickets (customer.js). A wide screen shows them as a column; a
// narrow one (the WeCom sidebar) as a sheet over the conversation.
import { api, refusalText } from './api.js';
import { insertIntoComposer } from './detail.js';
import { $, $$, make } from './dom.js';
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
