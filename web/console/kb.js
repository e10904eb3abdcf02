// The KB editor for editors: entries (search, edit, disable, import/export), the history with
// roll back, hit testing of the current KB against the draft in the form, the review queue's
// groups (make a new entry from a group, add its questions to an entry, triage), and what-if replay.
const { api, make, pct, row, REASONS } = window.ops;
const $ = (s) => document.querySelector(s);
const SOURCES = {
  customer_rejected: '客户否定',
  agent_marked: '客服标错',
  not_understood: '未理解',
  handoff_after_answer: '答后转人工',
};
let entries = [];
let selected = '';

async function loadEntries() {
  entries = await api('GET', '/api/kb/entries?limit=500');
  $('#entry-count').textContent = String(entries.length);
  renderEntries();
}

function renderEntries() {
  const q = $('#search').value.trim().toLowerCase();
  const shown = entries.filter(
    (e) => !q || [e.entryId, e.question, e.answer, ...(e.similar ?? [])].join(' ').toLowerCase().includes(q),
  );
  $('#entries').replaceChildren(
    ...shown.map((e) => {
      const item = make('li', undefined, `${e.enabled ? '' : 'disabled'} ${e.entryId === selected ? 'selected' : ''}`);
      item.append(
        make('strong', e.question),
        make('small', `${e.entryId} · ${e.skill} · v${e.version}${e.enabled ? '' : ' · 已停用'}`),
      );
      item.addEventListener('click', () => edit(e));
      return item;
    }),
  );
}

function edit(entry, extra = {}) {
  selected = entry?.entryId ?? '';
  const form = $('#editor');
  form.id.value = entry?.entryId ?? extra.id ?? '';
  form.skill.value = entry?.skill ?? extra.skill ?? '';
  form.question.value = entry?.question ?? extra.question ?? '';
  form.similar.value = [...(entry?.similar ?? []), ...(extra.similar ?? [])].join('\n');
  form.answer.value = entry?.answer ?? extra.answer ?? '';
  form.enabled.checked = entry?.enabled ?? true;
  form.fixes.value = (extra.fixes ?? []).join(',');
  $('#editing').textContent = entry ? `${entry.entryId} v${entry.version}` : '新条目 new';
  $('#editor-status').textContent = extra.fixes?.length ? `保存后 ${extra.fixes.length} 条审核项标记为已修复` : '';
  renderEntries();
}

function draft() {
  const form = $('#editor');
  return {
    id: form.id.value.trim(),
    skill: form.skill.value.trim(),
    question: form.question.value.trim(),
    similar: form.similar.value
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean),
    answer: form.answer.value.trim(),
    enabled: form.enabled.checked,
  };
}

$('#editor').addEventListener('submit', async (event) => {
  event.preventDefault();
  const { id, ...fields } = draft();
  const fixes = $('#editor').fixes.value.split(',').filter(Boolean);
  try {
    const saved = fixes.length
      ? await api('POST', '/api/review/fix', { ids: fixes, newEntry: { id, ...fields } })
      : await api('PUT', `/api/kb/entries/${encodeURIComponent(id)}`, fields);
    $('#editor-status').textContent = `已保存为版本 ${saved.kbVersion ?? '—'}，机器人将在下次刷新知识库时使用。`;
    $('#editor').fixes.value = '';
    await Promise.all([loadEntries(), loadVersions(), loadGroups()]);
    selected = id;
  } catch (error) {
    $('#editor-status').textContent = error.message;
  }
});

$('#disable').addEventListener('click', async () => {
  if (!selected) return;
  await api('DELETE', `/api/kb/entries/${encodeURIComponent(selected)}`);
  await Promise.all([loadEntries(), loadVersions()]);
});
$('#new-entry').addEventListener('click', () => edit(undefined));
$('#search').addEventListener('input', renderEntries);
$('#import').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  try {
    const result = await api('POST', '/api/kb/import', JSON.parse(await file.text()));
    $('#editor-status').textContent = `导入完成：${result.changed.length} 个条目有变化（版本 ${result.version}）`;
    await Promise.all([loadEntries(), loadVersions()]);
  } catch (error) {
    $('#editor-status').textContent = `导入失败：${error.message}`;
  }
});

