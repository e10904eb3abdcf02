// The sandbox's customer: sends messages and menu clicks through the control API and draws the
// whole chat (what the customer wrote and what WeCom delivered to them) from the sandbox, so a
// reload keeps the conversation. The customer id is remembered in this browser.
const params = new URLSearchParams(location.search);
const customerInput = document.getElementById('customer');
customerInput.value =
  params.get('customer') ||
  localStorage.getItem('sandbox-customer') ||
  `wmDemo${Math.random().toString(36).slice(2, 8)}`;
localStorage.setItem('sandbox-customer', customerInput.value);
customerInput.addEventListener('change', () => {
  localStorage.setItem('sandbox-customer', customerInput.value);
  lastDrawn = '';
  void poll();
});

const list = document.getElementById('messages');
const customer = () => encodeURIComponent(customerInput.value);
let lastDrawn = '';

function bubble(message) {
  const mine = message.from === 'customer';
  const div = document.createElement('div');
  div.className = `bubble ${mine ? 'me' : 'them'}`;
  div.textContent =
    !mine && message.msgtype === 'msgmenu'
      ? message.content.replace(/\s*\[[^\]]*\]/g, '')
      : (message.text ?? message.content);
  if (!mine && message.menu && message.menu.length) {
    const box = document.createElement('div');
    box.className = 'menu';
    for (const item of message.menu) {
      const button = document.createElement('button');
      button.textContent = item.content;
      button.onclick = () => post('menu-click', { menuId: item.id, content: item.content });
      box.append(button);
    }
    div.append(box);
  }
  return div;
}

function render(messages) {
  const drawn = JSON.stringify(messages);
  if (drawn === lastDrawn) return;
  lastDrawn = drawn;
  list.replaceChildren(...messages.map(bubble));
  list.scrollTop = list.scrollHeight;
}

async function post(route, body) {
  await fetch(`/sandbox/customers/${customer()}/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await poll();
}

async function poll() {
  const res = await fetch(`/sandbox/customers/${customer()}/chat`);
  if (res.ok) render((await res.json()).messages);
}

document.getElementById('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('text');
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  void post('messages', { text });
});

fetch('/sandbox/info')
  .then((r) => r.json())
  .then((info) => (document.getElementById('account').textContent = info.accountName));
void poll();
setInterval(poll, 1000);
