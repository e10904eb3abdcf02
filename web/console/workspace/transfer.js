// Transfer picker: to an agent who can take it now (online, with a free slot: the others are shown
// with why not, and cannot be picked) or to a skill (the conversation queues again for it).
// Nothing is sent until a choice is made; a refusal is said in Chinese.
import { api, refusalText } from './api.js';
import { $, $$, make } from './dom.js';
import { labels, word } from './labels.js';
import { isSupervisor, session } from './session.js';

const dialog = () => $('#transfer-dialog');
let context;

function whyNot(agent) {
  if (agent.agentId === context.snapshot?.agentId) return '当前接待人';
  if (agent.status !== 'online') return word('agentStatuses', agent.status);
  if (agent.freeSlots <= 0) return '接待已满';
  return undefined;
}

function option(name, value, title, detail, unavailable) {
  const li = make('li');
  const label = make('label');
  const input = make('input');
  input.type = 'radio';
  input.name = name;
  input.value = value;
  input.disabled = Boolean(unavailable);
  label.append(input, make('strong', title), make('span', detail, 'sub'));
  if (unavailable) label.append(make('span', unavailable, 'why-not'));
  li.append(label);
  li.classList.toggle('unavailable', Boolean(unavailable));
  return li;
}

function draw() {
  const agents = [...session.agents].sort((a, b) => Number(Boolean(whyNot(a))) - Number(Boolean(whyNot(b))));
  $('#transfer-agents').replaceChildren(
    ...agents.map((agent) =>
      option(
        'agent',
        agent.agentId,
        `${agent.name}（${agent.agentId}）`,
        `空闲 ${agent.freeSlots}/${agent.capacity} · ${(agent.skills ?? []).map((s) => word('skills', s)).join('、') || '无技能标签'}`,
        whyNot(agent),
      ),
    ),
  );
  const online = (skill) =>
    session.agents.filter((a) => a.status === 'online' && a.freeSlots > 0 && (a.skills ?? []).includes(skill)).length;
  $('#transfer-skills').replaceChildren(
    ...Object.entries(labels.skills ?? {}).map(([id, name]) => option('skill', id, name, `${online(id)} 位客服空闲`)),
  );
}

function showKind() {
  const kind = $('#transfer-form').elements.kind.value;
  $('#transfer-agents').hidden = kind !== 'agent';
  $('#transfer-skills').hidden = kind !== 'skill';
}

export function openTransfer(given) {
  context = given;
  const form = $('#transfer-form');
  form.reset();
  form.elements.reason.value = context.reason ?? '';
  $('.error', form).textContent = '';
  draw();
  showKind();
  dialog().showModal();
}

async function submit(event) {
  event.preventDefault();
  const form = $('#transfer-form');
  const error = $('.error', form);
  const kind = form.elements.kind.value;
  const picked = $$(`input[name=${kind}]`, form).find((input) => input.checked)?.value;
  if (!picked) {
    error.textContent = kind === 'agent' ? '请选择一位可以接待的客服' : '请选择一个技能组';
    return;
  }
  const reason = form.elements.reason.value.trim() || undefined;
  const theirs = context.snapshot?.agentId && context.snapshot.agentId !== session.me.agentId;
  if (isSupervisor() && theirs && !reason) {
    error.textContent = '请填写原因：主管操作其他客服的会话需要说明原因';
    return;
  }
  const body = { ...(kind === 'agent' ? { toAgentId: picked } : { toSkill: picked }), ...(reason ? { reason } : {}) };
  const submitButton = $('button[type=submit]', form);
  submitButton.disabled = true;
  try {
    await api('POST', `/api/conversations/${encodeURIComponent(context.conversationId)}/transfer`, body);
    dialog().close();
  } catch (failure) {
    error.textContent = refusalText(failure);
  } finally {
    submitButton.disabled = false;
  }
}

export function initTransfer() {
  const form = $('#transfer-form');
  form.addEventListener('submit', (event) => void submit(event));
  form.addEventListener('change', (event) => {
    $('.error', form).textContent = '';
    if (event.target.name === 'kind') showKind();
  });
  $('.cancel', form).addEventListener('click', () => dialog().close());
}

/** The roster changed while the picker is open: who is free now. */
export function agentsChanged() {
  if (!dialog().open) return;
  const form = $('#transfer-form');
  const picked = $$('input[name=agent]', form).find((input) => input.checked)?.value;
  draw();
  const again = $$('input[name=agent]', form).find((input) => input.value === picked && !input.disabled);
  if (again) again.checked = true;
}
