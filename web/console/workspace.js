// The agent workspace for the signed-in user: their own conversations and the queue (supervisors
// also every other agent's, the bot's, and the agents' status) from /api/conversations; the selected
// one's live snapshot (handoff card, transcript, timers) from the workflow; replies and actions as
// workflow updates, acting as the signed-in user. Polls; no build step.
const REASONS = {
  customer_request: '客户要求人工',
  low_confidence: '机器人未理解',
  repeated_question: '重复提问',
  answer_rejected: '回答未解决',
  negative_sentiment: '客户不满',
  high_risk: '高风险',
  vip: 'VIP',
  agent_requested: '客服接入',
  bot_unavailable: '机器人不可用',
};
const STATES = {
  bot: '机器人',
  confirming: '待确认',
  queued: '排队中',
  human: '人工服务中',
  ticket: '工单跟进',
  closed: '已结束',
};
const TIMERS = {
  confirmation: '等待确认',
  botIdle: '无消息关闭',
  queueWaitSla: '排队时限',
  firstResponseSla: '首次响应时限',
  humanIdleNudge: '空闲提醒',
  humanIdleClose: '空闲关闭',
  ticketSla: '工单时限',
  csat: '等待评价',
};
const POLL_MS = 2000;
/** bot/llm.ts MODEL_WRITTEN_MARK: a summary the model wrote starts with it. */
const MODEL_WRITTEN_MARK = '【AI 摘要】';
const ROLES = { agent: '客服', supervisor: '主管', admin: '管理员' };

/** The signed-in user (GET /api/auth/me): userId, name, role, agentId. */
let me;
let selected = '';
let lastRendered = '';
let lastSnapshot;

const $ = (selector, root = document) => root.querySelector(selector);
function make(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}
const isSupervisor = () => me && (me.role === 'supervisor' || me.role === 'admin');

