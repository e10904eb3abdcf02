// The agent workspace: the agent's own conversations, the queue and the bot's conversations from
// /api/conversations; the selected one's live snapshot (handoff card, transcript, timers) from the
// workflow; replies and actions as workflow updates. Polls; no build step.
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

let me = localStorage.getItem('agentId') ?? '';
let selected = '';
let lastRendered = '';

const $ = (selector, root = document) => root.querySelector(selector);
function make(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

function since(date) {
  if (!date) return '';
  const seconds = Math.max(0, Math.round((Date.now() - new Date(date).getTime()) / 1000));
  return seconds < 60 ? `${seconds} 秒` : `${Math.round(seconds / 60)} 分钟`;
}

// ---------------------------------------------------------------- agent
async function loadAgents() {
  const agents = await api('GET', '/api/agents');
  const select = $('#agent');
  select.replaceChildren(
    ...agents.map((agent) => {
      const option = make('option', `${agent.name}（${agent.agentId}）`);
      option.value = agent.agentId;
      return option;
    }),
  );
  if (!agents.some((agent) => agent.agentId === me)) me = agents[0]?.agentId ?? '';
  select.value = me;
  $('#status').value = agents.find((agent) => agent.agentId === me)?.status ?? 'offline';
}

$('#agent').addEventListener('change', async (event) => {
  me = event.target.value;
  localStorage.setItem('agentId', me);
  await loadAgents();
  await refresh();
});

$('#status').addEventListener('change', async (event) => {
  await api('POST', `/api/agents/${encodeURIComponent(me)}/status`, { status: event.target.value });
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

async function fill(listId, ...queries) {
  const lists = await Promise.all(queries.map((query) => api('GET', `/api/conversations?${query}`)));
  $(listId).replaceChildren(...lists.flat().map(listItem));
}

async function refresh() {
  try {
    await Promise.all([
      fill('#mine', `state=human&agentId=${encodeURIComponent(me)}`, `state=ticket&agentId=${encodeURIComponent(me)}`),
      fill('#queued', 'state=queued'),
      fill('#bot', 'state=bot&limit=20', 'state=confirming&limit=20'),
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
  const key = JSON.stringify([
    snapshot.state,
    snapshot.agentId,
    snapshot.transcriptTail.length,
    snapshot.timersDue,
    me,
  ]);
  if (key === lastRendered) return;
  lastRendered = key;
  render(snapshot);
}

function render(snapshot) {
  const detail = $('#detail');
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
        ['摘要 summary', card.summary],
        ['意图 intent', card.intent ?? '—'],
        ['情绪 sentiment', card.sentiment ?? '—'],
        ['客户 customer', [card.customerTier, ...(card.customerTags ?? [])].join(' · ')],
      ]
    : [['', '尚未转人工 · not handed off']];
  for (const [term, value] of rows) handoff.append(make('dt', term), make('dd', value));

  const transcript = $('.transcript', detail);
  transcript.replaceChildren(
    ...snapshot.transcriptTail.map((line) => {
      const bubble = make('div', line.text, `line ${line.from}`);
      const who = { customer: '客户', bot: '机器人', agent: `客服 ${line.agentId ?? ''}`, system: '系统' }[line.from];
      bubble.prepend(make('small', `${who} · ${new Date(line.at).toLocaleTimeString()}`));
      return bubble;
    }),
  );
  transcript.lastElementChild?.scrollIntoView({ block: 'nearest' });

  const mine = snapshot.agentId === me;
  const can = {
    reply: snapshot.state === 'human' && mine && snapshot.humanMode === 'console',
    'take-over': ['bot', 'confirming', 'queued'].includes(snapshot.state),
    transfer: snapshot.state === 'human' && mine,
    ticket: snapshot.state === 'human' && mine,
    'return-to-bot': snapshot.state === 'human' && mine && snapshot.humanMode === 'console',
    resolve: (snapshot.state === 'human' && mine) || snapshot.state === 'ticket',
  };
  for (const control of detail.querySelectorAll('.reply textarea, .reply button')) control.disabled = !can.reply;
  for (const button of detail.querySelectorAll('[data-action]')) button.disabled = !can[button.dataset.action];
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
    const result = await api('POST', `/api/conversations/${encodeURIComponent(selected)}/reply`, { agentId: me, text });
    showError(result.sent ? '' : '消息未发出（超过 48 小时或回复条数已达上限）');
    if (result.sent) textarea.value = '';
  } catch (error) {
    showError(error.message);
  }
  await loadDetail();
}

async function act(action) {
  const body = { agentId: me };
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
  await refresh();
}

// ---------------------------------------------------------------- start
(async () => {
  await loadAgents();
  await refresh();
  setInterval(refresh, POLL_MS);
})();
