'use strict';

// The gateway: the one address clients know. It answers GET /products and GET /products/{id}
// by asking the catalog service, whose address is in CATALOG_URL.
//
// It works, but it is not ready for production yet. The lab's README.md says what each check
// expects; the TODOs below are where the work goes.
const http = require('node:http');

const PORT = Number(process.env.PORT || 8080);
const CATALOG_URL = process.env.CATALOG_URL;
if (!CATALOG_URL) {
  console.error('CATALOG_URL is not set: the gateway needs the catalog service\'s address');
  process.exit(1);
}

function send(res, status, body, type = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function problem(res, status, title) {
  send(res, status, { title, status }, 'application/problem+json');
}

// TODO (micro.trace.propagated): take part in the caller's trace: W3C traceparent and tracestate.
// TODO (micro.breaker.opens_and_closes): a circuit breaker around these calls.
async function fromCatalog(path) {
  const response = await fetch(CATALOG_URL + path);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

const server = http.createServer(async (req, res) => {
  const path = new URL(req.url, 'http://gateway').pathname;
  // TODO (micro.health.ready_vs_live): liveness and readiness answer different questions.
  if (path === '/health/live' || path === '/health/ready') return send(res, 200, { status: 'ok' });
  if (req.method !== 'GET' || !/^\/products(\/\d+)?$/.test(path)) return problem(res, 404, 'not found');
  try {
    const answer = await fromCatalog(path);
    return send(res, answer.status, answer.body, answer.type || 'application/json');
  } catch (err) {
    console.error(`catalog call failed: ${err.message}`);
    return problem(res, 502, 'the catalog service could not be reached');
  }
});

// TODO (micro.shutdown.graceful): on SIGTERM, finish the requests in flight before exiting.

server.listen(PORT, () => console.log(`gateway listening on ${PORT}, catalog at ${CATALOG_URL}`));
