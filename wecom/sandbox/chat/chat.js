// The sandbox's customer: sends messages and menu clicks through the control API and polls the
// messages WeCom delivered to this customer.
const params = new URLSearchParams(location.search);
const customerInput = document.getElementById('customer');
customerInput.value =
  params.get('customer') ||
  localStorage.getItem('sandbox-customer') ||
  `wmDemo${Math.random().toString(36).slice(2, 8)}`;
localStorage.setItem('sandbox-customer', customerInput.value);
customerInput.addEventListener('change', () => {
  localStorage.setItem('sandbox-customer', customerInput.value);
  sent.length = 0;
  render([]);
});

const sent = [];
const list = document.getElementById('messages');
const customer = () => encodeURIComponent(customerInput.value);

function bubble(text, mine, menu) {
  const div = document.createElement('div');
  div.className = `bubble ${mine ? 'me' : 'them'}`;
  div.textContent = text;
  if (menu && menu.length) {
    const box = document.createElement('div');
    box.className = 'menu';
    for (const item of menu) {
      const button = document.createElement('button');
      button.textContent = item.content;
      button.onclick = () => post('menu-click', { menuId: item.id, content: item.content }, item.content);
      box.append(button);
    }
    div.append(box);
  }
  return div;
}

function render(received) {
  const all = [
    ...sent.map((m) => ({ ...m, mine: true })),
    ...received.map((m) => ({
      text: m.msgtype === 'msgmenu' ? m.content.replace(/\s*\[[^\]]*\]/g, '') : m.content,
      at: m.at,
      menu: m.menu,
    })),
  ].sort((a, b) => a.at - b.at);
  list.replaceChildren(...all.map((m) => bubble(m.text, m.mine, m.menu)));
  list.scrollTop = list.scrollHeight;
}

async function post(route, body, shown) {
  sent.push({ text: shown, at: Date.now() });
  await fetch(`/sandbox/customers/${customer()}/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await poll();
}

async function poll() {
  const res = await fetch(`/sandbox/customers/${customer()}/inbox`);
  if (res.ok) render((await res.json()).messages);
}

document.getElementById('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('text');
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  post('messages', { text }, text);
});

fetch('/sandbox/info')
  .then((r) => r.json())
  .then((info) => (document.getElementById('account').textContent = info.accountName));
poll();
setInterval(poll, 1000);
