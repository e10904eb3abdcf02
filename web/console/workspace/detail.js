// The open conversation: who and where it is, its live timers, the handoff card, the transcript
// with internal notes and whispers, the composer (reply, note, or a whisper to the agent one helps:
// Enter sends, Shift+Enter breaks the line) and the actions, asking the rapid-support group for
// help among them. Everything follows the live snapshot; when the conversation stops being the
// agent's, a notice says so and the draft stays (in the box and in this browser).
import { api, refusalText } from './api.js';
import { liveTime, now, tick } from './clock.js';
import { customerOf } from './customer.js';
import { $, $$, make } from './dom.js';
import { loadDraft, saveDraft } from './drafts.js';
import { dateTime } from './format.js';
import { word } from './labels.js';
import { markSeen } from './seen.js';
import { isSupervisor, session } from './session.js';
import { askForHelp, consultOn, endConsult, helping, takeOver, whisper } from './rapidSupport.js';
import { openTicketForm } from './ticketForm.js';
import { openTransfer } from './transfer.js';
import { Transcript } from './transcript.js';

/** bot/llm.ts MODEL_WRITTEN_MARK: a summary the model wrote starts with it. */
const MODEL_WRITTEN_MARK = '【AI 摘要】';
/** Timers in the order the agent reads them. */
const TIMER_ORDER = [
  'firstResponseSla',
  'queueWaitSla',
  'humanIdleNudge',
  'humanIdleClose',
  'ticketSla',
  'confirmation',
  'botIdle',
  'csat',
];
const GONE = {
  reassigned: '这个会话已转给其他客服，您不能再回复。',
  queued: '这个会话已回到排队，将由其他客服接待。',
  ticket: '这个会话已转为工单。',
  closed: '这个会话已经结束。',
  bot: '这个会话已转回机器人接待。',
  confirming: '这个会话已转回机器人接待。',
  missing: '找不到这个会话。',
};
const GONE_BADGE = { reassigned: '已转给其他客服', missing: '不存在' };
const PLACEHOLDER = {
  reply: '回复客户…（Enter 发送，Shift+Enter 换行）',
  note: '写给同事的内部备注，客户看不到…（Enter 保存）',
  whisper: '给求助的客服发悄悄话，客户看不到…（Enter 发送）',
};
const SEND = { reply: '发送', note: '保存备注', whisper: '发悄悄话' };

let current;
let hooks = { onOpen: () => undefined, onClose: () => undefined, onQuestion: () => undefined, onSeen: () => undefined };

export function initDetail(given) {
  hooks = { ...hooks, ...given };
}

export const openConversationId = () => current?.id;

/** The composer's text box (quick replies and suggestions write into it). */
export function insertIntoComposer(text) {
  const box = current && $('.composer textarea', current.root);
  if (!box || box.readOnly) return false;
  box.value = box.value.trim() ? `${box.value.trimEnd()}\n${text}` : text;
  box.dispatchEvent(new Event('input'));
  box.focus();
  return true;
}

export async function openConversation(conversationId) {
  if (current?.id === conversationId) return;
  const root = $('#detail');
  root.replaceChildren($('#detail-template').content.cloneNode(true));
  current = {
    id: conversationId,
    root,
    transcript: new Transcript(conversationId),
    mode: 'reply',
    snapshot: undefined,
    gone: undefined,
    wasMine: false,
    movedAway: false,
    cardOpen: matchMedia('(min-width: 1100px)').matches,
  };
  document.body.classList.add('viewing');
  wire(current);
  hooks.onOpen(conversationId);
  const opened = current;
  const [messages] = await Promise.all([
    api('GET', `/api/conversations/${encodeURIComponent(conversationId)}/messages?limit=200`).catch((error) => {
      // Not (or no longer) theirs: the live stream's notice says so, with the draft kept.
      if (error.status !== 403) showError(refusalText(error));
      return [];
    }),
    loadNotes(opened),
  ]);
  if (opened !== current) return;
  opened.transcript.add(messages);
  // The snapshot's lines (newer) win over the stored ones.
  if (opened.snapshot) opened.transcript.add(opened.snapshot.transcriptTail);
  opened.transcript.render($('.transcript', root), opened);
}

