// The rapid-support group (快速支持小组) in the workspace, live from the `rapidSupport` event: for its
// members and supervisors, the open requests for help (join one to read the conversation, whisper
// to its agent or take it over) and the conversations the group should hear of (urgent handoffs, SLA
// breaches, escalations), each new one announced; for the agent who asked, how their request
// stands. Also the request form, and the group's membership for supervisors.
import { api, refusalText } from './api.js';
import { liveTime, tick } from './clock.js';
import { $, make } from './dom.js';
import { word } from './labels.js';
import { announce } from './notify.js';
import { isSupervisor, session } from './session.js';

const GROUP = 'rapid-support';
let view = { member: false, consults: [], notices: [] };
let known;
let hooks = { onOpen: () => undefined, onChange: () => undefined };

export function initRapidSupport(given) {
  hooks = { ...hooks, ...given };
  const form = $('#consult-form');
  form.noValidate = true;
  form.addEventListener('submit', (event) => void ask(event));
  $('.cancel', form).addEventListener('click', () => $('#consult-dialog').close());
  form.addEventListener('input', () => ($('.error', form).textContent = ''));
}

/** The open request for help on this conversation, if any (and the viewer may see it). */
export const consultOn = (conversationId) => view.consults.find((c) => c.conversationId === conversationId);

/** Whether the signed-in user has joined this request. */
export const helping = (consult) => Boolean(consult?.helpers.some((h) => h.userId === session.me?.userId));

export function onRapidSupport(data) {
  view = data;
  $('.rapid-support').hidden = !view.member;
  if (view.member) draw();
  announceNew();
  hooks.onChange();
}

// ---------------------------------------------------------------- the group's lists

const customerOf = (item) => item.nickname || item.externalUserId || item.conversationId;

function consultItem(consult) {
  const li = make('li', undefined, 'consult');
  li.dataset.id = consult.conversationId;
  const top = make('div', undefined, 'row-top');
  top.append(
    make('strong', customerOf(consult), 'name'),
    make('span', `${consult.requestedBy.name} 求助`, 'reason p4'),
  );
  const meta = make('div', undefined, 'meta');
  meta.append(liveTime('已等待', { since: consult.at, className: 'waiting' }));
  meta.append(
    make('span', consult.helpers.length ? ` · ${consult.helpers.map((h) => h.name).join('、')} 已加入` : ' · 无人加入'),
  );
  const question = make('div', consult.question, 'preview');
  const join = make('button', helping(consult) ? '打开' : '加入', 'join');
  join.type = 'button';
  join.addEventListener('click', (event) => {
    event.stopPropagation();
    void joinConsult(consult);
  });
  li.append(top, meta, question, join);
  li.addEventListener('click', () => helping(consult) && hooks.onOpen(consult.conversationId));
  return li;
}

async function joinConsult(consult) {
  try {
    if (!helping(consult)) await api('POST', `/api/consults/${consult.consultId}/join`);
    hooks.onOpen(consult.conversationId);
  } catch (error) {
    alert(refusalText(error));
  }
}

function noticeItem(notice) {
  const li = make('li', undefined, 'group-notice');
  li.dataset.id = notice.conversationId;
  const top = make('div', undefined, 'row-top');
  top.append(make('strong', customerOf(notice), 'name'));
  for (const kind of notice.kinds)
    top.append(
      make('span', word('groupNotices', kind), `reason ${kind === 'sla_breach' || kind === 'escalated' ? 'p3' : 'p4'}`),
    );
  const meta = make('div', undefined, 'meta');
  meta.append(make('span', `${word('states', notice.state)}${notice.agentId ? ` · ${notice.agentId}` : ''}`));
  if (notice.handoffReason) meta.append(make('span', ` · ${word('handoffReasons', notice.handoffReason)}`));
  if (notice.breached.length)
    meta.append(make('span', ` · ${notice.breached.map((t) => word('timers', t)).join('、')}`));
  li.append(top, meta);
  // Supervisors open any conversation; agents the queue (someone else's only through a request for help).
  if (isSupervisor() || notice.state === 'queued') {
    li.tabIndex = 0;
    li.addEventListener('click', () => hooks.onOpen(notice.conversationId));
  } else li.classList.add('passive');
  return li;
}

