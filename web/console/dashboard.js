// The supervisor dashboard: KPI tiles and charts for today or the last 7 days
// (/api/analytics/summary), the live queue and conversations with agents from Temporal visibility
// with links to each run in the Temporal UI, agents' status and load, SLA alerts. Polls.
const { api, make, pct, secs, ago, row, REASONS } = window.ops;
const POLL_MS = 10_000;
const GREEN = '#07c160';
const PALETTE = [
  '#07c160',
  '#1677ff',
  '#fa8c16',
  '#eb2f96',
  '#722ed1',
  '#13c2c2',
  '#f5222d',
  '#a0d911',
  '#8c8c8c',
  '#2f54eb',
];
let range = 'today';
const charts = {};

function rangeQuery() {
  const to = new Date(Date.now() + 60_000);
  const day = new Date();
  day.setHours(0, 0, 0, 0);
  const from = range === 'today' ? day : new Date(day.getTime() - 6 * 86_400_000);
  return `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
}

function tile(label, value, hint, tone) {
  const box = make('div', undefined, `tile ${tone ?? ''}`);
  box.append(make('span', label, 'label'), make('strong', value, 'value'), make('small', hint, 'hint'));
  return box;
}

function renderKpis(k) {
  const contained = k.botResolvedConfirmed + k.botResolvedAssumed;
  $('#kpis').replaceChildren(
    tile('会话 Conversations', String(k.conversations), `${k.closed} 已结束 closed`),
    tile(
      '机器人解决率 Containment',
      pct(k.containmentRate),
      `确认 ${k.botResolvedConfirmed} · 推定 ${k.botResolvedAssumed}`,
      contained ? 'good' : '',
    ),
    tile('转人工率 Transfer', pct(k.transferRate), `${k.handoffs} 次转人工`),
    tile(
      '误判率 Misjudged',
      pct(k.misjudgementRate),
      `${k.misjudgements} / ${k.answers} 个回答`,
      k.misjudgementRate > 0.15 ? 'warn' : '',
    ),
    tile('首次响应 FRT', `${secs(k.frtBotMs)} / ${secs(k.frtHumanMs)}`, '机器人 / 人工 bot / human'),
    tile('平均处理时长 AHT', secs(k.ahtMs), `排队 ${secs(k.queueWaitMs)} queue wait`),
    tile('一次解决率 FCR', pct(k.fcrRate), `${k.recontacts} 次再次咨询 re-contacts`),
    tile('满意度 CSAT', `${pct(k.csatBot)} / ${pct(k.csatHuman)}`, '机器人 / 人工 (满意占比)'),
    tile(
      'SLA 达成 SLA met',
      pct(k.slaAttainment),
      `超时 ${k.slaBreaches.queue_wait + k.slaBreaches.first_response} 次`,
      k.slaAttainment !== null && k.slaAttainment < 0.9 ? 'warn' : 'good',
    ),
    tile(
      '工单 Tickets',
      `${k.ticketsResolved}/${k.ticketsCreated}`,
      `逾期 ${k.ticketsOverdue} · 平均 ${secs(k.ticketResolutionMs)}`,
    ),
  );
}

function chart(id, config) {
  if (charts[id]) {
    charts[id].data = config.data;
    charts[id].update('none');
    return;
  }
  charts[id] = new Chart(document.getElementById(id), {
    ...config,
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: 'bottom' } },
      ...config.options,
    },
  });
}

function renderCharts(k) {
  const days = k.perDay.map((d) => d.day.slice(5));
  chart('trend', {
    type: 'bar',
    data: {
      labels: days,
      datasets: [
        { label: '会话', data: k.perDay.map((d) => d.conversations), backgroundColor: '#1677ff' },
        { label: '机器人解决', data: k.perDay.map((d) => d.botResolved), backgroundColor: GREEN },
        { label: '转人工', data: k.perDay.map((d) => d.handoffs), backgroundColor: '#fa8c16' },
        { label: '误判', data: k.perDay.map((d) => d.misjudgements), backgroundColor: '#f5222d' },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const reasons = Object.entries(k.handoffsByReason).filter(([, n]) => n > 0);
  chart('reasons', {
    type: 'doughnut',
    data: {
      labels: reasons.map(([r]) => REASONS[r] ?? r),
      datasets: [{ data: reasons.map(([, n]) => n), backgroundColor: PALETTE }],
    },
    options: { plugins: { legend: { position: 'right' } } },
  });
  const agents = k.perAgent.filter((a) => a.conversations > 0 || a.assignments > 0);
  chart('agent-chart', {
    type: 'bar',
    data: {
      labels: agents.map((a) => a.agentId),
      datasets: [
        {
          label: '满意度 %',
          data: agents.map((a) => (a.csat === null ? 0 : Math.round(a.csat * 100))),
          backgroundColor: GREEN,
          yAxisID: 'y',
        },
        {
          label: '首次响应 秒',
          data: agents.map((a) => (a.frtMs === null ? 0 : a.frtMs / 1000)),
          backgroundColor: '#1677ff',
          yAxisID: 'y1',
        },
      ],
    },
    options: {
      scales: {
        y: { beginAtZero: true, max: 100, position: 'left', title: { display: true, text: 'CSAT %' } },
        y1: {
          beginAtZero: true,
          position: 'right',
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'FRT s' },
        },
      },
    },
  });
}

function temporalLink(url, text = 'Temporal') {
  const a = make('a', text, 'temporal');
  a.href = url;
  a.target = '_blank';
  a.rel = 'noopener';
  return a;
}

function renderLive(live, agents, k) {
  $('#queue-count').textContent = String(live.queue.length);
  $('#queue').replaceChildren(
    row(['客户', '原因', '优先级', '技能', '已等待', ''], true),
    ...live.queue.map((c) =>
      row([
        c.nickname ?? c.conversationId.split(':')[2],
        make('span', REASONS[c.handoffReason] ?? c.handoffReason ?? '—', `reason p${c.priority ?? 1}`),
        String(c.priority ?? '—'),
        c.skill ?? '—',
        ago(c.queuedAt ?? c.startedAt),
        temporalLink(c.temporalUrl),
      ]),
    ),
  );
  if (live.queue.length === 0) $('#queue').append(row(['队列为空 · nobody waiting']));
  const today = new Map(k.perAgent.map((a) => [a.agentId, a]));
  const serving = new Map();
  for (const c of live.withAgents) serving.set(c.agentId, [...(serving.get(c.agentId) ?? []), c]);
  $('#agents').replaceChildren(
    row(['客服', '状态', '负载', '已处理', '满意度', 'SLA 超时', '进行中'], true),
    ...agents.map((a) => {
      const figures = today.get(a.agentId);
      const load = make('span', `${a.load}/${a.capacity}`, a.load >= a.capacity ? 'full' : '');
      const links = make('span');
      for (const c of serving.get(a.agentId) ?? [])
        links.append(temporalLink(c.temporalUrl, c.nickname ?? '会话'), ' ');
      return row([
        `${a.name}（${a.agentId}）`,
        make('span', { online: '在线', away: '离开', offline: '离线' }[a.status] ?? a.status, `status ${a.status}`),
        load,
        String(figures?.conversations ?? 0),
        pct(figures?.csat ?? null),
        String(figures?.slaBreaches ?? 0),
        links,
      ]);
    }),
  );
  $('#misjudged').replaceChildren(
    row(['条目', '回答', '客户否定', '客服标错', '误判率'], true),
    ...k.topMisjudgedEntries.map((e) => {
      const link = make('a', e.entryId);
      link.href = `kb.html#entry=${encodeURIComponent(e.entryId)}`;
      return row([link, String(e.answers), String(e.rejected), String(e.markedWrong), pct(e.misjudgementRate)]);
    }),
  );
  if (k.topMisjudgedEntries.length === 0) $('#misjudged').append(row(['暂无误判 · none']));
  $('#alerts').replaceChildren(
    ...live.alerts.map((a) => {
      const item = make('li', undefined, `alert ${a.kind}`);
      item.append(
        make(
          'strong',
          {
            queue_wait: '排队超时',
            first_response: '首次响应超时',
            ticket_due: '工单逾期',
            reply_window: '回复窗口',
            wecom_error: '企业微信错误',
          }[a.kind] ?? a.kind,
        ),
        make('span', a.message),
        make('small', new Date(a.at).toLocaleString()),
      );
      if (a.temporalUrl) item.append(temporalLink(a.temporalUrl));
      return item;
    }),
  );
  if (live.alerts.length === 0) $('#alerts').append(make('li', '无告警 · no alerts', 'alert none'));
}

function $(selector) {
  return document.querySelector(selector);
}

async function refresh() {
  try {
    const [k, live, agents] = await Promise.all([
      api('GET', `/api/analytics/summary?${rangeQuery()}`),
      api('GET', '/api/analytics/live'),
      api('GET', '/api/agents'),
    ]);
    renderKpis(k);
    renderCharts(k);
    renderLive(live, agents, k);
    $('#updated').textContent = `更新于 ${new Date().toLocaleTimeString()}`;
    document.body.dataset.ready = 'true';
  } catch (error) {
    $('#updated').textContent = error.message;
  }
}

for (const button of document.querySelectorAll('[data-range]')) {
  button.addEventListener('click', () => {
    range = button.dataset.range;
    for (const b of document.querySelectorAll('[data-range]')) b.classList.toggle('active', b === button);
    void refresh();
  });
}
refresh();
setInterval(refresh, POLL_MS);
