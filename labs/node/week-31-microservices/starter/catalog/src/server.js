'use strict';

// The catalog service: the products, in memory. It is complete; the lab's work is the gateway
// (and a Dockerfile for each service).
const http = require('node:http');
const { PRODUCTS } = require('./products');

const PORT = Number(process.env.PORT || 8081);

function send(res, status, body, type = 'application/json') {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url, 'http://catalog').pathname;
  if (req.method !== 'GET') return send(res, 405, { title: 'method not allowed', status: 405 }, 'application/problem+json');
  if (path === '/health') return send(res, 200, { status: 'ok' });
  if (path === '/products') return send(res, 200, { items: PRODUCTS });
  const match = /^\/products\/(\d+)$/.exec(path);
  if (match) {
    const product = PRODUCTS.find((p) => p.id === Number(match[1]));
    if (product) return send(res, 200, product);
    return send(res, 404, { title: 'no such product', status: 404 }, 'application/problem+json');
  }
  return send(res, 404, { title: 'not found', status: 404 }, 'application/problem+json');
});

// Stop taking connections, finish the requests already in, then exit.
process.on('SIGTERM', () => server.close(() => process.exit(0)));

server.listen(PORT, () => console.log(`catalog listening on ${PORT}`));
