'use strict';
// Prometheus metrics: how many requests, how long they took, by method, route and
// status, plus the process's own figures (CPU, memory, event-loop lag, GC). Each
// instance exposes its own counters at GET /metrics; Prometheus scrapes every instance
// and sums them.
const client = require('prom-client');

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

const requests = new client.Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by method, route and status code',
  labelNames: ['method', 'route', 'status_code'],
  registers: [registry],
});

const duration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from the request to the end of its response, by method, route and status code',
  labelNames: ['method', 'route', 'status_code'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

/**
 * The route template, never the raw path: /v1/books/:id, not /v1/books/42 (one time
 * series per book would exhaust Prometheus). Requests that matched no route share one
 * label. req.routeBase is the router's mount path (src/app.js sets it: Express resets
 * req.baseUrl when an error leaves the router).
 */
function routeLabel(req) {
  if (!req.route || typeof req.route.path !== 'string') return 'unmatched';
  const base = req.routeBase ?? req.baseUrl ?? '';
  const path = req.route.path === '/' && base ? '' : req.route.path;
  return `${base}${path}` || '/';
}

/** Middleware, first in the chain: observes every request when its response ends. */
function observe(req, res, next) {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const labels = { method: req.method, route: routeLabel(req), status_code: String(res.statusCode) };
    requests.inc(labels);
    duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
  });
  next();
}

async function expose(req, res) {
  res.set('Content-Type', registry.contentType);
  res.end(await registry.metrics());
}

module.exports = { registry, observe, expose, routeLabel };
