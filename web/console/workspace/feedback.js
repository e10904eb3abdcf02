// The answer feedback control: under each bot answer from the knowledge base, 👍 / 👎 with a reason
// (and optionally the right entry or answer), sent to /api/feedback, where a rejection feeds the KB
// review queue. Registered with the transcript (addBotAnswerAction); each answer keeps its control
// across re-renders, so a half-written correction survives the live refresh.
import { addBotAnswerAction } from './transcript.js';

const REASONS = {
  incorrect: '答案错误',
  outdated: '内容过时',
  incomplete: '不完整',
  should_have_handed_off: '应转人工',
};
const marks = new Map(); // msgid → verdict
const controls = new Map(); // msgid → its control, kept across renders
const painters = new Set();
let loadedFor = '';

async function post(body) {
  const res = await fetch('/api/feedback', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `HTTP ${res.status}`);
  return data;
}

/** The marks already given in this conversation, once per conversation opened. */
async function loadMarks(conversationId) {
  if (loadedFor === conversationId) return;
  loadedFor = conversationId;
  marks.clear();
  controls.clear();
  painters.clear();
  const res = await fetch(`/api/feedback?conversationId=${encodeURIComponent(conversationId)}`);
  if (res.ok) for (const m of await res.json()) marks.set(m.msgid, m.verdict);
  for (const paint of painters) paint();
}

function control(conversationId, msgid) {
  const box = document.createElement('div');
  box.className = 'answer-feedback';
  const right = Object.assign(document.createElement('button'), {
    type: 'button',
    textContent: '👍 正确',
    className: 'right',
  });
  const wrong = Object.assign(document.createElement('button'), {
    type: 'button',
    textContent: '👎 有误',
    className: 'wrong',
  });
  const reason = document.createElement('select');
  reason.setAttribute('aria-label', 'reason');
  for (const [value, label] of Object.entries(REASONS)) reason.append(new Option(label, value));
  const correction = Object.assign(document.createElement('input'), {
    placeholder: '正确条目ID或答案（可选）',
    maxLength: 2000,
  });
  const send = Object.assign(document.createElement('button'), { type: 'button', textContent: '提交' });
  const status = document.createElement('small');
  const paint = () => {
    right.classList.toggle('on', marks.get(msgid) === 'right');
    wrong.classList.toggle('on', marks.get(msgid) === 'wrong');
  };
  const detailsShown = (shown) => {
    for (const node of [reason, correction, send]) node.hidden = !shown;
  };
  detailsShown(false);
  painters.add(paint);
  paint();
  const mark = async (verdict) => {
    const body = { conversationId, msgid, verdict };
    if (verdict === 'wrong') {
      body.reason = reason.value;
      const fix = correction.value.trim();
      if (/^[A-Za-z0-9_-]{1,64}$/.test(fix)) body.correctEntryId = fix;
      else if (fix) body.correctAnswer = fix;
    }
    try {
      await post(body);
      marks.set(msgid, verdict);
      status.textContent = verdict === 'wrong' ? '已提交到审核队列' : '已标记';
      detailsShown(false);
      paint();
    } catch (error) {
      status.textContent = error.message;
    }
  };
  right.addEventListener('click', () => void mark('right'));
  wrong.addEventListener('click', () => detailsShown(reason.hidden));
  send.addEventListener('click', () => void mark('wrong'));
  box.append(right, wrong, reason, correction, send, status);
  return box;
}

addBotAnswerAction((line, conversation) => {
  if (!line.msgid || !conversation?.id) return undefined;
  void loadMarks(conversation.id);
  let box = controls.get(line.msgid);
  if (!box) controls.set(line.msgid, (box = control(conversation.id, line.msgid)));
  return box;
});
