// The hashing server on $PORT: GET /health and POST /hash (README, task 2).
import http from 'node:http';
import { hash } from './hash.js';

const port = Number(process.env.PORT) || 3000;
const host = process.env.HOST || '127.0.0.1';
const MAX_ITERATIONS = 5_000_000;
const MAX_BODY = 64 * 1024;

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// The request's body as a JSON object with a string password, a string salt and an integer
// iterations from 1 to MAX_ITERATIONS; null for anything else (answered 400).
function valid(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (body === null || typeof body !== 'object') return null;
  const { password, salt, iterations } = body;
  if (typeof password !== 'string' || typeof salt !== 'string') return null;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) return null;
  return { password, salt, iterations };
}

async function handle(req, res) {
  if (req.url === '/health' && req.method === 'GET') return send(res, 200, { status: 'ok' });
  if (req.url !== '/hash') return send(res, 404, { error: 'not found' });
  if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > MAX_BODY) return send(res, 413, { error: 'body too large' });
  }
  const body = valid(text);
  if (!body) return send(res, 400, { error: 'expected {"password": string, "salt": string, "iterations": 1..5000000}' });
  try {
    return send(res, 200, { hash: await hash(body) });
  } catch (err) {
    return send(res, 501, { error: err.message });
  }
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error(err);
    if (!res.headersSent) send(res, 500, { error: 'internal error' });
  });
});
server.listen(port, host, () => console.log(`listening on http://${host}:${port}`));
server.on('error', (err) => {
  console.error(`cannot listen on ${host}:${port}: ${err.message}`);
  process.exit(1);
});

// Stop on SIGTERM: the harness stops the server this way after the checks.
let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  setTimeout(() => process.exit(0), 2_000).unref();
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
