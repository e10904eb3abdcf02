// Shared by the dashboard and the KB editor: the signed-in fetch, element helpers and the names of
// handoff reasons and review sources in Chinese.
window.ops = (() => {
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
    follow_up: '人工后续',
  };
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
  function make(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }
  const pct = (value) =>
    value === null || value === undefined ? '—' : `${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%`;
  const secs = (ms) =>
    ms === null || ms === undefined
      ? '—'
      : ms < 60_000
        ? `${(ms / 1000).toFixed(1)} 秒`
        : `${(ms / 60_000).toFixed(1)} 分`;
  const ago = (iso) => {
    if (!iso) return '—';
    const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    return s < 60 ? `${s} 秒` : s < 3600 ? `${Math.floor(s / 60)} 分 ${s % 60} 秒` : `${Math.floor(s / 3600)} 小时`;
  };
  function row(cells, header) {
    const tr = make('tr');
    for (const cell of cells) {
      const td = make(header ? 'th' : 'td');
      if (cell instanceof Node) td.append(cell);
      else td.textContent = cell ?? '—';
      tr.append(td);
    }
    return tr;
  }
  return { api, make, pct, secs, ago, row, REASONS };
})();
