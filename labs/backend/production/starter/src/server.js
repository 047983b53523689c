'use strict';
const app = require('./app');
const db = require('./db');

const port = Number(process.env.PORT) || 3000;
const host = process.env.HOST || '127.0.0.1';

// TODO (item 5): these console lines are plain text; log them as JSON like the requests.
const server = app.listen(port, host, (err) => {
  if (err) {
    console.error(`cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  }
  console.log(`shelf listening on http://${host}:${port}`);
});

// Graceful stop: finish the requests in flight, then close the pool.
let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  // If something hangs, do not wait forever.
  setTimeout(() => process.exit(1), 10_000).unref();
  server.close(() => {
    db.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
