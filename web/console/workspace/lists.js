// The conversation lists: mine (with unread badges and how long each customer has waited), the
// queue, the tickets I follow up, and for supervisors everyone else's and the bot's. Drawn from the
// live `lists` event; a conversation newly assigned to me is announced.
import { tick, liveTime } from './clock.js';
import { $, make } from './dom.js';
import { word } from './labels.js';
import { announce } from './notify.js';
import { unreadOf } from './seen.js';

const LISTS = [
  ['mine', '#mine'],
  ['queue', '#queued'],
  ['tickets', '#tickets'],
  ['others', '#others'],
  ['bot', '#bot'],
];
const EMPTY = {
  mine: '暂无会话',
  queue: '没有排队的客户',
  tickets: '没有待跟进的工单',
  others: '—',
  bot: '—',
};

/** Whose line the preview is (the customer's need no prefix). */
const PREFIX = { bot: '机器人：', agent: '客服：', system: '系统：' };

let lastLists;
let knownMine;

function item(row, list, selected, onOpen) {
  const li = make('li');
  li.dataset.id = row.conversationId;
  li.tabIndex = 0;
  if (row.conversationId === selected) li.classList.add('selected');
  const top = make('div', undefined, 'row-top');
  top.append(make('strong', row.nickname || row.externalUserId || row.conversationId, 'name'));
  // The open conversation is being read: no badge for it.
  const unread = (list === 'mine' || list === 'tickets') && row.conversationId !== selected ? unreadOf(row) : 0;
  if (unread > 0) top.append(make('span', unread > 9 ? '9+' : String(unread), 'unread'));
  if (row.handoffReason) {
    top.append(make('span', word('handoffReasons', row.handoffReason), `reason p${row.priority ?? 1}`));
  }
  li.append(top);

  const meta = make('div', undefined, 'meta');
  if (row.waitingSince) meta.append(liveTime('客户等待', { since: row.waitingSince, className: 'waiting' }));
  else if (row.state === 'ticket' && row.timersDue?.ticketSla) {
    meta.append(liveTime('工单到期', { due: row.timersDue.ticketSla, className: 'ticket-due' }));
  } else meta.append(make('span', list === 'mine' ? '已回复' : word('states', row.state)));
  if (list === 'others' && row.agentId) meta.append(make('span', ` · ${row.agentId}`));
  if (row.skill) meta.append(make('span', ` · ${word('skills', row.skill)}`));
  if (row.escalated) meta.append(make('span', ' · 已升级', 'escalated'));
  li.append(meta);
  if (row.lastMessage) {
    li.append(make('div', `${PREFIX[row.lastMessage.from] ?? ''}${row.lastMessage.text}`, 'preview'));
  }
  li.addEventListener('click', () => onOpen(row.conversationId));
  li.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') onOpen(row.conversationId);
  });
  return li;
}

export function renderLists(lists, { selected, onOpen }) {
  lastLists = lists;
  let unreadTotal = 0;
  for (const [name, selector] of LISTS) {
    const rows = lists[name];
    const node = $(selector);
    if (!node || !rows) continue;
    node.replaceChildren(
      ...(rows.length ? rows.map((row) => item(row, name, selected, onOpen)) : [make('li', EMPTY[name], 'none')]),
    );
    const count = $(`${selector}-count`);
    if (count) count.textContent = rows.length ? String(rows.length) : '';
    if (name === 'mine' || name === 'tickets') {
      unreadTotal += rows.filter((row) => row.conversationId !== selected).reduce((sum, row) => sum + unreadOf(row), 0);
    }
  }
  document.title = unreadTotal > 0 ? `(${unreadTotal}) 客服工作台` : '客服工作台';
  // In the sidebar's single column the lists are hidden behind the open conversation: its back
  // button says how many unread messages wait elsewhere.
  const back = $('.detail .back');
  if (back) {
    const elsewhere = [...(lists.mine ?? []), ...(lists.tickets ?? [])]
      .filter((row) => row.conversationId !== selected)
      .reduce((sum, row) => sum + unreadOf(row), 0);
    back.textContent = elsewhere > 0 ? `‹ ${elsewhere > 9 ? '9+' : elsewhere}` : '‹';
  }
  announceNew(lists.mine);
  tick($('.lists'));
}

/** Redraws with the last lists (after the selection or the unread marks changed). */
export function redrawLists(context) {
  if (lastLists) renderLists(lastLists, context);
}

export const rowOf = (conversationId) =>
  LISTS.flatMap(([name]) => lastLists?.[name] ?? []).find((row) => row.conversationId === conversationId);

function announceNew(mine) {
  const ids = new Set(mine.map((row) => row.conversationId));
  if (knownMine) {
    for (const row of mine) {
      if (knownMine.has(row.conversationId)) continue;
      announce(
        '新会话分配给您',
        `${row.nickname ?? row.externalUserId ?? ''} · ${word('handoffReasons', row.handoffReason)}`,
      );
    }
  }
  knownMine = ids;
}
