'use strict';
// `npm test` runs this file: it loads every *.test.js of tests/unit, tests/integration and
// tests/e2e (in that order, each folder in name order) into this one process, and node's
// test runner runs what they register. `node --test` would start a process per file, each
// loading the app, its dependencies and c8's coverage anew: for a suite of fifteen files that
// costs several times as long as the tests themselves.
//
//   node tests/run.js                 every folder (a folder that does not exist is skipped)
//   node tests/run.js unit            only the folders named
//   node --test tests/unit/x.test.js  one file alone, in a process of its own
//
// One process means shared hooks: `before()` and `after()` at the top of a file belong to
// the whole run, not to that file, so every after() runs once, after the last test of every
// file. Close the connection pool and the Redis client once (in a module every test file
// requires), never in each file: a second `pool.end()` fails. A test file stays
// self-contained: it requires what it uses and never what another file made.
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');

const FOLDERS = ['unit', 'integration', 'e2e'];

const named = process.argv.slice(2);
for (const folder of named) {
  if (!FOLDERS.includes(folder)) throw new Error(`tests/run.js: no test folder '${folder}' (one of: ${FOLDERS.join(', ')})`);
}

for (const folder of named.length ? named : FOLDERS) {
  const dir = path.join(__dirname, folder);
  if (!fs.existsSync(dir)) continue;
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.test.js')).sort()) {
    try {
      require(path.join(dir, name));
    } catch (err) {
      // As node --test would: a file that does not load is a failing test of its own, named
      // after the file, and the other files still run.
      test(`tests/${folder}/${name} loads`, () => { throw err; });
    }
  }
}