async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 401) {
    location.assign(`login.html?next=${encodeURIComponent(location.pathname)}`);
    throw new Error('signed out');
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

function since(date) {
  if (!date) return '';
  const seconds = Math.max(0, Math.round((Date.now() - new Date(date).getTime()) / 1000));
  return seconds < 60 ? `${seconds} 秒` : `${Math.round(seconds / 60)} 分钟`;
}

// ---------------------------------------------------------------- who I am
async function signIn() {
  me = await api('GET', '/api/auth/me');
  $('#me').textContent = `${me.name}（${ROLES[me.role] ?? me.role}）`;
  $('#status-label').hidden = !me.agentId;
  for (const section of document.querySelectorAll('.supervisor')) section.hidden = !isSupervisor();
}

async function loadAgents() {
  const agents = await api('GET', '/api/agents');
  const mine = agents.find((agent) => agent.agentId === me.agentId);
  if (mine && document.activeElement !== $('#status')) $('#status').value = mine.status;
  if (!isSupervisor()) return;
  const table = $('#agents');
  table.replaceChildren(
    ...agents.map((agent) => {
      const row = make('tr');
      row.dataset.agent = agent.agentId;
      const status = make('select');
      status.setAttribute('aria-label', `status of ${agent.agentId}`);
      for (const [value, label] of [
        ['online', '在线'],
        ['away', '离开'],
        ['offline', '离线'],
      ]) {
        const option = make('option', label);
        option.value = value;
        status.append(option);
      }
      status.value = agent.status;
      status.addEventListener('change', async () => {
        const reason =
          agent.agentId === me.agentId ? undefined : prompt(`为什么设置 ${agent.name} 为 ${status.value}？`);
        if (agent.agentId !== me.agentId && !reason) return void (status.value = agent.status);
        await api('POST', `/api/agents/${encodeURIComponent(agent.agentId)}/status`, { status: status.value, reason });
      });
      const cell = make('td');
      cell.append(status);
      row.append(make('td', `${agent.name}（${agent.agentId}）`), make('td', `${agent.load}/${agent.capacity}`), cell);
      return row;
    }),
  );
}

$('#status').addEventListener('change', async (event) => {
  await api('POST', `/api/agents/${encodeURIComponent(me.agentId)}/status`, { status: event.target.value });
});

$('#signout').addEventListener('click', async () => {
  await fetch('/api/auth/logout', { method: 'POST' });
  location.assign('login.html');
});

// ---------------------------------------------------------------- lists
function listItem(conversation) {
  const item = make('li');
  item.dataset.id = conversation.conversationId;
  if (conversation.conversationId === selected) item.classList.add('selected');
  item.append(make('strong', conversation.nickname || conversation.externalUserId));
  if (conversation.handoffReason) {
    item.append(
      ' ',
      make(
        'span',
        REASONS[conversation.handoffReason] ?? conversation.handoffReason,
        `reason p${conversation.priority ?? 1}`,
      ),
    );
  }
  const waited =
    conversation.state === 'queued' ? `等待 ${since(conversation.queuedAt)}` : since(conversation.updatedAt) + '前';
  item.append(
    make(
      'span',
      `${STATES[conversation.state] ?? conversation.state} · ${waited}${conversation.skill ? ` · ${conversation.skill}` : ''}`,
      'meta',
    ),
  );
  item.addEventListener('click', () => select(conversation.conversationId));
  return item;
}

async function fill(listId, queries, keep = () => true) {
  const lists = await Promise.all(queries.map((query) => api('GET', `/api/conversations?${query}`)));
  $(listId).replaceChildren(...lists.flat().filter(keep).map(listItem));
}

async function refresh() {
  try {
    const mine = me.agentId ? encodeURIComponent(me.agentId) : undefined;
    await Promise.all([
      mine ? fill('#mine', [`state=human&agentId=${mine}`, `state=ticket&agentId=${mine}`]) : undefined,
      fill('#queued', ['state=queued']),
      isSupervisor() ? fill('#others', ['state=human'], (c) => c.agentId !== me.agentId) : undefined,
      isSupervisor() ? fill('#bot', ['state=bot&limit=20', 'state=confirming&limit=20']) : undefined,
      loadAgents(),
    ]);
    if (selected) await loadDetail();
  } catch (error) {
    console.error(error);
  }
}

// ---------------------------------------------------------------- the selected conversation
async function select(conversationId) {
  selected = conversationId;
  lastRendered = '';
  for (const item of document.querySelectorAll('.conversations li')) {
    item.classList.toggle('selected', item.dataset.id === conversationId);
  }
  const detail = $('#detail');
  detail.replaceChildren($('#detail-template').content.cloneNode(true));
  $('.reply', detail).addEventListener('submit', (event) => {
    event.preventDefault();
    void sendReply();
  });
  $('textarea', detail).addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void sendReply();
  });
  for (const button of detail.querySelectorAll('[data-action]')) {
    button.addEventListener('click', () => void act(button.dataset.action));
  }
  await loadDetail();
}

async function loadDetail() {
  const snapshot = await api('GET', `/api/conversations/${encodeURIComponent(selected)}`).catch((error) => {
    showError(error.message);
    return undefined;
  });
  if (!snapshot) return;
  const key = JSON.stringify([snapshot.state, snapshot.agentId, snapshot.transcriptTail.length, snapshot.timersDue]);
  if (key === lastRendered) return;
  lastRendered = key;
  lastSnapshot = snapshot;
  render(snapshot);
}

