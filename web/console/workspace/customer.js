// The open conversation's customer: their profile (tier, tags), earlier sessions and tickets, read
// once when the conversation opens and again when someone changes the profile (the `customer`
// event). Agents add and remove tags here; supervisors also choose the tier. The handoff card shows
// the same profile (customerOf), so a change is on the card at once.
import { api, refusalText } from './api.js';
import { $, make } from './dom.js';
import { dateTime } from './format.js';
import { labels, word } from './labels.js';
import { isSupervisor } from './session.js';

/** domain/customerProfile.ts MAX_TAG_CHARS */
const MAX_TAG_CHARS = 64;

let shown; // { conversationId, customer }
let requests = 0;
let hooks = { onChange: () => undefined };

export function initCustomer(given) {
  hooks = { ...hooks, ...given };
}

/** The profile loaded for this conversation, if it is the one shown. */
export const customerOf = (conversationId) => (shown?.conversationId === conversationId ? shown.customer : undefined);

export async function showCustomer(conversationId) {
  const asked = ++requests;
  const box = $('#customer');
  if (shown?.conversationId !== conversationId) {
    shown = undefined;
    box.replaceChildren(make('p', conversationId ? '加载中…' : '打开一个会话后显示客户资料', 'empty'));
  }
  if (!conversationId) return;
  let customer;
  try {
    customer = await api('GET', `/api/conversations/${encodeURIComponent(conversationId)}/customer`);
  } catch (error) {
    if (asked === requests) box.replaceChildren(make('p', refusalText(error), 'empty'));
    return;
  }
  if (asked !== requests) return; // another conversation opened meanwhile
  shown = { conversationId, customer };
  draw();
  hooks.onChange(conversationId);
}

/** The live stream says this customer's profile changed (another workspace, an import). */
export function onCustomerChanged({ conversationId }) {
  if (shown?.conversationId === conversationId) void showCustomer(conversationId);
}

/** Saves a profile change; whether it was saved. */
async function change(body) {
  const { conversationId } = shown;
  const error = $('#customer .profile-error');
  error.textContent = '';
  try {
    const changed = await api('PATCH', `/api/conversations/${encodeURIComponent(conversationId)}/customer`, body);
    if (shown?.conversationId !== conversationId) return true;
    Object.assign(shown.customer, { tier: changed.tier, tags: changed.tags });
    draw();
    hooks.onChange(conversationId);
    return true;
  } catch (failure) {
    if (shown?.conversationId === conversationId) $('#customer .profile-error').textContent = refusalText(failure);
    return false;
  }
}

// ---------------------------------------------------------------- drawing

function draw() {
  const { customer } = shown;
  // The panel is drawn again whenever the profile changes (this agent's change, then the live
  // stream's news of it): what the agent is typing into the tag box meanwhile stays.
  const typing = $('#customer .tag-form input');
  const draft = typing?.value ?? '';
  const focused = typing !== null && typing === document.activeElement;
  const profile = make('dl', undefined, 'profile');
  for (const [term, value] of [
    ['昵称', customer.nickname ?? '—'],
    ['客户 ID', customer.externalUserId],
    ['等级', tierControl(customer.tier)],
    ['标签', tagChips(customer.tags)],
  ]) {
    const dd = make('dd');
    dd.append(value);
    profile.append(make('dt', term), dd);
  }
  $('#customer').replaceChildren(
    make('h3', '客户资料'),
    profile,
    tagForm(draft),
    make('p', '', 'profile-error error'),
    make('h3', '历史会话'),
    sessionList(customer.sessions),
    make('h3', '工单'),
    ticketList(customer.tickets),
  );
  if (focused) $('#customer .tag-form input').focus();
}

function tierControl(tier) {
  if (!isSupervisor()) return word('tiers', tier);
  const select = make('select', undefined, 'tier-select');
  select.setAttribute('aria-label', '客户等级');
  const tiers = labels.customerTiers ?? ['normal'];
  for (const value of tiers.includes(tier) ? tiers : [...tiers, tier]) {
    const option = make('option', word('tiers', value));
    option.value = value;
    select.append(option);
  }
  select.value = tier;
  select.addEventListener('change', () => void change({ tier: select.value }));
  return select;
}

function tagChips(tags) {
  const list = make('span', undefined, 'tags');
  if (tags.length === 0) list.append(make('span', '—', 'none'));
  for (const tag of tags) {
    const chip = make('span', tag, 'chip tag');
    const remove = make('button', '×', 'link remove');
    remove.type = 'button';
    remove.title = `删除标签「${tag}」`;
    remove.setAttribute('aria-label', `删除标签 ${tag}`);
    remove.addEventListener('click', () => void change({ remove: [tag] }));
    chip.append(remove);
    list.append(chip);
  }
  return list;
}

function tagForm(draft) {
  const form = make('form', undefined, 'tag-form');
  const input = make('input');
  input.value = draft;
  input.name = 'tag';
  input.maxLength = MAX_TAG_CHARS;
  input.placeholder = '添加标签，如：老客户';
  input.setAttribute('aria-label', '添加标签');
  const add = make('button', '添加');
  add.type = 'submit';
  form.append(input, add);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const tag = input.value.trim();
    if (!tag) return;
    input.value = ''; // the next tag can be typed while this one is saved
    void change({ add: [tag] }).then((saved) => {
      // Refused: back in the box to be corrected, unless something else was typed since.
      const box = $('#customer .tag-form input');
      if (!saved && box && !box.value) box.value = tag;
    });
  });
  return form;
}

function sessionList(sessions) {
  const list = make('ul', undefined, 'history');
  list.append(
    ...(sessions.length
      ? sessions.map((s) => {
          const li = make('li');
          li.append(
            make('strong', `第 ${s.session} 次会话 · ${dateTime(s.startedAt)}`),
            make(
              'span',
              [
                word('states', s.state),
                s.closedReason && word('closedReasons', s.closedReason),
                s.handoffReason && word('handoffReasons', s.handoffReason),
                s.agentId && `客服 ${s.agentId}`,
                s.csat && `评价 ${word('csat', s.csat)}`,
                s.ticketNo && `工单 ${s.ticketNo}`,
              ]
                .filter(Boolean)
                .join(' · '),
              'sub',
            ),
          );
          if (s.handoffSummary) li.append(make('span', s.handoffSummary, 'summary-line'));
          return li;
        })
      : [make('li', '没有更早的会话', 'none')]),
  );
  return list;
}

function ticketList(tickets) {
  const list = make('ul', undefined, 'history');
  list.append(
    ...(tickets.length
      ? tickets.map((t) => {
          const li = make('li');
          li.append(
            make('strong', `${t.ticketNo} · ${t.title}`),
            make(
              'span',
              `${word('ticketStatuses', t.status)} · ${word('ticketPriorities', t.priority)} · 截止 ${dateTime(t.dueAt)}`,
              'sub',
            ),
          );
          return li;
        })
      : [make('li', '没有工单', 'none')]),
  );
  return list;
}
