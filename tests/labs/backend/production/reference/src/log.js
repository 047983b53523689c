'use strict';
// One JSON logger for the whole process: requests, startup, shutdown and errors all
// leave as one JSON object per line on stdout, where the platform collects them.
const pino = require('pino');
const settings = require('./settings');

// Asynchronous, buffered writes: a slow log reader never blocks a request, and a thousand
// lines a second leave in a few dozen writes instead of a thousand. The buffer is flushed
// when it holds 8 KB, every 200 ms, and at exit (pino flushes it on 'exit').
const destination = pino.destination({ dest: 1, sync: false, minLength: 8 * 1024, periodicFlush: 200 });

const logger = pino(
  {
    level: settings.logLevel,
    base: { service: 'shelf', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // "level": "info" rather than "level": 30: readable without a lookup table.
    formatters: { level: (label) => ({ level: label }) },
  },
  destination,
);

module.exports = logger;