export function closeConversation() {
  current = undefined;
  document.body.classList.remove('viewing');
  $('#detail').replaceChildren(make('p', '选择左侧的会话', 'empty'));
  hooks.onClose();
}

async function loadNotes(conversation) {
  const notes = await api('GET', `/api/conversations/${encodeURIComponent(conversation.id)}/notes`).catch(() => []);
  if (conversation !== current) return;
  conversation.transcript.setNotes(notes);
  conversation.transcript.render($('.transcript', conversation.root), conversation);
}

export function onNotes({ conversationId }) {
  if (current?.id === conversationId) void loadNotes(current);
}

export function onSnapshot({ conversationId, snapshot, waitingSince }) {
  if (current?.id !== conversationId) return;
  const c = current;
  const me = session.me.agentId;
  const mine = Boolean(me) && snapshot.state === 'human' && snapshot.agentId === me;
  if (mine) c.wasMine = true;
  // It was mine and is not any more (requeued after a lapse, reassigned by a supervisor, sent elsewhere).
  c.movedAway = c.wasMine && !mine;
  c.gone = undefined;
  c.snapshot = snapshot;
  c.waitingSince = waitingSince;
  c.transcript.add(snapshot.transcriptTail);
  render(c);
}

/** The requests for help changed: the open conversation's notices and abilities follow. */
export function refreshDetail() {
  if (current?.snapshot || current?.gone) render(current);
}

/** The customer's profile was read or changed: the card shows it. */
export function customerShown(conversationId) {
  if (current?.id === conversationId && current.snapshot) renderCard(current);
}

export function onGone({ conversationId, why }) {
  if (current?.id !== conversationId) return;
  current.gone = why;
  render(current);
}

// ---------------------------------------------------------------- wiring

function wire(c) {
  const root = c.root;
  const box = $('.composer textarea', root);
  box.value = loadDraft(c.id, c.mode);
  box.addEventListener('input', () => {
    saveDraft(c.id, c.mode, box.value);
    box.style.height = 'auto';
    box.style.height = `${Math.min(box.scrollHeight, 160)}px`;
  });
  box.addEventListener('keydown', (event) => {
    // Enter sends; Shift+Enter breaks the line; Enter that ends an input method's composition does neither.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    void submit(c);
  });
  $('.composer', root).addEventListener('submit', (event) => {
    event.preventDefault();
    void submit(c);
  });
  for (const tab of $$('[data-mode]', root)) {
    tab.addEventListener('click', () => {
      c.mode = tab.dataset.mode;
      c.modeChosen = true;
      box.value = loadDraft(c.id, c.mode);
      render(c);
      box.focus();
    });
  }
  for (const button of $$('[data-action]', root))
    button.addEventListener('click', () => void act(c, button.dataset.action));
  $('.card-toggle', root).addEventListener('click', () => {
    c.cardOpen = !c.cardOpen;
    render(c);
  });
  $('.back', root).addEventListener('click', () => closeConversation());
  $('.open-tools', root).addEventListener('click', () => document.body.classList.add('tools-open'));
  $('.quick-open', root).addEventListener('click', () => {
    document.body.classList.add('tools-open');
    $('#reply-search')?.focus();
  });
}

// ---------------------------------------------------------------- what may be done

function abilities(c) {
  const s = c.snapshot;
  const live = Boolean(s) && !c.gone;
  const me = session.me.agentId;
  const supervisor = isSupervisor();
  const human = s?.state === 'human';
  const mine = live && Boolean(me) && s.agentId === me;
  const consult = consultOn(c.id);
  const helper = live && human && !mine && helping(consult);
  return {
    mine,
    supervisor,
    request: consult,
    helper,
    reply: live && human && mine && s.humanMode === 'console',
    note: live,
    whisper: helper,
    'take-over':
      live &&
      (s.state === 'queued' || helper || (supervisor && (['bot', 'confirming'].includes(s.state) || (human && !mine)))),
    transfer: live && human && (mine || supervisor),
    ticket: live && human && mine,
    consult: live && human && mine && !consult,
    'return-to-bot': live && human && mine && s.humanMode === 'console',
    resolve: live && ((human && (mine || supervisor)) || s.state === 'ticket'),
  };
}

