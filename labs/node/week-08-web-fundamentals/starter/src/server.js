'use strict';
// Plain HTTP/1.1 on $PORT. Task 6: with TLS_CERT and TLS_KEY set, serve HTTPS on $PORT instead,
// HTTP/2 and HTTP/1.1 chosen by ALPN. Task 7: WebSockets arrive as the server's 'upgrade' event.
const http = require('node:http');
const { handle } = require('./app');

const port = Number(process.env.PORT) || 3000;
const host = process.env.HOST || '127.0.0.1';

const server = http.createServer(handle);

server.listen(port, host, () => {
  console.log(`listening on http://${host}:${port}`);
});
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
  if (server.closeAllConnections) server.closeAllConnections();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