function draw() {
  const others = view.consults.filter((c) => c.requestedBy.userId !== session.me?.userId);
  $('#consults').replaceChildren(...(others.length ? others.map(consultItem) : [make('li', '没有求助', 'none')]));
  $('#consults-count').textContent = others.length ? String(others.length) : '';
  $('#group-notices').replaceChildren(
    ...(view.notices.length ? view.notices.map(noticeItem) : [make('li', '没有需要关注的会话', 'none')]),
  );
  $('#group-notices-count').textContent = view.notices.length ? String(view.notices.length) : '';
  tick($('.rapid-support'));
}

/** A new request, a new notice, or a whisper to me rings (when the agent turned 提醒 on). */
function announceNew() {
  const now = {
    consults: new Set(view.consults.map((c) => c.consultId)),
    notices: new Set(view.notices.map((n) => `${n.conversationId}:${n.kinds.join()}:${n.breached.join()}`)),
    whispers: new Map(view.consults.map((c) => [c.consultId, c.whispers])),
  };
  if (known) {
    for (const consult of view.consults) {
      const mine = consult.requestedBy.userId === session.me?.userId;
      if (!mine && !known.consults.has(consult.consultId))
        announce('快速支持：有新的求助', `${consult.requestedBy.name}：${consult.question}`);
      if (mine && consult.whispers > (known.whispers.get(consult.consultId) ?? 0))
        announce('收到悄悄话', `${consult.helpers.map((h) => h.name).join('、')} 给您发了悄悄话`);
    }
    for (const notice of view.notices) {
      const key = `${notice.conversationId}:${notice.kinds.join()}:${notice.breached.join()}`;
      if (!known.notices.has(key))
        announce(
          '快速支持：需要关注',
          `${customerOf(notice)} · ${notice.kinds.map((k) => word('groupNotices', k)).join('、')}`,
        );
    }
  }
  known = now;
}

// ---------------------------------------------------------------- asking, whispering, taking over, ending

let asking;

export function askForHelp(conversationId) {
  asking = { conversationId };
  const form = $('#consult-form');
  form.reset();
  $('.error', form).textContent = '';
  $('#consult-dialog').showModal();
  form.elements.question.focus();
}

async function ask(event) {
  event.preventDefault();
  const form = $('#consult-form');
  const question = form.elements.question.value.trim();
  if (!question) return void ($('.error', form).textContent = '请写下需要什么帮助');
  const submit = $('button[type=submit]', form);
  submit.disabled = true;
  try {
    await api('POST', `/api/conversations/${encodeURIComponent(asking.conversationId)}/consult`, { question });
    $('#consult-dialog').close();
  } catch (error) {
    $('.error', form).textContent = error.status === 409 ? '这个会话已经在求助中' : refusalText(error);
  } finally {
    submit.disabled = false;
  }
}

export const whisper = (consult, text) => api('POST', `/api/consults/${consult.consultId}/whispers`, { text });

export const takeOver = (consult, reason) =>
  api('POST', `/api/consults/${consult.consultId}/take-over`, reason ? { reason } : {});

export const endConsult = (consult) => api('POST', `/api/consults/${consult.consultId}/close`);

// ---------------------------------------------------------------- membership (supervisors)

/** A checkbox for the supervisors' table of agents: in the group or not. */
export function membershipBox(agent) {
  const box = make('input');
  box.type = 'checkbox';
  box.checked = (agent.groups ?? []).includes(GROUP);
  box.setAttribute('aria-label', `${agent.name} 属于快速支持小组`);
  box.title = '快速支持小组';
  box.addEventListener('change', async () => {
    try {
      await api(box.checked ? 'PUT' : 'DELETE', `/api/rapid-support/members/${encodeURIComponent(agent.agentId)}`);
    } catch (error) {
      box.checked = !box.checked;
      alert(refusalText(error));
    }
  });
  return box;
}