// ---------------------------------------------------------------- drawing

function render(c) {
  const root = c.root;
  const s = c.snapshot;
  const can = abilities(c);
  if (s) {
    $('.who', root).textContent = s.handoff?.nickname || s.externalUserId;
    $('.state', root).textContent = `${word('states', s.state)}${s.agentId ? ` · ${s.agentId}` : ''}`;
    renderTimers(c);
    renderCard(c);
  }
  if (c.gone) {
    $('.state', root).textContent = GONE_BADGE[c.gone] ?? word('states', c.gone);
    $('.timers', root).replaceChildren();
  }
  // Before any snapshot (it was never ours to see): the customer id from the conversation id.
  if (!$('.who', root).textContent) $('.who', root).textContent = /^conv:[^:]+:([^:]+):/.exec(c.id)?.[1] ?? c.id;
  renderNotices(c, can);
  c.transcript.render($('.transcript', root), c);

  const box = $('.composer textarea', root);
  // A helper cannot reply to the customer: their box whispers to the agent unless they chose otherwise.
  if ((c.mode === 'whisper' && !can.whisper) || (can.whisper && !c.modeChosen && c.mode === 'reply')) {
    c.mode = can.whisper ? 'whisper' : 'note';
    box.value = loadDraft(c.id, c.mode);
  }
  const allowed = can[c.mode];
  box.readOnly = !allowed;
  box.placeholder = allowed ? PLACEHOLDER[c.mode] : c.mode === 'note' ? '现在不能添加备注' : cannotReply(c, can);
  $('.send', root).disabled = !allowed;
  $('.send', root).textContent = SEND[c.mode];
  $('.composer', root).classList.toggle('noting', c.mode === 'note');
  $('.composer', root).classList.toggle('whispering', c.mode === 'whisper');
  $('[data-mode="whisper"]', root).hidden = !can.whisper;
  for (const tab of $$('[data-mode]', root)) tab.setAttribute('aria-selected', String(tab.dataset.mode === c.mode));
  for (const button of $$('[data-action]', root)) {
    button.disabled = !can[button.dataset.action];
    button.hidden = !can[button.dataset.action] && button.dataset.action === 'take-over';
  }
  $('.act-reason', root).hidden = !can.supervisor;
  tick(root);

  const question = c.transcript.lastCustomerText();
  if (question !== c.question) {
    c.question = question;
    hooks.onQuestion(question);
  }
  if (!document.hidden && can.mine) {
    const lastCustomer = [...c.transcript.lines.values()].filter((l) => l.from === 'customer').at(-1);
    if (lastCustomer) {
      markSeen(c.id, Math.max(lastCustomer.at, ...(s?.transcriptTail ?? []).map((l) => l.at)));
      hooks.onSeen();
    }
  }
}

function cannotReply(c, can) {
  if (can.mine && c.snapshot?.humanMode === 'wecom') return '企业微信接待模式：请在企业微信中回复客户';
  if (c.snapshot?.state === 'queued') return '接管后即可回复';
  return '现在不能回复这个会话';
}

function renderTimers(c) {
  const s = c.snapshot;
  const chips = [];
  if (c.waitingSince) chips.push(liveTime('客户已等待', { since: c.waitingSince, className: 'timer waiting' }));
  for (const name of TIMER_ORDER) {
    const due = s.timersDue[name];
    if (due === undefined) continue;
    const breached = (s.breaches?.[name] ?? 0) > 0;
    const label = `${word('timers', name)}${breached ? ' 已超时 · 下次提醒' : ''}`;
    const chip = liveTime(label, { due, className: `timer${breached ? ' breached' : ''}` });
    chip.dataset.timer = name;
    chips.push(chip);
  }
  $('.timers', c.root).replaceChildren(...chips);
}

