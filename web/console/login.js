// The sign-in page: a password form, and "sign in with WeCom" when the server offers it. Goes on
// to ?next= (a page of ours) or the workspace.
const next = (() => {
  const wanted = new URLSearchParams(location.search).get('next') ?? '';
  // Only our own pages: never an absolute URL or a protocol-relative one.
  return /^\/(?!\/)/.test(wanted) ? wanted : '/console/workspace.html';
})();

const form = document.getElementById('login');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = form.querySelector('.error');
  error.textContent = '';
  const data = Object.fromEntries(new FormData(form));
  const res = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: data.userId, password: data.password }),
  });
  if (res.ok) {
    location.assign(next);
    return;
  }
  const body = await res.json().catch(() => ({}));
  error.textContent =
    res.status === 401 ? '账号或密码错误 · wrong user id or password' : (body.error ?? `HTTP ${res.status}`);
});

(async () => {
  const options = await fetch('/api/auth/options').then((r) => r.json());
  if (options.wecom) document.getElementById('wecom').hidden = false;
  // Already signed in: straight on.
  if ((await fetch('/api/auth/me')).ok) location.replace(next);
})();
