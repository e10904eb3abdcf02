// Ticket form: title, priority, due time (by default the priority's own due time, moved with it
// until the agent sets one) and the description. Checked before anything is sent.
import { api, refusalText } from './api.js';
import { now } from './clock.js';
import { $ } from './dom.js';
import { labels } from './labels.js';

const dialog = () => $('#ticket-dialog');
let context;
let dueEdited = false;

/** A datetime-local value (local time, minutes) for a moment. */
function localValue(at) {
  const date = new Date(at);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function defaultDue(priority) {
  const hours = labels.ticketDueHours?.[priority] ?? 48;
  return localValue(now() + hours * 3600_000);
}

/** The card's priority as a ticket priority: risks are urgent, the rest follow. */
function priorityOf(snapshot) {
  const p = snapshot?.handoff?.priority ?? 1;
  return p >= 4 ? 'urgent' : p >= 3 ? 'high' : 'normal';
}

export function openTicketForm(given) {
  context = given;
  const form = $('#ticket-form');
  form.reset();
  dueEdited = false;
  const card = context.snapshot?.handoff;
  form.elements.title.value = (card?.intentQuestion ?? context.lastCustomerText ?? '').slice(0, 60);
  form.elements.priority.value = priorityOf(context.snapshot);
  form.elements.dueAt.value = defaultDue(form.elements.priority.value);
  form.elements.description.value = card?.summary?.replace(/^【AI 摘要】/, '') ?? '';
  $('.error', form).textContent = '';
  dialog().showModal();
  form.elements.title.focus();
}

function check(form) {
  if (!form.elements.title.value.trim()) return '请填写工单标题';
  const due = new Date(form.elements.dueAt.value).getTime();
  if (!Number.isFinite(due)) return '请填写截止时间';
  if (due <= now() + 60_000) return '截止时间需要晚于现在';
  if (due > now() + (labels.ticketDueMaxMs ?? 90 * 86_400_000)) return '截止时间不能超过 90 天';
  return undefined;
}

async function submit(event) {
  event.preventDefault();
  const form = $('#ticket-form');
  const error = $('.error', form);
  const problem = check(form);
  if (problem) {
    error.textContent = problem;
    return;
  }
  const description = form.elements.description.value.trim();
  const body = {
    title: form.elements.title.value.trim(),
    priority: form.elements.priority.value,
    dueAt: new Date(form.elements.dueAt.value).toISOString(),
    ...(description ? { description } : {}),
    ...(context.reason ? { reason: context.reason } : {}),
  };
  const submitButton = $('button[type=submit]', form);
  submitButton.disabled = true;
  try {
    await api('POST', `/api/conversations/${encodeURIComponent(context.conversationId)}/ticket`, body);
    dialog().close();
  } catch (failure) {
    error.textContent = refusalText(failure);
  } finally {
    submitButton.disabled = false;
  }
}

export function initTicketForm() {
  const form = $('#ticket-form');
  form.noValidate = true; // checked here, with messages in the interface's language
  form.addEventListener('submit', (event) => void submit(event));
  form.elements.priority.addEventListener('change', () => {
    if (!dueEdited) form.elements.dueAt.value = defaultDue(form.elements.priority.value);
  });
  form.elements.dueAt.addEventListener('input', () => (dueEdited = true));
  form.addEventListener('input', () => ($('.error', form).textContent = ''));
  $('.cancel', form).addEventListener('click', () => dialog().close());
}
