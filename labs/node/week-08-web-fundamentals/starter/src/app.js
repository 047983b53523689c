'use strict';
// The API of LAB.md, on node:http alone. One handler for every request: find the route, then
// the method. Only /health is here; the tasks add the rest.

function send(res, status, body, type = 'application/json') {
  const text = body === undefined ? '' : type === 'application/json' ? JSON.stringify(body) : String(body);
  const headers = { 'Content-Length': Buffer.byteLength(text) };
  if (text) headers['Content-Type'] = type === 'application/json' ? type : `${type}; charset=utf-8`;
  res.writeHead(status, headers);
  res.end(text);
}

// A request body as JSON: { ok: true, value } or { ok: false } when it is not JSON.
function readJson(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      } catch {
        resolve({ ok: false });
      }
    });
  });
}

const routes = [
  { path: /^\/health$/, methods: { GET: (req, res) => send(res, 200, 'ok', 'text/plain') } },
  // TODO task 1: /hello, /notes, /notes/{id}
];

function handle(req, res) {
  const { pathname } = new URL(req.url, 'http://localhost');
  for (const route of routes) {
    const match = route.path.exec(pathname);
    if (!match) continue;
    const handler = route.methods[req.method]; // TODO tasks 2 and 3: HEAD, and 405 + Allow
    if (handler) return handler(req, res, match[1]);
  }
  send(res, 404, { error: 'not found' });
}

module.exports = { handle, readJson };