function renderCard(c) {
  const card = c.snapshot.handoff;
  const root = c.root;
  const section = $('.card', root);
  section.classList.toggle('open', c.cardOpen);
  $('.card-toggle', root).textContent = c.cardOpen ? '收起' : '展开';
  $('.card-toggle', root).setAttribute('aria-expanded', String(c.cardOpen));
  const chips = $('.chips', root);
  const summary = $('.summary', root);
  const details = $('.handoff', root);
  if (!card) {
    chips.replaceChildren(make('span', '尚未转人工', 'chip'));
    summary.replaceChildren();
    details.replaceChildren();
    return;
  }
  // The profile as it is now (tags added since the handoff, a tier a supervisor set), else the card's.
  const customer = customerOf(c.id);
  const tier = customer?.tier ?? card.customerTier;
  const tags = customer?.tags ?? card.customerTags ?? [];
  chips.replaceChildren(
    make('span', word('handoffReasons', card.reason), `chip reason p${card.priority}`),
    make('span', `优先级 ${word('priorities', card.priority)}`, 'chip'),
    make('span', `情绪 ${word('sentiments', card.sentiment)}`, `chip mood ${card.sentiment ?? ''}`),
    ...(tier && tier !== 'normal' ? [make('span', word('tiers', tier), 'chip tier')] : []),
  );
  if (card.summary?.startsWith(MODEL_WRITTEN_MARK)) {
    summary.replaceChildren(make('span', 'AI 生成', 'model-written'), card.summary.slice(MODEL_WRITTEN_MARK.length));
  } else summary.textContent = card.summary ?? '';
  const rows = [
    ['客户诉求', card.intentQuestion ?? card.intent ?? '—'],
    ['技能组', card.skill ? word('skills', card.skill) : '—'],
    [
      '情绪',
      `${word('sentiments', card.sentiment)}${card.sentimentTerms?.length ? `（${card.sentimentTerms.join('、')}）` : ''}`,
    ],
    ['客户', [word('tiers', tier), ...tags].join(' · ')],
    ...(customer ? [['历史', historyLine(customer)]] : []),
    ['转人工时间', dateTime(card.at)],
  ];
  details.replaceChildren(
    ...rows.flatMap(([term, value]) => {
      const dd = make('dd', value);
      return [make('dt', term), dd];
    }),
  );
}

/** Earlier sessions and tickets in one line (the customer panel has them in full). */
function historyLine(customer) {
  const last = customer.sessions[0];
  const open = customer.tickets.filter((t) => t.status === 'open' || t.status === 'in_progress').length;
  return [
    customer.sessions.length
      ? `${customer.sessions.length} 次更早的会话（上次 ${dateTime(last.startedAt)}${
          last.handoffReason ? ` · ${word('handoffReasons', last.handoffReason)}` : ''
        }）`
      : '首次咨询',
    customer.tickets.length ? `${customer.tickets.length} 个工单${open ? `（${open} 个未完成）` : ''}` : '没有工单',
  ].join(' · ');
}

function renderNotices(c, can) {
  const s = c.snapshot;
  const notices = [];
  const draft = $('.composer textarea', c.root).value.trim();
  if (c.gone || c.movedAway) {
    const why = c.gone ?? (s?.state === 'human' ? 'reassigned' : s?.state);
    const notice = make('div', undefined, 'notice taken');
    notice.append(make('strong', GONE[why] ?? '这个会话已不再由您负责。'));
    if (draft) {
      notice.append(' 您的草稿已保留。');
      const copy = make('button', '复制草稿', 'link');
      copy.type = 'button';
      copy.addEventListener('click', () => void copyDraft(c));
      notice.append(copy);
    }
    notices.push(notice);
  } else if (s && can.mine && s.firstResponseLapse && s.timersDue.firstResponseSla) {
    // A warning a while before the first-response deadline takes the conversation away (or escalates it).
    const due = s.timersDue.firstResponseSla;
    const windowMs = due - (s.assignedAt ?? due);
    const warning = make('div', undefined, 'notice warn');
    warning.dataset.showFrom = String(due - Math.min(60_000, Math.max(windowMs / 2, 5_000)));
    warning.append(
      s.firstResponseLapse === 'reassign' ? '请尽快回复客户：' : '请尽快回复客户：超时将通知主管，',
      liveTime(s.firstResponseLapse === 'reassign' ? '会话将转给其他客服，剩余' : '剩余', { due }),
    );
    warning.hidden = now() < Number(warning.dataset.showFrom);
    notices.push(warning);
  }
  if (s?.escalated) notices.push(make('div', '首次响应多次超时，已通知主管。', 'notice'));
  const request = can.request;
  if (request && !c.gone && (can.mine || can.helper)) notices.push(consultNotice(request, can));
  $('.notices', c.root).replaceChildren(...notices);
}

