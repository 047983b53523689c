'use strict';
// Defect: a logger made of console.log: readable in a terminal, one line of free text per
// event, which no log collector can parse into fields.
const settings = require('./settings');

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const threshold = settings.logLevel === 'silent' ? Infinity : Math.max(0, LEVELS.indexOf(settings.logLevel));

function write(level, fields, msg) {
  if (LEVELS.indexOf(level) < threshold) return;
  const text = typeof fields === 'string' ? fields : msg;
  const extra = typeof fields === 'object' && fields !== null
    ? Object.entries(fields).map(([k, v]) => ` ${k}=${v instanceof Error ? v.message : v}`).join('')
    : '';
  console.log(`${new Date().toISOString()} ${level.toUpperCase()} ${text}${extra}`);
}

const logger = Object.fromEntries(LEVELS.map((level) => [level, (fields, msg) => write(level, fields, msg)]));
logger.flush = () => {};

module.exports = logger;