function render(snapshot) {
  const detail = $('#detail');
  detail.dataset.conversationId = snapshot.conversationId;
  const card = snapshot.handoff;
  $('.who', detail).textContent = card?.nickname || snapshot.externalUserId;
  $('.state', detail).textContent =
    `${STATES[snapshot.state] ?? snapshot.state}${snapshot.agentId ? ` · ${snapshot.agentId}` : ''}`;
  $('.timers', detail).textContent = Object.entries(snapshot.timersDue)
    .map(([name, due]) => `${TIMERS[name] ?? name} ${Math.max(0, Math.round((due - Date.now()) / 1000))}s`)
    .join(' · ');

  const handoff = $('.handoff', detail);
  handoff.replaceChildren();
  const rows = card
    ? [
        ['原因 reason', REASONS[card.reason] ?? card.reason],
        ['优先级 priority', String(card.priority)],
        ['摘要 summary', summaryOf(card.summary)],
        ['意图 intent', card.intent ?? '—'],
        ['情绪 sentiment', card.sentiment ?? '—'],
        ['客户 customer', [card.customerTier, ...(card.customerTags ?? [])].join(' · ')],
      ]
    : [['', '尚未转人工 · not handed off']];
  for (const [term, value] of rows) {
    const dd = make('dd');
    dd.append(value);
    handoff.append(make('dt', term), dd);
  }

  const transcript = $('.transcript', detail);
  transcript.replaceChildren(
    ...snapshot.transcriptTail.map((line) => {
      const bubble = make('div', line.text, `line ${line.from}`);
      bubble.dataset.msgid = line.msgid;
      if (line.kbEntryId) bubble.dataset.kbEntryId = line.kbEntryId; // feedback.js marks these answers
      const who = { customer: '客户', bot: '机器人', agent: `客服 ${line.agentId ?? ''}`, system: '系统' }[line.from];
      bubble.prepend(make('small', `${who} · ${new Date(line.at).toLocaleTimeString()}`));
      return bubble;
    }),
  );
  transcript.lastElementChild?.scrollIntoView({ block: 'nearest' });

  const mine = Boolean(me.agentId) && snapshot.agentId === me.agentId;
  const supervisor = isSupervisor();
  const human = snapshot.state === 'human';
  const can = {
    reply: human && mine && snapshot.humanMode === 'console',
    'take-over':
      ['queued'].includes(snapshot.state) ||
      (supervisor && (['bot', 'confirming'].includes(snapshot.state) || (human && !mine))),
    transfer: human && (mine || supervisor),
    ticket: human && mine,
    'return-to-bot': human && mine && snapshot.humanMode === 'console',
    resolve: (human && (mine || supervisor)) || snapshot.state === 'ticket',
  };
  for (const control of detail.querySelectorAll('.reply textarea, .reply button')) control.disabled = !can.reply;
  for (const button of detail.querySelectorAll('[data-action]')) button.disabled = !can[button.dataset.action];
  // A supervisor acting on someone else's conversation says why; it is recorded with the action.
  $('.act-reason', detail).hidden = !supervisor;
}

/** The summary, with a badge when the model wrote it: the agent reads it as a reading, not a quote. */
function summaryOf(summary) {
  if (!summary?.startsWith(MODEL_WRITTEN_MARK)) return summary ?? '';
  const fragment = document.createDocumentFragment();
  fragment.append(make('span', 'AI 生成 · model-written', 'model-written'), summary.slice(MODEL_WRITTEN_MARK.length));
  return fragment;
}

function showError(message) {
  const box = $('#detail .error');
  if (box) box.textContent = message ?? '';
}

async function sendReply() {
  const textarea = $('#detail textarea');
  const text = textarea.value.trim();
  if (!text) return;
  try {
    const result = await api('POST', `/api/conversations/${encodeURIComponent(selected)}/reply`, { text });
    showError(result.sent ? '' : '消息未发出（超过 48 小时或回复条数已达上限）');
    if (result.sent) textarea.value = '';
  } catch (error) {
    showError(error.message);
  }
  await loadDetail();
}

async function act(action) {
  const body = {};
  const reason = $('#detail .act-reason')?.value.trim();
  if (reason) body.reason = reason;
  const theirs = lastSnapshot?.agentId && lastSnapshot.agentId !== me.agentId;
  if (isSupervisor() && theirs && !reason)
    return showError('请填写原因 · give a reason for acting on another agent’s conversation');
  if (action === 'transfer') {
    const to = prompt('转接给哪位客服（客服ID），或输入 skill:技能（如 skill:billing）');
    if (!to) return;
    if (to.startsWith('skill:')) body.toSkill = to.slice('skill:'.length);
    else body.toAgentId = to;
  }
  if (action === 'ticket') {
    const title = prompt('工单标题');
    if (!title) return;
    body.title = title;
  }
  showError('');
  try {
    await api('POST', `/api/conversations/${encodeURIComponent(selected)}/${action}`, body);
  } catch (error) {
    showError(error.message);
  }
  const field = $('#detail .act-reason');
  if (field) field.value = '';
  lastRendered = '';
  await refresh();
}

// ---------------------------------------------------------------- start
(async () => {
  await signIn();
  await refresh();
  setInterval(refresh, POLL_MS);
})();
