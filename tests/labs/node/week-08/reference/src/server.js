'use strict';
// Plain HTTP/1.1 on $PORT; with TLS_CERT and TLS_KEY set, HTTPS on $PORT instead, HTTP/2 and
// HTTP/1.1 chosen by ALPN.
const fs = require('node:fs');
const http = require('node:http');
const http2 = require('node:http2');
const { handle } = require('./app');
const { onUpgrade } = require('./websocket');

const port = Number(process.env.PORT) || 3000;
const host = process.env.HOST || '127.0.0.1';
const tls = process.env.TLS_CERT && process.env.TLS_KEY;

let server;
if (tls) {
  server = http2.createSecureServer({
    cert: fs.readFileSync(process.env.TLS_CERT),
    key: fs.readFileSync(process.env.TLS_KEY),
    allowHTTP1: true,
  }, handle);
} else {
  server = http.createServer(handle);
  server.on('upgrade', onUpgrade);
}

server.listen(port, host, () => {
  console.log(`listening on ${tls ? 'https' : 'http'}://${host}:${port}`);
});
server.on('error', (err) => {
  console.error(`cannot listen on ${host}:${port}: ${err.message}`);
  process.exit(1);
});

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  setTimeout(() => process.exit(0), 2_000).unref();
  server.close(() => process.exit(0));
  if (server.closeAllConnections) server.closeAllConnections();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
