// Polls /healthz and shows each dependency; links come from /api/console/links (signed in).
async function refresh() {
  const overall = document.getElementById('overall');
  const body = document.querySelector('#deps tbody');
  try {
    const res = await fetch('/healthz');
    const health = await res.json();
    overall.textContent = res.ok ? 'all systems ok' : 'degraded';
    body.replaceChildren(
      ...Object.entries(health.dependencies).map(([name, dep]) => {
        const row = document.createElement('tr');
        const label = document.createElement('td');
        label.textContent = name;
        const state = document.createElement('td');
        state.textContent = dep.ok ? 'ok' : `down: ${dep.error ?? 'unknown'}`;
        state.className = dep.ok ? 'ok' : 'down';
        row.append(label, state);
        return row;
      }),
    );
  } catch (error) {
    overall.textContent = 'api unreachable';
  }
}

async function links() {
  const res = await fetch('/api/console/links');
  if (!res.ok) return;
  document.getElementById('signin').remove();
  const list = document.getElementById('links');
  for (const link of await res.json()) {
    const item = document.createElement('li');
    const anchor = document.createElement('a');
    anchor.href = link.url;
    anchor.textContent = link.label;
    item.append(anchor);
    list.append(item);
  }
}

refresh();
links();
setInterval(refresh, 5000);
