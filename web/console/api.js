// Browses /api/openapi.json: the operations by tag, who may call each, their parameters and body
// schemas. The document is generated from the api's own route definitions, so this is the API.
const $ = (selector) => document.querySelector(selector);
function make(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function parameters(operation) {
  if (!operation.parameters?.length) return undefined;
  const table = make('table');
  const head = make('tr');
  for (const title of ['parameter', 'in', 'required', 'schema']) head.append(make('th', title));
  table.append(head);
  for (const p of operation.parameters) {
    const row = make('tr');
    row.append(
      make('td', p.name),
      make('td', p.in),
      make('td', p.required ? 'yes' : ''),
      make('td', JSON.stringify(p.schema)),
    );
    table.append(row);
  }
  return table;
}

function operationView(path, method, operation) {
  const details = make('details');
  details.id = operation.operationId;
  const summary = make('summary');
  summary.append(
    make('span', method, `method ${method}`),
    make('span', path, 'path'),
    make('span', operation.summary, 'summary-text'),
    make('span', operation['x-access'], `access ${operation['x-access']}`),
  );
  details.append(summary, make('p', operation.description));
  const params = parameters(operation);
  if (params) details.append(params);
  for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
    details.append(make('h4', `body (${type})`), make('pre', JSON.stringify(media.schema, null, 2)));
  }
  const responses = Object.entries(operation.responses).map(([code, r]) => `${code} ${r.description}`);
  details.append(make('p', `responses: ${responses.join(' · ')}`));
  return details;
}

(async () => {
  const doc = await (await fetch('/api/openapi.json')).json();
  $('#version').textContent = `OpenAPI ${doc.openapi} · ${doc.info.title}`;
  $('#intro').textContent = doc.info.description;
  const auth = $('#auth');
  auth.append(make('h2', 'authentication'));
  for (const [name, scheme] of Object.entries(doc.components.securitySchemes)) {
    auth.append(make('p', `${name}: ${scheme.description}`));
  }
  const byTag = new Map();
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const tag = operation.tags?.[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operationView(path, method, operation));
    }
  }
  const container = $('#operations');
  for (const [tag, views] of byTag) container.append(make('h2', tag), ...views);
})();
