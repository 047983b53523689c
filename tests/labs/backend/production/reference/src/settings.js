'use strict';
// The configuration of this process, loaded once (src/config.js says what each value is).
// A missing or weak setting stops the process at start, before it listens.
const { load } = require('./config');

module.exports = load();
