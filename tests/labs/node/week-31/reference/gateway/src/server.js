'use strict';

// The gateway: the one address clients know. It answers GET /products and GET /products/{id}
// by asking the catalog service at CATALOG_URL, through a circuit breaker, in the caller's trace.
const http = require('node:http');
const { CircuitBreaker, OpenCircuitError } = require('./breaker');
const { outgoing } = require('./trace');

const PORT = Number(process.env.PORT || 8080);
const CATALOG_URL = process.env.CATALOG_URL;
if (!CATALOG_URL) {
  console.error('CATALOG_URL is not set: the gateway needs the catalog service\'s address');
  process.exit(1);
}
const CALL_TIMEOUT_MS = 2000;
const breaker = new CircuitBreaker({ failureThreshold: 3, resetTimeoutMs: 1000 });
let shuttingDown = false;

function send(res, status, body, type = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function problem(res, status, title, extra = {}) {
  res.setHeader('Retry-After', '1');
  send(res, status, { title, status, ...extra }, 'application/problem+json');
}

async function fromCatalog(path, headers) {
  return breaker.call(async () => {
    const response = await fetch(CATALOG_URL + path, {
      headers: outgoing(headers), signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const body = await response.text();
    // A 5xx is the catalog failing; a 404 is an answer.
    if (response.status >= 500) throw new Error(`the catalog answered ${response.status}`);
    return { status: response.status, type: response.headers.get('content-type'), body };
  });
}

// Ready: the catalog answers now (a balancer sends traffic only to a ready gateway).
async function catalogReachable() {
  try {
    const response = await fetch(`${CATALOG_URL}/health`, { signal: AbortSignal.timeout(500) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

const server = http.createServer(async (req, res) => {
  const path = new URL(req.url, 'http://gateway').pathname;
  // Live: the process works, whatever its dependencies do (a restart would not bring them back).
  if (path === '/health/live') return send(res, 200, { status: 'live' });
  if (path === '/health/ready') {
    const ready = !shuttingDown && await catalogReachable();
    return send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
  }
  if (req.method !== 'GET' || !/^\/products(\/\d+)?$/.test(path)) return problem(res, 404, 'not found');
  try {
    const answer = await fromCatalog(path, req.headers);
    return send(res, answer.status, answer.body, answer.type || 'application/json');
  } catch (err) {
    if (err instanceof OpenCircuitError) return problem(res, 503, 'the catalog service is unavailable', { circuit: 'open' });
    console.error(`catalog call failed: ${err.message}`);
    return problem(res, 503, 'the catalog service could not be reached');
  }
});

// SIGTERM: stop taking connections, answer every request already in, then exit. The timer is
// a last resort for a request that never ends.
process.on('SIGTERM', () => {
  shuttingDown = true;
  console.log('SIGTERM: finishing the requests in flight');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), 10_000).unref();
});

server.listen(PORT, () => console.log(`gateway listening on ${PORT}, catalog at ${CATALOG_URL}`));
