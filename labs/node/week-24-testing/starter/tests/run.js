'use strict';
// `npm test` runs this file: it loads every tests/*.test.js into this one process, in name
// order, and node's test runner runs what they register. One process for the whole suite
// means one app start and one migration run instead of one per file: `node --test` starts a
// process for each file, which costs about three times as long as the tests themselves.
// A test file is still self-contained: it requires './support' and nothing from another file.
const fs = require('node:fs');
const path = require('node:path');

for (const name of fs.readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) {
  require(path.join(__dirname, name));
}
