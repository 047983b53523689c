'use strict';
// One JSON logger for the whole process: requests, startup, the worker and errors.
const pino = require('pino');

module.exports = pino({ level: process.env.LOG_LEVEL || 'info' });