async function loadVersions() {
  const { version, changes } = await api('GET', '/api/kb/changes?limit=30');
  $('#version').textContent = `知识库版本 v${version}`;
  const ACTIONS = { create: '新建', update: '修改', disable: '停用', enable: '启用', import: '导入', rollback: '回滚' };
  $('#versions').replaceChildren(
    ...changes.map((c) => {
      const item = make('li');
      item.append(
        make('strong', `v${c.version} ${ACTIONS[c.action] ?? c.action} ${c.entryId}`),
        make('small', `${c.by} · ${new Date(c.at).toLocaleString()}`),
      );
      const back = make('button', `回滚到 v${c.version - 1}`, 'secondary');
      back.type = 'button';
      back.addEventListener('click', async (event) => {
        event.stopPropagation();
        if (!confirm(`把知识库恢复到版本 ${c.version - 1}？`)) return;
        await api('POST', '/api/kb/rollback', { version: c.version - 1 });
        await Promise.all([loadEntries(), loadVersions()]);
      });
      item.append(back);
      return item;
    }),
  );
}

function hitTable(title, result) {
  const box = make('div');
  box.append(make('h3', title));
  const d = result.decision;
  const said =
    d.kind === 'answer'
      ? `回答 ${d.entryId}`
      : d.kind === 'handoff'
        ? `转人工（${REASONS[d.reason] ?? d.reason}）`
        : d.kind === 'clarify'
          ? '请客户换个说法'
          : d.kind;
  box.append(make('p', `决策 decision：${said} · ${result.retrieval}`, 'decision'));
  const table = make('table', undefined, 'hits');
  const bar = (v) => {
    const cell = make('span');
    if (v === null) return '—';
    const b = make('span', undefined, 'bar');
    b.style.width = `${Math.round(v * 60)}px`;
    cell.append(b, v.toFixed(2));
    return cell;
  };
  table.append(row(['条目', '词法 lexical', '语义 semantic', '融合 fused'], true));
  for (const c of result.candidates)
    table.append(row([`${c.entryId}\n${c.question}`, bar(c.lexical), bar(c.semantic), bar(c.fused)]));
  box.append(table);
  return box;
}

$('#hit-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const question = $('#hit-question').value.trim();
  if (!question) return;
  const d = draft();
  const body = { question, ...(d.id && d.question && d.answer && d.skill ? { draft: d } : {}) };
  try {
    const result = await api('POST', '/api/kb/hit-test', body);
    $('#hits').replaceChildren(
      hitTable('当前知识库 current', result.current),
      ...(result.draft ? [hitTable('编辑后 with this draft', result.draft)] : []),
    );
  } catch (error) {
    $('#hits').textContent = error.message;
  }
});

