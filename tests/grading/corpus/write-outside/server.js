'use strict';
// Tries to write outside its own folder: the machine, the harness, its parents, the
// other submissions' folders next to it. Every write must fail; it then serves as usual.
const fs = require('fs');
const path = require('path');
const targets = [
  '/etc/harness-pwned',
  '/usr/local/harness-pwned',
  '/harness-pwned',
  '/root/harness-pwned',
  '/var/tmp/harness-pwned',
  path.join(process.cwd(), '..', 'harness-pwned'),
  path.join(process.cwd(), '..', '..', 'harness-pwned'),
  path.join(process.env.HOME || '/', '..', '..', 'harness-pwned'),
  path.join(__dirname, '..', '..', '..', 'harness-pwned'),
];
for (const target of targets) {
  try {
    fs.writeFileSync(target, 'pwned\n');
    console.log(`wrote ${target}`);
  } catch (err) {
    console.log(`denied ${target}: ${err.code} ${err.message}`);
  }
}
const http = require('http');
http.createServer((req, res) => {
  res.statusCode = req.url === '/health' ? 200 : 404;
  res.end(req.url === '/health' ? 'ok' : 'not found');
}).listen(Number(process.env.PORT), '127.0.0.1');
