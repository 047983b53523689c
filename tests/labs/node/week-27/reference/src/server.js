'use strict';
const app = require('./app');
const db = require('./db');
const cache = require('./cache');
const jobs = require('./jobs/exports');
const log = require('./log');

const port = Number(process.env.PORT) || 3000;
const host = process.env.HOST || '127.0.0.1';

const server = app.listen(port, host, (err) => {
  if (err) {
    log.fatal({ err }, `cannot listen on ${host}:${port}`);
    process.exit(1);
  }
  log.info(`shelf listening on http://${host}:${port}`);
  jobs.start();
});

// Graceful stop: no new requests, the running export finished (pending ones stay queued
// for the next start), then the pool and Redis closed.
let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: shutting down`);
  setTimeout(() => process.exit(1), 10_000).unref();
  server.close(async () => {
    try {
      await jobs.stop();
      await Promise.all([db.close(), cache.close()]);
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown');
      process.exit(1);
    }
  });
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