async function loadGroups() {
  const status = $('#review-status').value;
  const groups = await api('GET', `/api/review/groups?status=${status}`);
  $('#review-count').textContent = String(groups.reduce((n, g) => n + g.items.length, 0));
  $('#groups').replaceChildren(
    ...groups.map((g) => {
      const box = make('div', undefined, 'group');
      const head = make('header');
      head.append(make('strong', g.question || '（无文字）'), make('span', String(g.items.length), 'n'));
      box.append(head);
      const tags = make('div');
      for (const [source, n] of Object.entries(g.sources))
        tags.append(make('span', `${SOURCES[source] ?? source} ${n}`, 'tag'));
      if (g.entryId) tags.append(make('span', `条目 ${g.entryId}`, 'tag'));
      box.append(tags);
      const list = make('ul');
      for (const item of g.items.slice(0, 5)) {
        const why = item.reason
          ? ` · ${item.reason}`
          : item.handoffReason
            ? ` · ${REASONS[item.handoffReason] ?? item.handoffReason}`
            : '';
        list.append(make('li', `${item.question || '—'}${why}${item.correctAnswer ? ` → ${item.correctAnswer}` : ''}`));
      }
      box.append(list);
      if (status === 'new' || status === 'reviewed') {
        const actions = make('div', undefined, 'row-actions');
        const ids = g.items.map((i) => i.id);
        const questions = [...new Set(g.items.map((i) => i.question).filter(Boolean))];
        const asEntry = make('button', '生成新条目', 'primary');
        asEntry.type = 'button';
        asEntry.addEventListener('click', () => {
          const correction = g.items.find((i) => i.correctAnswer)?.correctAnswer ?? '';
          const base = entries.find((e) => e.entryId === g.entryId);
          edit(undefined, {
            id: '',
            skill: base?.skill ?? '',
            question: questions[0] ?? '',
            similar: questions.slice(1),
            answer: correction,
            fixes: ids,
          });
        });
        const similar = make('button', '加为相似问题', 'secondary');
        similar.type = 'button';
        similar.addEventListener('click', async () => {
          const target = prompt(
            '加到哪个条目（条目 ID）？',
            g.items.find((i) => i.correctEntryId)?.correctEntryId ?? g.entryId ?? '',
          );
          if (!target) return;
          await api('POST', '/api/review/fix', { ids, addSimilarTo: target, questions });
          await Promise.all([loadGroups(), loadEntries(), loadVersions()]);
        });
        const seen = make('button', status === 'new' ? '已查看' : '忽略', 'secondary');
        seen.type = 'button';
        seen.addEventListener('click', async () => {
          await api('POST', '/api/review/items/status', { ids, status: status === 'new' ? 'reviewed' : 'dismissed' });
          await loadGroups();
        });
        actions.append(asEntry, similar, seen);
        box.append(actions);
      }
      return box;
    }),
  );
  if (groups.length === 0) $('#groups').append(make('p', '没有待处理的项目 · nothing here', 'muted'));
}
$('#review-status').addEventListener('change', () => void loadGroups());

$('#replay-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const threshold = Number(form.answerConfidence.value);
  const body = { since: new Date(form.since.value).toISOString() };
  if (form.answerConfidence.value && threshold > 0) body.policy = { answerConfidence: threshold };
  const d = draft();
  if (form.withDraft.checked && d.id) body.draft = [d];
  $('#replay').textContent = '预演中…';
  try {
    const r = await api('POST', '/api/kb/replay', body);
    const table = make('table', undefined, 'hits');
    table.append(row(['', '现在 before', '修改后 after'], true));
    table.append(row(['会话 conversations', String(r.conversations), String(r.conversations)]));
    table.append(row(['回答 answers', String(r.answers.before), String(r.answers.after)]));
    table.append(row(['未理解 not understood', String(r.unknowns.before), String(r.unknowns.after)]));
    table.append(row(['转人工 handoffs', String(r.handoffs.before), String(r.handoffs.after)]));
    for (const reason of Object.keys(r.handoffsByReason.before)) {
      const [b, a] = [r.handoffsByReason.before[reason], r.handoffsByReason.after[reason]];
      if (b || a) table.append(row([`  ${REASONS[reason] ?? reason}`, String(b), String(a)]));
    }
    const flips = r.flipped.map((f) =>
      make(
        'div',
        `${f.conversationId.split(':').slice(2).join(':')}：${f.before.answers.join(',') || '—'} → ${f.before.ending} ⇒ ${f.after.answers.join(',') || '—'} → ${f.after.ending}`,
        'flip',
      ),
    );
    $('#replay').replaceChildren(
      table,
      make('p', `${r.flipped.length} 个会话结果改变（${r.seconds} 秒）`, 'muted'),
      ...flips,
    );
  } catch (error) {
    $('#replay').textContent = error.message;
  }
});

(async () => {
  $('#replay-form').since.value = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 16);
  $('#replay-form').answerConfidence.value = '0.6';
  await Promise.all([loadEntries(), loadVersions(), loadGroups()]);
  const wanted = new URLSearchParams(location.hash.slice(1)).get('entry');
  if (wanted) edit(entries.find((e) => e.entryId === wanted));
  document.body.dataset.ready = 'true';
})();
