// Search across conversations (what was said, the customer, a ticket number): results replace the
// lists until cleared; a result opens like any conversation.
import { api, refusalText } from './api.js';
import { $, make } from './dom.js';
import { dateTime } from './format.js';
import { word } from './labels.js';

let timer;

async function search(words, onOpen) {
  const results = $('#search-results');
  const list = $('#found');
  if (words.length < 2) {
    results.hidden = true;
    document.body.classList.remove('searching');
    return;
  }
  results.hidden = false;
  document.body.classList.add('searching');
  let found;
  try {
    found = await api('GET', `/api/search/conversations?q=${encodeURIComponent(words)}`);
  } catch (error) {
    list.replaceChildren(make('li', refusalText(error), 'none'));
    return;
  }
  list.replaceChildren(
    ...(found.length
      ? found.map((c) => {
          const li = make('li');
          li.dataset.id = c.conversationId;
          li.tabIndex = 0;
          li.append(
            make('strong', c.nickname || c.externalUserId, 'name'),
            make(
              'div',
              `${word('states', c.state)} · ${dateTime(c.updatedAt)}${c.agentId ? ` · ${c.agentId}` : ''}`,
              'meta',
            ),
          );
          if (c.match) li.append(make('div', c.match.text, 'preview'));
          li.addEventListener('click', () => onOpen(c.conversationId));
          return li;
        })
      : [make('li', '没有找到会话', 'none')]),
  );
}

export function initSearch(onOpen) {
  const input = $('#search');
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void search(input.value.trim(), onOpen), 300);
  });
  $('.search').addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(timer);
    void search(input.value.trim(), onOpen);
  });
  $('#search-clear').addEventListener('click', () => {
    input.value = '';
    void search('', onOpen);
  });
}