/** How the request for help on this conversation stands, for the agent who asked or a helper. */
function consultNotice(request, can) {
  const notice = make('div', undefined, 'notice consult');
  const helpers = request.helpers.map((h) => h.name).join('、');
  if (can.mine) {
    notice.append(
      make('strong', '已向快速支持小组求助'),
      `：「${request.question}」`,
      helpers ? ` · ${helpers} 已加入` : ' · 等待小组成员加入…',
    );
  } else {
    notice.append(
      make('strong', `您正在协助 ${request.requestedBy.name}`),
      `：「${request.question}」 悄悄话只有 ${request.requestedBy.name} 能看到，客户看不到。`,
    );
  }
  const end = make('button', can.mine ? '结束求助' : '结束协助', 'link');
  end.type = 'button';
  end.addEventListener('click', async () => {
    try {
      await endConsult(request);
    } catch (error) {
      showError(refusalText(error));
    }
  });
  notice.append(end);
  return notice;
}

async function copyDraft(c) {
  const box = $('.composer textarea', c.root);
  try {
    await navigator.clipboard.writeText(box.value);
    showError('草稿已复制');
  } catch {
    box.select();
  }
}

export function showError(message) {
  const node = current && $('.error', current.root);
  if (node) node.textContent = message ?? '';
}

// ---------------------------------------------------------------- sending and acting

async function submit(c) {
  const box = $('.composer textarea', c.root);
  const text = box.value.trim();
  if (!text || box.readOnly) return;
  const path = `/api/conversations/${encodeURIComponent(c.id)}`;
  const mode = c.mode;
  showError('');
  $('.send', c.root).disabled = true;
  try {
    if (mode === 'note') {
      await api('POST', `${path}/notes`, { text });
      await loadNotes(c);
    } else if (mode === 'whisper') {
      await whisper(consultOn(c.id), text);
      await loadNotes(c);
    } else {
      const result = await api('POST', `${path}/reply`, { text });
      if (result.sent === false) {
        showError('消息未发出：已超过企业微信的 48 小时或回复条数限制');
        return;
      }
      if (result.msgid) {
        c.transcript.add([{ msgid: result.msgid, from: 'agent', agentId: session.me.agentId, text, at: now() }]);
      }
    }
    if (box.value.trim() === text) box.value = '';
    saveDraft(c.id, mode, box.value);
    box.style.height = 'auto';
  } catch (error) {
    showError(refusalText(error));
  } finally {
    if (c === current) render(c);
  }
}

async function act(c, action) {
  const reasonField = $('.act-reason', c.root);
  const reason = reasonField.value.trim() || undefined;
  if (action === 'consult') return askForHelp(c.id);
  const request = consultOn(c.id);
  if (action === 'take-over' && helping(request)) {
    // Taken over as the helper of the request for help (an agent of the group: transferred to them).
    showError('');
    try {
      await takeOver(request, reason);
      reasonField.value = '';
    } catch (error) {
      showError(refusalText(error));
    }
    return;
  }
  const theirs = c.snapshot?.agentId && c.snapshot.agentId !== session.me.agentId;
  if (isSupervisor() && theirs && !reason) return showError('请填写原因：主管操作其他客服的会话需要说明原因');
  const context = {
    conversationId: c.id,
    snapshot: c.snapshot,
    reason,
    lastCustomerText: c.transcript.lastCustomerText(),
  };
  if (action === 'transfer') return openTransfer(context, showError);
  if (action === 'ticket') return openTicketForm(context, showError);
  showError('');
  try {
    await api('POST', `/api/conversations/${encodeURIComponent(c.id)}/${action}`, reason ? { reason } : {});
    reasonField.value = '';
  } catch (error) {
    showError(refusalText(error));
  }
}
