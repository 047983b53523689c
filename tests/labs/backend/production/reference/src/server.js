'use strict';
// The process: settings (a missing one stops it here), the HTTP server, a graceful stop.
let settings;
try {
  settings = require('./settings');
} catch (err) {
  // The logger needs the settings too: this one line is written by hand, as JSON.
  process.stdout.write(`${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), msg: `configuration: ${err.message}` })}\n`);
  process.exit(1);
}
const logger = require('./log');
const app = require('./app');
const db = require('./db');
const redis = require('./redis');

const server = app.listen(settings.port, settings.host, (err) => {
  if (err) {
    logger.fatal({ err: err.message }, `cannot listen on ${settings.host}:${settings.port}`);
    process.exit(1);
  }
  logger.info({ port: settings.port, pool_max: settings.dbPoolMax }, `shelf listening on http://${settings.host}:${settings.port}`);
});
// Keep idle connections longer than the balancer in front does (60 s for most), so the
// balancer never sends a request on a connection this side is closing.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
process.on('uncaughtException', (err) => {
  logger.fatal({ err }, 'uncaught exception: exiting');
  logger.flush();
  process.exit(1);
});

// Graceful stop: finish the requests in flight, then close the pool and Redis.
let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  // If something hangs, do not wait forever.
  setTimeout(() => process.exit(1), 10_000).unref();
  server.close(() => {
    Promise.all([db.close(), redis.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  server.closeIdleConnections();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
